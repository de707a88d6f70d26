// End-to-end: the trace of a real run, row by row, read with sim/trace/trace_reader.
//
// The golden market (tests/data/e2e/golden.yaml) is worked by hand in tests/e2e/cli_test.cpp
// above GoldenRunMatchesTheHandWorkedMarket. Per 15-minute interval: sellers 0 and 1 (load
// 0.1 kWh, PV 0.5 kWh) each offer 0.4 kWh at 0.08; buyers 2, 3 and 4 each bid 0.3 kWh at
// 0.30. Supply 0.8 < demand 0.9, so the price is 0.30, 0.8 kWh clear, and the bid last in
// price-time priority (all bids have the same price: the one that arrived last) gets 0.2 of
// its 0.3 kWh; its owner imports the missing 0.1 kWh from the utility.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/trace/records.hpp"
#include "sim/trace/trace_reader.hpp"
#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

namespace fs = std::filesystem;
using namespace ebsim::trace;

constexpr std::uint32_t kIntervals = 4;
constexpr double kIntervalS = 900.0;
constexpr double kGateClosureBeforeDeliveryS = 300.0;  // market.gate_closure: 5min
constexpr double kBidWindowS = 480.0;                  // market.bid_window: 8min
constexpr double kPrice = 0.30;                        // per kWh: the clearing price, and retail
constexpr double kFee = 0.01;                          // per kWh, charged to each side
constexpr double kTol = 1e-12;                         // sums of a few exactly worked numbers

constexpr std::uint8_t kBuy = 0, kSell = 1;  // /orders.side
constexpr std::uint8_t kAccepted = 0;        // /orders.status

bool is_seller(std::uint32_t participant) { return participant < 2; }

std::string text(const char* field) { return std::string(field, strnlen(field, kNameLength)); }

/** A fresh directory for one test's traces, unique to this process (test binaries of other
 * build trees may run at the same time). */
fs::path fresh_test_dir(const std::string& name) { return fresh_dir(name + "-" + std::to_string(::getpid())); }

class TraceRows : public ::testing::Test {
 protected:
  /** Runs the golden scenario once for the whole suite. */
  static void SetUpTestSuite() {
    golden_trace_ = fresh_test_dir("trace-rows-golden") / "golden.h5";
    golden_run_ = run_cli("run tests/data/e2e/golden.yaml -q -o '" + golden_trace_.string() + "'");
  }
  static void TearDownTestSuite() { fs::remove_all(golden_trace_.parent_path()); }

  /** Every row of Row's table in the golden trace. */
  template <class Row>
  static std::vector<Row> golden() {
    return read_table<Row>(golden_trace_.string());
  }
  /** Fails the test (fatally) unless the golden run succeeded. */
  static void expect_golden_run() {
    ASSERT_EQ(golden_run_.exit_code, 0) << golden_run_.err;
    ASSERT_TRUE(fs::exists(golden_trace_));
  }

  static inline fs::path golden_trace_;
  static inline CliResult golden_run_;
};

TEST_F(TraceRows, GoldenIntervalsClearAtTheRetailTariff) {
  ASSERT_NO_FATAL_FAILURE(expect_golden_run());
  const auto intervals = golden<IntervalRecord>();
  const auto trades = golden<TradeRecord>();
  ASSERT_EQ(intervals.size(), kIntervals);
  for (std::uint32_t k = 0; k < kIntervals; ++k) {
    const IntervalRecord& row = intervals[k];
    SCOPED_TRACE("interval " + std::to_string(k));
    EXPECT_EQ(row.interval, k);
    EXPECT_EQ(row.bids, 3u);
    EXPECT_EQ(row.offers, 2u);
    EXPECT_EQ(row.rejected_late, 0u);
    EXPECT_EQ(row.rejected_other, 0u);
    const auto trades_in_k = std::count_if(trades.begin(), trades.end(), [&](const TradeRecord& t) { return t.interval == k; });
    EXPECT_EQ(row.trades, static_cast<std::uint32_t>(trades_in_k));
    EXPECT_GE(row.trades, 2u);  // both offers fill, across the three bids
    EXPECT_EQ(row.has_price, 1u);
    EXPECT_NEAR(row.clearing_price_per_kwh, kPrice, kTol);
    EXPECT_NEAR(row.cleared_kwh, 0.8, kTol);
    EXPECT_NEAR(row.utility_import_kwh, 0.1, kTol);
    EXPECT_NEAR(row.utility_export_kwh, 0.0, kTol);
    EXPECT_NEAR(row.load_kwh, 2 * 0.1 + 3 * 0.3, kTol);
    EXPECT_NEAR(row.pv_kwh, 2 * 0.5, kTol);
    EXPECT_NEAR(row.participants_paid, 0.046, kTol);
    EXPECT_NEAR(row.exchange_received, 2 * kFee * 0.8, kTol);
    EXPECT_NEAR(row.utility_received, 0.1 * kPrice, kTol);
    EXPECT_NEAR(row.declared_welfare, (kPrice - 0.08) * 0.8, kTol);
    EXPECT_LT(std::fabs(row.energy_imbalance_kwh), kTol);
    EXPECT_LT(std::fabs(row.money_imbalance), kTol);
    EXPECT_EQ(row.delivery_start_s, (k + 1) * kIntervalS);  // each market runs the interval before
    EXPECT_EQ(row.gate_closure_s, row.delivery_start_s - kGateClosureBeforeDeliveryS);
  }
  for (const TradeRecord& t : trades) {
    EXPECT_NEAR(t.price_per_kwh, kPrice, kTol);  // uniform price
    EXPECT_TRUE(is_seller(t.seller)) << t.seller;
    EXPECT_FALSE(is_seller(t.buyer)) << t.buyer;
  }
}

TEST_F(TraceRows, GoldenSettlementOfSellersAndBuyers) {
  ASSERT_NO_FATAL_FAILURE(expect_golden_run());
  const auto settlement = golden<SettlementRecord>();
  const auto orders = golden<OrderRecord>();
  ASSERT_EQ(settlement.size(), kIntervals * 5);
  for (std::uint32_t k = 0; k < kIntervals; ++k) {
    SCOPED_TRACE("interval " + std::to_string(k));
    // The bid that arrived last is last in price-time priority: it is the one partly filled.
    const OrderRecord* last_bid = nullptr;
    for (const OrderRecord& o : orders) {
      if (o.interval != k || o.side != kBuy) continue;
      if (last_bid != nullptr) {
        ASSERT_NE(o.arrived_s, last_bid->arrived_s) << "a tie: priority undecided";
      }
      if (last_bid == nullptr || o.arrived_s > last_bid->arrived_s) last_bid = &o;
    }
    ASSERT_NE(last_bid, nullptr);

    double buy_kwh = 0.0, import_kwh = 0.0;
    int partly_filled = 0;
    for (const SettlementRecord& row : settlement) {
      if (row.interval != k) continue;
      SCOPED_TRACE("participant " + std::to_string(row.participant));
      EXPECT_NEAR(row.battery_charge_kwh, 0.0, kTol);
      EXPECT_NEAR(row.battery_discharge_kwh, 0.0, kTol);
      EXPECT_NEAR(row.utility_export_kwh, 0.0, kTol);
      EXPECT_NEAR(row.total_payment, row.market_payment + row.fee_payment + row.utility_payment, kTol);
      if (is_seller(row.participant)) {
        EXPECT_NEAR(row.load_kwh, 0.1, kTol);
        EXPECT_NEAR(row.pv_kwh, 0.5, kTol);
        EXPECT_NEAR(row.market_sell_kwh, 0.4, kTol);
        EXPECT_NEAR(row.market_buy_kwh, 0.0, kTol);
        EXPECT_NEAR(row.utility_import_kwh, 0.0, kTol);
        EXPECT_NEAR(row.market_payment, -0.4 * kPrice, kTol);
        EXPECT_NEAR(row.fee_payment, 0.4 * kFee, kTol);
        EXPECT_NEAR(row.total_payment, -0.116, kTol);
        continue;
      }
      EXPECT_NEAR(row.load_kwh, 0.3, kTol);
      EXPECT_NEAR(row.pv_kwh, 0.0, kTol);
      EXPECT_NEAR(row.market_sell_kwh, 0.0, kTol);
      buy_kwh += row.market_buy_kwh;
      import_kwh += row.utility_import_kwh;
      const bool partial = row.participant == last_bid->participant;
      partly_filled += partial;
      const double bought_kwh = partial ? 0.2 : 0.3;
      EXPECT_NEAR(row.market_buy_kwh, bought_kwh, kTol);
      EXPECT_NEAR(row.utility_import_kwh, 0.3 - bought_kwh, kTol);
      EXPECT_NEAR(row.total_payment, bought_kwh * (kPrice + kFee) + (0.3 - bought_kwh) * kPrice, kTol);
    }
    EXPECT_NEAR(buy_kwh, 0.8, kTol);
    EXPECT_NEAR(import_kwh, 0.1, kTol);
    EXPECT_EQ(partly_filled, 1);
    EXPECT_NEAR(last_bid->matched_kwh, 0.2, kTol);
  }
}

// In the golden run (seed 11) buyer 4 happens to send last in every interval, which cannot
// tell "arrived last" from, say, "highest participant id". Under seed 2 the last buyer changes
// from interval to interval.
TEST_F(TraceRows, PartlyFilledBidIsTheOneThatArrivedLast) {
  const fs::path dir = fresh_test_dir("trace-rows-seed2");
  const fs::path trace = dir / "seed2.h5";
  const CliResult run = run_cli("run tests/data/e2e/golden.yaml -q --seed 2 -o '" + trace.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto orders = read_table<OrderRecord>(trace.string());
  const auto settlement = read_table<SettlementRecord>(trace.string());
  std::vector<std::uint32_t> last_buyers;
  for (std::uint32_t k = 0; k < kIntervals; ++k) {
    SCOPED_TRACE("interval " + std::to_string(k));
    std::vector<const OrderRecord*> bids;
    for (const OrderRecord& o : orders)
      if (o.interval == k && o.side == kBuy) bids.push_back(&o);
    ASSERT_EQ(bids.size(), 3u);
    std::sort(bids.begin(), bids.end(), [](const auto* a, const auto* b) { return a->arrived_s < b->arrived_s; });
    ASSERT_LT(bids[1]->arrived_s, bids[2]->arrived_s);
    EXPECT_NEAR(bids[0]->matched_kwh, 0.3, kTol);
    EXPECT_NEAR(bids[1]->matched_kwh, 0.3, kTol);
    EXPECT_NEAR(bids[2]->matched_kwh, 0.2, kTol);
    last_buyers.push_back(bids[2]->participant);
    for (const SettlementRecord& row : settlement) {
      if (row.interval == k && !is_seller(row.participant)) {
        EXPECT_NEAR(row.market_buy_kwh, row.participant == bids[2]->participant ? 0.2 : 0.3, kTol)
            << "participant " << row.participant;
      }
    }
  }
  std::sort(last_buyers.begin(), last_buyers.end());
  EXPECT_GT(std::unique(last_buyers.begin(), last_buyers.end()) - last_buyers.begin(), 1)
      << "the same buyer sent last in every interval: pick a seed where it changes";
  fs::remove_all(dir);
}

TEST_F(TraceRows, GoldenOrdersAreTimedAndMatchTheirTrades) {
  ASSERT_NO_FATAL_FAILURE(expect_golden_run());
  const auto orders = golden<OrderRecord>();
  const auto trades = golden<TradeRecord>();
  ASSERT_EQ(orders.size(), kIntervals * 5);
  std::map<std::uint64_t, double> traded_kwh;  // by order id
  for (const TradeRecord& t : trades) {
    traded_kwh[t.buy_order] += t.quantity_kwh;
    traded_kwh[t.sell_order] += t.quantity_kwh;
  }
  std::map<std::uint32_t, int> orders_per_interval;
  for (const OrderRecord& o : orders) {
    SCOPED_TRACE("order " + std::to_string(o.order));
    ++orders_per_interval[o.interval];
    const double opens_s = o.interval * kIntervalS;
    const double gate_closure_s = (o.interval + 1) * kIntervalS - kGateClosureBeforeDeliveryS;
    EXPECT_EQ(o.status, kAccepted);
    EXPECT_EQ(o.side, is_seller(o.participant) ? kSell : kBuy);
    EXPECT_NEAR(o.quantity_kwh, is_seller(o.participant) ? 0.4 : 0.3, kTol);
    EXPECT_NEAR(o.limit_price_per_kwh, is_seller(o.participant) ? 0.08 : kPrice, kTol);
    EXPECT_GE(o.submitted_s, opens_s);
    EXPECT_LT(o.submitted_s, opens_s + kBidWindowS);
    EXPECT_GT(o.arrived_s, o.submitted_s);
    EXPECT_LT(o.arrived_s, gate_closure_s);
    EXPECT_GT(o.result_received_s, gate_closure_s);
    EXPECT_NEAR(o.matched_kwh, traded_kwh[o.order], kTol);
    if (is_seller(o.participant)) {
      EXPECT_NEAR(o.matched_kwh, 0.4, kTol);  // both offers fill
    }
  }
  EXPECT_EQ(orders_per_interval.size(), kIntervals);
  for (const auto& [k, count] : orders_per_interval) EXPECT_EQ(count, 5) << "interval " << k;
}

TEST_F(TraceRows, GoldenMessagesCountAndSize) {
  ASSERT_NO_FATAL_FAILURE(expect_golden_run());
  const auto messages = golden<MessageStatRecord>();
  const auto orders = golden<OrderRecord>();
  const auto trades = golden<TradeRecord>();
  // A result lists each trade of its order: every trade is in two results (bid and offer).
  std::uint64_t result_bytes = 0;
  for (const OrderRecord& o : orders) {
    const auto listed = std::count_if(trades.begin(), trades.end(), [&](const TradeRecord& t) {
      return t.buy_order == o.order || t.sell_order == o.order;
    });
    result_bytes += 300 + 60 * static_cast<std::uint64_t>(listed);
  }
  EXPECT_EQ(result_bytes, 20 * 300 + 2 * 60 * trades.size());
  const std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> expected{
      {"bid", {20, 20 * 400}},
      {"ack", {20, 20 * 120}},
      {"result", {20, result_bytes}},
      {"settlement", {20, 20 * 350}},
  };
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> actual;
  for (const MessageStatRecord& m : messages) {
    actual[text(m.type)] = {m.count, m.bytes};
    EXPECT_GT(m.mean_transfer_s, 0.0) << text(m.type);
    EXPECT_GE(m.max_transfer_s, m.mean_transfer_s) << text(m.type);
  }
  EXPECT_EQ(actual, expected);
}

TEST_F(TraceRows, GoldenParticipantsAndGroups) {
  ASSERT_NO_FATAL_FAILURE(expect_golden_run());
  const auto participants = golden<ParticipantRecord>();
  ASSERT_EQ(participants.size(), 5u);
  for (std::uint32_t p = 0; p < 5; ++p) {
    EXPECT_EQ(participants[p].participant, p);
    EXPECT_EQ(participants[p].group, is_seller(p) ? 0u : 1u) << p;
    EXPECT_EQ(participants[p].battery_capacity_kwh, 0.0) << p;
  }
  const auto groups = golden<GroupRecord>();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(text(groups[0].name), "sellers");
  EXPECT_EQ(groups[0].type, 0u);  // prosumer
  EXPECT_EQ(groups[0].count, 2u);
  EXPECT_EQ(text(groups[1].name), "buyers");
  EXPECT_EQ(groups[1].type, 1u);  // consumer
  EXPECT_EQ(groups[1].count, 3u);
}

// A larger run (60 participants with PV, batteries and random bids over 96 intervals): the
// per-participant rows add up to the per-interval totals.
TEST_F(TraceRows, DemoSettlementAndTradesAddUpToTheIntervalTotals) {
  const fs::path dir = fresh_test_dir("trace-rows-demo");
  const fs::path trace = dir / "demo.h5";
  const CliResult run = run_cli("run scenarios/demo_neighbourhood.yaml -q -o '" + trace.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto intervals = read_table<IntervalRecord>(trace.string());
  ASSERT_EQ(intervals.size(), 96u);

  struct Sums {
    double load_kwh = 0, pv_kwh = 0, charge_kwh = 0, discharge_kwh = 0, import_kwh = 0, export_kwh = 0,
           paid = 0, traded_kwh = 0;
    std::uint32_t rows = 0, trades = 0;
  };
  std::vector<Sums> sums(intervals.size());
  for_each_row<SettlementRecord>(trace.string(), [&](const SettlementRecord& row) {
    ASSERT_LT(row.interval, sums.size());
    Sums& s = sums[row.interval];
    s.load_kwh += row.load_kwh;
    s.pv_kwh += row.pv_kwh;
    s.charge_kwh += row.battery_charge_kwh;
    s.discharge_kwh += row.battery_discharge_kwh;
    s.import_kwh += row.utility_import_kwh;
    s.export_kwh += row.utility_export_kwh;
    s.paid += row.total_payment;
    ++s.rows;
  });
  for_each_row<TradeRecord>(trace.string(), [&](const TradeRecord& row) {
    ASSERT_LT(row.interval, sums.size());
    sums[row.interval].traded_kwh += row.quantity_kwh;
    ++sums[row.interval].trades;
  });
  double traded_kwh = 0;
  for (const IntervalRecord& k : intervals) {
    SCOPED_TRACE("interval " + std::to_string(k.interval));
    ASSERT_LT(k.interval, sums.size());
    const Sums& s = sums[k.interval];
    EXPECT_EQ(s.rows, 60u);
    EXPECT_NEAR(s.load_kwh, k.load_kwh, 1e-9);
    EXPECT_NEAR(s.pv_kwh, k.pv_kwh, 1e-9);
    EXPECT_NEAR(s.charge_kwh, k.battery_charge_kwh, 1e-9);
    EXPECT_NEAR(s.discharge_kwh, k.battery_discharge_kwh, 1e-9);
    EXPECT_NEAR(s.import_kwh, k.utility_import_kwh, 1e-9);
    EXPECT_NEAR(s.export_kwh, k.utility_export_kwh, 1e-9);
    EXPECT_NEAR(s.paid, k.participants_paid, 1e-9);
    EXPECT_NEAR(s.traded_kwh, k.cleared_kwh, 1e-9);
    EXPECT_EQ(s.trades, k.trades);
    traded_kwh += s.traded_kwh;
  }
  EXPECT_GT(traded_kwh, 1.0) << "the demo should trade locally around midday";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ebsim::test
