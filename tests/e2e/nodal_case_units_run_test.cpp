// End-to-end: scenarios/rules/nodal_case_units.yaml (nodal on grids/feeder3_units.m with
// grid.case_units: include) runs, every invariant holds, money is conserved between
// participants, utility, exchange and the grid party, and every participant is settled at its
// bus's LMP, recomputed here from the trace's orders with an independent grid::solve_dc_opf.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <vector>

#include "analysis/report.hpp"
#include "models/grid/dc_opf.hpp"
#include "models/market/case_units.hpp"
#include "sim/scenario.hpp"
#include "sim/trace/trace_reader.hpp"
#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

constexpr const char* kScenario = "scenarios/rules/nodal_case_units.yaml";

struct CaseUnitsRun {
  std::string trace;
  sim::Scenario scenario;
  std::vector<int> participant_bus;  // external bus number per participant
};

CaseUnitsRun run_scenario(const std::string& name, const std::string& extra_args = "") {
  const std::filesystem::path dir = fresh_dir(name);
  CaseUnitsRun run;
  run.trace = (dir / "run.h5").string();
  const CliResult r = run_cli(std::string("run ") + kScenario + " -q -o '" + run.trace + "' " + extra_args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  run.scenario = sim::load_scenario(std::string(EBSIM_SOURCE_DIR) + "/" + kScenario);
  for (const sim::ParticipantGroup& group : run.scenario.groups)
    run.participant_bus.insert(run.participant_bus.end(), group.count, group.bus);
  return run;
}

/** One interval's DC-OPF over the whole case and the accepted orders of /orders, built here from
 * the trace and the case file alone (orders as MW and $/MWh at their participant's bus, sorted
 * by bus, side and order id: an order of this test's own, not the rule's). */
struct IntervalOpf {
  grid::DcOpfResult opf;
  std::map<std::uint64_t, double> cleared_kwh_by_order;
};

std::map<std::uint32_t, IntervalOpf> independent_opfs(const CaseUnitsRun& run) {
  const grid::GridModel& model = run.scenario.grid.model;
  const double interval_h = run.scenario.market.interval_s / 3600.0;
  std::map<std::uint32_t, std::vector<trace::OrderRecord>> accepted;
  for (const auto& o : trace::read_table<trace::OrderRecord>(run.trace))
    if (o.status == 0) accepted[o.interval].push_back(o);
  std::map<std::uint32_t, IntervalOpf> result;
  for (std::uint32_t k = 0; k < run.scenario.interval_count(); ++k) {
    std::vector<trace::OrderRecord>& orders = accepted[k];
    const auto key = [&](const trace::OrderRecord& o) {
      return std::make_tuple(model.bus_index(run.participant_bus.at(o.participant)), o.side, o.order);
    };
    std::sort(orders.begin(), orders.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
    std::vector<grid::BusOrder> bus_orders;
    for (const auto& o : orders)
      bus_orders.push_back({run.participant_bus.at(o.participant), o.side == 0, o.quantity_kwh / interval_h / 1000.0,
                            o.limit_price_per_kwh * 1000.0});
    IntervalOpf& interval = result[k];
    interval.opf = grid::solve_dc_opf(model, bus_orders);
    EXPECT_TRUE(interval.opf.optimal) << "interval " << k << ": " << interval.opf.status;
    for (std::size_t i = 0; i < orders.size(); ++i)
      interval.cleared_kwh_by_order[orders[i].order] = interval.opf.order_cleared_mw[i] * interval_h * 1000.0;
  }
  return result;
}

TEST(NodalCaseUnitsRun, ParticipantsPayTheirBusLmpAndMoneyIsConserved) {
  const CaseUnitsRun run = run_scenario("nodal-case-units");
  ASSERT_TRUE(run.scenario.grid.case_units);
  const grid::GridModel& model = run.scenario.grid.model;
  const double interval_h = run.scenario.market.interval_s / 3600.0;
  const std::map<std::uint32_t, IntervalOpf> opfs = independent_opfs(run);

  // The scenario congests: in some intervals the buses' prices differ.
  std::size_t congested_intervals = 0;
  for (const auto& [k, interval] : opfs) {
    const auto [lo, hi] = std::minmax_element(interval.opf.lmp_per_mwh.begin(), interval.opf.lmp_per_mwh.end());
    if (*hi - *lo > 1.0) ++congested_intervals;  // prices differ by more than 0.001/kWh
  }
  EXPECT_GE(congested_intervals, 4u) << "line 2-3 should bind at midday (exports) and in the evening (imports)";
  // Every participant's market payment is (bought - sold) kWh times the LMP of its bus.
  std::map<std::uint32_t, double> participants_paid_by_interval;
  for (const auto& row : trace::read_table<trace::SettlementRecord>(run.trace)) {
    const IntervalOpf& interval = opfs.at(row.interval);
    const double lmp_per_kwh = interval.opf.lmp_per_mwh[model.bus_index(run.participant_bus.at(row.participant))] / 1000.0;
    EXPECT_NEAR(row.market_payment, (row.market_buy_kwh - row.market_sell_kwh) * lmp_per_kwh, 1e-6)
        << "interval " << row.interval << ", participant " << row.participant;
    participants_paid_by_interval[row.interval] += row.total_payment;
  }

  // Each order cleared what the OPF clears for it.
  for (const auto& o : trace::read_table<trace::OrderRecord>(run.trace)) {
    if (o.status != 0) continue;
    EXPECT_NEAR(o.matched_kwh, opfs.at(o.interval).cleared_kwh_by_order.at(o.order), 1e-6) << "order " << o.order;
  }

  // The grid party: its generators sell their dispatch, its loads buy Pd + Gs, each at its bus's LMP.
  std::map<std::uint32_t, double> grid_party_received, grid_party_sold_kwh;
  for (const auto& t : trace::read_table<trace::TradeRecord>(run.trace)) {
    const grid::DcOpfResult& opf = opfs.at(t.interval).opf;
    if (t.seller == market::kGridParty) {
      ASSERT_GE(t.sell_order, market::kCaseGeneratorOrderBase);
      const grid::Generator& generator = model.generators.at(t.sell_order - market::kCaseGeneratorOrderBase);
      EXPECT_NEAR(t.seller_price_per_kwh, opf.lmp_per_mwh[model.bus_index(generator.bus)] / 1000.0, 1e-6);
      grid_party_received[t.interval] += t.quantity_kwh * t.seller_price_per_kwh;
      grid_party_sold_kwh[t.interval] += t.quantity_kwh;
    }
    if (t.buyer == market::kGridParty) {
      ASSERT_GE(t.buy_order, market::kCaseLoadOrderBase);
      const int bus = static_cast<int>(t.buy_order - market::kCaseLoadOrderBase);
      EXPECT_NEAR(t.price_per_kwh, opf.lmp_per_mwh[model.bus_index(bus)] / 1000.0, 1e-6);
      grid_party_received[t.interval] -= t.quantity_kwh * t.price_per_kwh;
    }
  }

  const double case_load_kwh = (0.001 + 0.002) * interval_h * 1000.0;  // feeder3_units.m: 1 kW + 2 kW
  for (const auto& row : trace::read_table<trace::IntervalRecord>(run.trace)) {
    const grid::DcOpfResult& opf = opfs.at(row.interval).opf;
    double generation_kwh = 0.0;
    for (double pg_mw : opf.pg_mw) generation_kwh += pg_mw * interval_h * 1000.0;
    EXPECT_NEAR(row.grid_party_sold_kwh, generation_kwh, 1e-6) << "interval " << row.interval;
    EXPECT_NEAR(row.grid_party_sold_kwh, grid_party_sold_kwh[row.interval], 1e-9);
    EXPECT_NEAR(row.grid_party_bought_kwh, case_load_kwh, 1e-9);
    EXPECT_NEAR(row.grid_party_received, grid_party_received[row.interval], 1e-9);
    EXPECT_NEAR(row.participants_paid, participants_paid_by_interval[row.interval], 1e-9);
    // Conserved: participants + utility + exchange + grid party sum to zero.
    EXPECT_NEAR(row.participants_paid - row.utility_received - row.exchange_received - row.grid_party_received, 0.0,
                1e-9);
    EXPECT_LE(std::abs(row.money_imbalance), 1e-9);
    EXPECT_LE(std::abs(row.energy_imbalance_kwh), 1e-9);
  }

  const analysis::RunSummary summary = analysis::summarize_trace(run.trace);
  EXPECT_TRUE(analysis::has_grid_party(summary));
  EXPECT_GT(summary.participants_bought_from_grid_party_kwh, 0.0);
  EXPECT_NEAR(summary.grid_party_bought_kwh, case_load_kwh * run.scenario.interval_count(), 1e-6);
}

TEST(NodalCaseUnitsRun, FeesAreConservedAndRunsAreByteIdentical) {
  const CaseUnitsRun a = run_scenario("nodal-case-units-fee-a", "--set market.exchange_fee=0.01/kWh");
  const CaseUnitsRun b = run_scenario("nodal-case-units-fee-b", "--set market.exchange_fee=0.01/kWh");
  EXPECT_TRUE(read_file(a.trace) == read_file(b.trace)) << "same scenario and seed must give byte-identical traces";
  double traded_kwh = 0.0;
  for (const auto& t : trace::read_table<trace::TradeRecord>(a.trace)) traded_kwh += t.quantity_kwh;
  double exchange_received = 0.0, rent = 0.0;
  for (const auto& t : trace::read_table<trace::TradeRecord>(a.trace))
    rent += t.quantity_kwh * (t.price_per_kwh - t.seller_price_per_kwh);
  for (const auto& row : trace::read_table<trace::IntervalRecord>(a.trace)) {
    exchange_received += row.exchange_received;
    EXPECT_LE(std::abs(row.money_imbalance), 1e-9) << "interval " << row.interval;
  }
  // Both sides of every trade pay the fee, the grid party's included.
  EXPECT_NEAR(exchange_received, 2.0 * 0.01 * traded_kwh + rent, 1e-6);
}

TEST(NodalCaseUnitsRun, DiffersFromClearingWithoutTheCaseUnits) {
  const CaseUnitsRun with_units = run_scenario("nodal-case-units-with");
  const CaseUnitsRun without = run_scenario("nodal-case-units-without", "--set grid.case_units=exclude");
  const analysis::RunSummary a = analysis::summarize_trace(with_units.trace);
  const analysis::RunSummary b = analysis::summarize_trace(without.trace);
  EXPECT_FALSE(analysis::has_grid_party(b));
  EXPECT_EQ(b.grid_party_received, 0.0);
  // The upstream supply at 0.15/kWh undercuts the 0.30 retail tariff: participants pay less.
  EXPECT_LT(a.participants_paid, b.participants_paid);
  EXPECT_LT(a.utility_import_kwh, b.utility_import_kwh);
}

// Bad input: exit 2, the key and what was expected on stderr, and no trace left behind.
TEST(NodalCaseUnitsRun, BadCaseUnitsExitWithTwo) {
  const std::filesystem::path dir = fresh_dir("nodal-case-units-bad");
  const std::string trace = (dir / "run.h5").string();
  // (arguments, what the message expects, where it points: the --set or the key's file and line)
  const std::vector<std::tuple<std::string, std::string, std::string>> cases{
      {"--set grid.case_units=maybe", "one of exclude, include", "--set grid.case_units=maybe"},
      {"--set market.clearing=pay_as_clear", "needs market.clearing: nodal", "nodal_case_units.yaml:39"},
      {"--set market.design=consortium", "market.design: centralized", "nodal_case_units.yaml:39"},
  };
  for (const auto& [args, expected, where] : cases) {
    const CliResult r = run_cli(std::string("run ") + kScenario + " -q -o '" + trace + "' " + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find("grid.case_units"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(trace)) << args;
  }
}

// A case load the case cannot serve (5 kW at the feeder end behind the 4 kW line, no PV at
// night) has no optimum: the run fails naming the interval, exit 3, and leaves no trace.
TEST(NodalCaseUnitsRun, UnservableCaseLoadEndsTheRunWithThree) {
  const std::filesystem::path dir = fresh_dir("nodal-case-units-unservable");
  std::string case_text = read_file(std::filesystem::path(EBSIM_SOURCE_DIR) / "scenarios/grids/feeder3_units.m");
  const std::string bus3 = "\t3\t1\t0.002\t";
  ASSERT_NE(case_text.find(bus3), std::string::npos);
  case_text.replace(case_text.find(bus3), bus3.size(), "\t3\t1\t0.005\t");
  const std::filesystem::path case_path = dir / "unservable.m";
  std::ofstream(case_path) << case_text;
  const std::string trace = (dir / "run.h5").string();
  const CliResult r = run_cli(std::string("run ") + kScenario + " -q -o '" + trace + "' --set grid.file='" +
                              case_path.string() + "'");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("interval 0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no optimum"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(trace));
}

}  // namespace
}  // namespace ebsim::test
