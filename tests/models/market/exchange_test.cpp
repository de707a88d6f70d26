#include "models/market/exchange.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/core/invariant.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/messages.hpp"
#include "models/market/pay_as_clear.hpp"
#include "tests/models/grid/test_grids.hpp"
#include "tests/models/fake_node_context.hpp"

namespace ebsim::market {
namespace {

using testing::FakeNodeContext;
using testing::SentMessage;

constexpr double kTol = 1e-12;
constexpr NodeId kExchangeNode = 50;
/** Participant i lives on node 10 + i (node ids differ from participant ids on purpose). */
constexpr NodeId node_of(ParticipantId i) { return 10 + i; }
constexpr ParticipantId kParticipants = 5;

/** 15-min intervals, gate closure 5 min before delivery, 2 intervals:
 *   gate closure of 0 at 900 - 300 = 600 s, settlement of 0 at 2 * 900 = 1800 s,
 *   gate closure of 1 at 1500 s,            settlement of 1 at 2700 s. */
MarketTiming timing() {
  MarketTiming t;
  t.interval_s = 900.0;
  t.gate_closure_s = 300.0;
  t.bid_window_s = 480.0;
  t.intervals = 2;
  return t;
}

ExchangeParams params() {
  ExchangeParams p;
  p.timing = timing();
  p.tariffs.retail_per_kwh = 0.30;
  p.tariffs.feed_in_per_kwh = 0.08;
  p.tariffs.exchange_fee_per_kwh = 0.01;
  p.ack_bytes = 120.0;
  p.result_bytes = 300.0;
  p.result_per_trade_bytes = 60.0;
  p.settlement_bytes = 350.0;
  p.interval_label = [](IntervalIndex k) { return "test-interval-" + std::to_string(k); };
  return p;
}

Order order(OrderId id, ParticipantId who, IntervalIndex k, Side side, double quantity_kwh, double price_per_kwh) {
  Order o;
  o.id = id;
  o.participant = who;
  o.interval = k;
  o.side = side;
  o.quantity_kwh = quantity_kwh;
  o.limit_price_per_kwh = price_per_kwh;
  return o;
}

Message bid_message(const Order& o) {
  auto body = std::make_shared<BidBody>();
  body->order = o;
  return Message{MessageType::kBid, kNoNode, kNoNode, 400.0, 0.0, body};
}

class ExchangeTest : public ::testing::Test {
 protected:
  ExchangeTest() : rule_(ClearingRuleRegistry::instance().create("pay_as_clear")) {
    meters_.assign(timing().intervals, std::vector<MeterReading>(kParticipants));
  }

  /** Build the exchange (after the test has filled meters_ or changed params_). */
  Exchange& exchange() {
    if (!exchange_) {
      std::vector<NodeId> nodes;
      for (ParticipantId i = 0; i < kParticipants; ++i) nodes.push_back(node_of(i));
      exchange_ = std::make_unique<Exchange>(
          params_, *rule_, nodes,
          [this](ParticipantId i, IntervalIndex k) -> const MeterReading& { return meters_.at(k).at(i); });
      exchange_->cleared.connect([this](const ClearedInterval& c) { cleared_.push_back(c); });
      exchange_->settled.connect([this](const ClearedInterval& c, const IntervalSettlement& s) {
        settled_.push_back({c, s});
      });
    }
    return *exchange_;
  }

  /** Participant `who` sends `o`; it reaches the exchange at `at_s`. */
  void arrive(const Order& o, double at_s) { ctx_.deliver(exchange(), bid_message(o), node_of(o.participant), at_s); }

  /** Messages of `type` sent so far, forgetting all sent messages. */
  std::vector<SentMessage> take(MessageType type) {
    std::vector<SentMessage> out;
    for (SentMessage& m : ctx_.take_sent())
      if (m.msg.type == type) out.push_back(std::move(m));
    return out;
  }

  /** The single ack in `acks`. */
  static const AckBody& only_ack(const std::vector<SentMessage>& acks) {
    EXPECT_EQ(acks.size(), 1u);
    return acks.at(0).msg.as<AckBody>();
  }

  ExchangeParams params_ = params();
  std::unique_ptr<ClearingRule> rule_;
  std::vector<std::vector<MeterReading>> meters_;  // [interval][participant]
  FakeNodeContext ctx_{kExchangeNode};
  std::unique_ptr<Exchange> exchange_;
  std::vector<ClearedInterval> cleared_;
  struct Settled {
    ClearedInterval cleared;
    IntervalSettlement settlement;
  };
  std::vector<Settled> settled_;
};

TEST_F(ExchangeTest, RuleIsRegisteredAsPayAsClear) {
  ASSERT_NE(rule_, nullptr);
  EXPECT_EQ(rule_->name(), "pay_as_clear");
}

TEST_F(ExchangeTest, OnStartSchedulesFirstGateClosureAndSettlement) {
  exchange().on_start(ctx_);
  ASSERT_EQ(ctx_.timers().size(), 2u);
  std::vector<double> at;
  for (const auto& t : ctx_.timers()) at.push_back(t.at_s);
  std::sort(at.begin(), at.end());
  EXPECT_EQ(at[0], timing().gate_closure_time_s(0));
  EXPECT_EQ(at[0], 600.0);
  EXPECT_EQ(at[1], timing().delivery_end_s(0));
  EXPECT_EQ(at[1], 1800.0);
  EXPECT_TRUE(ctx_.sent().empty());
}

TEST_F(ExchangeTest, NoIntervalsNoTimers) {
  params_.timing.intervals = 0;
  exchange().on_start(ctx_);
  EXPECT_TRUE(ctx_.timers().empty());
}

TEST_F(ExchangeTest, TimersChainThroughEveryIntervalAndStop) {
  exchange().on_start(ctx_);
  // Fire everything: gate closures 600, 1500 and settlements 1800, 2700, in that order.
  std::vector<double> fired_at;
  while (ctx_.fire_next_timer(exchange())) fired_at.push_back(ctx_.now_s());
  EXPECT_EQ(fired_at, (std::vector<double>{600.0, 1500.0, 1800.0, 2700.0}));
  ASSERT_EQ(cleared_.size(), 2u);
  EXPECT_EQ(cleared_[0].interval, 0u);
  EXPECT_EQ(cleared_[0].gate_closure_s, 600.0);
  EXPECT_EQ(cleared_[1].interval, 1u);
  EXPECT_EQ(cleared_[1].gate_closure_s, 1500.0);
  ASSERT_EQ(settled_.size(), 2u);
  EXPECT_EQ(settled_[0].settlement.interval, 0u);
  EXPECT_EQ(settled_[1].settlement.interval, 1u);
  // Empty books: no results, but every participant still gets a statement per interval.
  EXPECT_TRUE(take(MessageType::kResult).empty());
}

TEST_F(ExchangeTest, AdmissionAcksAcceptedLateZeroQuantityInvalidPrice) {
  // The two admitted orders (P0 buys 1, P3 sells 1) trade 1 kWh; meters to match.
  meters_[0][0].load_kwh = 1.0;
  meters_[0][3].pv_kwh = 1.0;
  exchange().on_start(ctx_);
  // Before gate closure (600 s): accepted.
  arrive(order(1, 0, 0, Side::kBuy, 1.0, 0.30), 100.0);
  {
    const auto acks = take(MessageType::kAck);
    const AckBody& ack = only_ack(acks);
    EXPECT_EQ(acks[0].to, node_of(0));
    EXPECT_EQ(acks[0].msg.size_bytes, 120.0);
    EXPECT_EQ(ack.order, 1u);
    EXPECT_EQ(ack.status, OrderStatus::kAccepted);
    EXPECT_EQ(ack.arrived_s, 100.0);
  }
  // Quantity 0 and negative: kZeroQuantity.
  arrive(order(2, 1, 0, Side::kSell, 0.0, 0.10), 200.0);
  EXPECT_EQ(only_ack(take(MessageType::kAck)).status, OrderStatus::kZeroQuantity);
  arrive(order(3, 2, 0, Side::kSell, -1.0, 0.10), 210.0);
  EXPECT_EQ(only_ack(take(MessageType::kAck)).status, OrderStatus::kZeroQuantity);
  // Non-finite price: kInvalidPrice.
  arrive(order(4, 3, 0, Side::kSell, 1.0, std::numeric_limits<double>::quiet_NaN()), 220.0);
  EXPECT_EQ(only_ack(take(MessageType::kAck)).status, OrderStatus::kInvalidPrice);
  // Non-finite quantity: kInvalidQuantity (a rule must never see it).
  arrive(order(8, 3, 0, Side::kSell, std::numeric_limits<double>::infinity(), 0.10), 230.0);
  EXPECT_EQ(only_ack(take(MessageType::kAck)).status, OrderStatus::kInvalidQuantity);
  // For an interval the run does not hold: kUnknownInterval, and no book is opened for it.
  arrive(order(9, 3, 99, Side::kSell, 1.0, 0.10), 240.0);
  EXPECT_EQ(only_ack(take(MessageType::kAck)).status, OrderStatus::kUnknownInterval);
  // Exactly at gate closure, before the gate-closure timer: still in time (late means after).
  arrive(order(5, 3, 0, Side::kSell, 1.0, 0.10), 600.0);
  EXPECT_EQ(only_ack(take(MessageType::kAck)).status, OrderStatus::kAccepted);

  ctx_.run_timers_until(exchange(), 650.0);  // gate closure of 0 at 600
  // After gate closure: kLate, whatever else is wrong with it.
  arrive(order(6, 4, 0, Side::kSell, 1.0, 0.10), 700.0);
  {
    const auto acks = take(MessageType::kAck);
    EXPECT_EQ(acks.at(0).to, node_of(4));
    EXPECT_EQ(only_ack(acks).status, OrderStatus::kLate);
    EXPECT_EQ(only_ack(acks).arrived_s, 700.0);
  }
  arrive(order(7, 4, 0, Side::kSell, 0.0, 0.10), 710.0);
  EXPECT_EQ(only_ack(take(MessageType::kAck)).status, OrderStatus::kLate);

  ASSERT_EQ(cleared_.size(), 1u);
  EXPECT_EQ(cleared_[0].bids, 1u);
  EXPECT_EQ(cleared_[0].offers, 1u);
  EXPECT_EQ(cleared_[0].rejected_other, 4u);  // two zero quantities, a NaN price, an infinite quantity
  // The late ones came after the cleared signal; the settled signal carries the count.
  ctx_.run_timers_until(exchange(), 1800.0);
  ASSERT_EQ(settled_.size(), 1u);
  EXPECT_EQ(settled_[0].cleared.rejected_late, 2u);
  EXPECT_EQ(settled_[0].cleared.rejected_other, 4u);
}

TEST_F(ExchangeTest, OrderAfterSettlementOfItsIntervalIsLate) {
  exchange().on_start(ctx_);
  ctx_.run_timers_until(exchange(), 1900.0);  // interval 0 closed at 600 and settled at 1800
  ctx_.take_sent();
  arrive(order(9, 2, 0, Side::kBuy, 1.0, 0.30), 1900.0);
  const auto acks = take(MessageType::kAck);
  EXPECT_EQ(only_ack(acks).status, OrderStatus::kLate);
  EXPECT_EQ(acks[0].to, node_of(2));
}

/** The hand-cleared book of interval 0 (pay_as_clear.hpp, rule steps 2-4):
 *   bids:   id 1  P0  3 kWh @ 0.30      id 2  P1  2 kWh @ 0.20
 *   offers: id 3  P2  2 kWh @ 0.10      id 4  P3  1 kWh @ 0.22
 *   late:   id 5  P4  5 kWh @ 1.00 bid, arriving after gate closure (would take everything)
 * Walk: (1,3) 0.30 >= 0.10 -> 2 kWh; offer 3 done, bid 1 has 1 left.
 *       (1,4) 0.30 >= 0.22 -> 1 kWh; bid 1 and offer 4 done; no offer left -> stop.
 * Price: marginal bid b_m = 0.30, marginal offer o_m = 0.22, first bid not wholly matched
 *        b_u = 0.20 (id 2), no offer left (o_u absent).
 *        [low, high] = [max(0.22, 0.20), 0.30] = [0.22, 0.30] -> p = 0.26.
 * Fills: P0 3 kWh pays 0.78 (2 trades), P1 0 (0 trades), P2 2 kWh gets 0.52 (1 trade),
 *        P3 1 kWh gets 0.26 (1 trade).
 * Result sizes: 300 + 60 * trades = 420, 300, 360, 360 bytes. */
void send_hand_cleared_book(const std::function<void(const Order&, double)>& arrive) {
  arrive(order(1, 0, 0, Side::kBuy, 3.0, 0.30), 100.0);
  arrive(order(2, 1, 0, Side::kBuy, 2.0, 0.20), 110.0);
  arrive(order(3, 2, 0, Side::kSell, 2.0, 0.10), 120.0);
  arrive(order(4, 3, 0, Side::kSell, 1.0, 0.22), 130.0);
}

TEST_F(ExchangeTest, GateClosureSendsOneResultPerAdmittedOrderMatchingTheHandClearing) {
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  ctx_.run_timers_until(exchange(), 599.0);
  EXPECT_TRUE(take(MessageType::kResult).empty()) << "no result before gate closure";
  ctx_.run_timers_until(exchange(), 650.0);  // gate closure at 600
  arrive(order(5, 4, 0, Side::kBuy, 5.0, 1.00), 650.0);
  ctx_.take_sent();  // the acks

  // The signal.
  ASSERT_EQ(cleared_.size(), 1u);
  const ClearedInterval& c = cleared_[0];
  EXPECT_EQ(c.interval, 0u);
  EXPECT_EQ(c.gate_closure_s, 600.0);
  EXPECT_EQ(c.bids, 2u);
  EXPECT_EQ(c.offers, 2u);
  ASSERT_TRUE(c.result.has_price);
  EXPECT_NEAR(c.result.clearing_price_per_kwh, 0.26, kTol);
  EXPECT_NEAR(c.result.cleared_kwh, 3.0, kTol);
  ASSERT_EQ(c.result.trades.size(), 2u);
  EXPECT_EQ(c.result.trades[0].buy_order, 1u);
  EXPECT_EQ(c.result.trades[0].sell_order, 3u);
  EXPECT_NEAR(c.result.trades[0].quantity_kwh, 2.0, kTol);
  EXPECT_EQ(c.result.trades[1].buy_order, 1u);
  EXPECT_EQ(c.result.trades[1].sell_order, 4u);
  EXPECT_NEAR(c.result.trades[1].quantity_kwh, 1.0, kTol);
  // Declared welfare: (0.30 - 0.10) * 2 + (0.30 - 0.22) * 1 = 0.48.
  EXPECT_NEAR(c.result.declared_welfare, 0.48, kTol);
}

TEST_F(ExchangeTest, ResultMessagesCarryFillsAndSizes) {
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  ctx_.take_sent();  // acks
  ctx_.fire_next_timer(exchange());  // gate closure of 0
  ASSERT_EQ(ctx_.now_s(), 600.0);
  const auto results = take(MessageType::kResult);

  struct Expected {
    OrderId order;
    double matched_kwh, payment, arrived_s, size_bytes;
    std::size_t trades;
  };
  const std::map<NodeId, Expected> expected = {
      {node_of(0), {1, 3.0, 0.78, 100.0, 420.0, 2}},
      {node_of(1), {2, 0.0, 0.0, 110.0, 300.0, 0}},
      {node_of(2), {3, 2.0, -0.52, 120.0, 360.0, 1}},
      {node_of(3), {4, 1.0, -0.26, 130.0, 360.0, 1}},
  };
  ASSERT_EQ(results.size(), 4u) << "exactly one result per admitted order";
  std::map<NodeId, int> per_node;
  for (const SentMessage& m : results) {
    ++per_node[m.to];
    ASSERT_TRUE(expected.count(m.to)) << "result to unexpected node " << m.to;
    const Expected& e = expected.at(m.to);
    const auto& body = m.msg.as<ResultBody>();
    EXPECT_EQ(body.interval, 0u);
    ASSERT_EQ(body.fills.size(), 1u);
    EXPECT_EQ(body.fills[0].order, e.order);
    EXPECT_NEAR(body.fills[0].matched_kwh, e.matched_kwh, kTol) << "order " << e.order;
    EXPECT_NEAR(body.fills[0].payment, e.payment, kTol) << "order " << e.order;
    EXPECT_EQ(body.fills[0].arrived_s, e.arrived_s);
    EXPECT_EQ(body.trade_count, e.trades);
    // result_bytes + result_per_trade_bytes * trades.
    EXPECT_EQ(m.msg.size_bytes, e.size_bytes) << "order " << e.order;
    EXPECT_EQ(m.msg.sent_s, 600.0);
  }
  for (const auto& [node, count] : per_node) EXPECT_EQ(count, 1) << "node " << node;
  EXPECT_EQ(per_node.count(node_of(4)), 0u);
}

TEST_F(ExchangeTest, LateOrderIsNotInTheClearing) {
  // Same book plus a late bid of 5 kWh at 1.00 from P4 (0.5 s after gate closure). Had it
  // been admitted it would have outbid P0 for all 3 kWh offered. It must get kLate, no
  // result, and stay out of the trades that are settled.
  meters_[0][0].load_kwh = 4.0;  // as in the settlement test below
  meters_[0][1].load_kwh = 2.0;
  meters_[0][2].load_kwh = 0.5;
  meters_[0][2].pv_kwh = 3.0;
  meters_[0][3].pv_kwh = 1.0;
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  ctx_.take_sent();                          // the four accepted acks
  ctx_.run_timers_until(exchange(), 600.5);  // gate closure at 600
  const auto results = take(MessageType::kResult);
  EXPECT_EQ(results.size(), 4u);
  for (const SentMessage& m : results) EXPECT_NE(m.to, node_of(4));

  arrive(order(5, 4, 0, Side::kBuy, 5.0, 1.00), 600.5);
  {
    const auto acks = take(MessageType::kAck);
    EXPECT_EQ(only_ack(acks).status, OrderStatus::kLate);
    EXPECT_EQ(acks.at(0).to, node_of(4));
  }
  ctx_.run_timers_until(exchange(), 1800.0);  // gate closure of 1, settlement of 0
  EXPECT_TRUE(take(MessageType::kResult).empty()) << "a late order never gets a result";
  ASSERT_EQ(settled_.size(), 1u);
  const ClearedInterval& c = settled_[0].cleared;
  EXPECT_EQ(c.bids, 2u);
  EXPECT_EQ(c.rejected_late, 1u);
  ASSERT_EQ(c.result.trades.size(), 2u);
  for (const Trade& t : c.result.trades) EXPECT_NE(t.buy_order, 5u);
  EXPECT_NEAR(c.result.clearing_price_per_kwh, 0.26, kTol);
  EXPECT_NEAR(settled_[0].settlement.lines[4].market_buy_kwh, 0.0, kTol);
}

TEST_F(ExchangeTest, OrderAfterGateTimeIsLateEvenBeforeTheTimerFires) {
  // Admission compares the arrival time with the timeline, not only with the timer: an
  // order arriving at 600.5 s for a gate at 600 s is late even if the gate-closure event
  // has not been handled yet.
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  ctx_.take_sent();
  arrive(order(5, 4, 0, Side::kBuy, 5.0, 1.00), 600.5);
  EXPECT_EQ(only_ack(take(MessageType::kAck)).status, OrderStatus::kLate);
  // The gate-closure event, handled late, clears the book without it.
  ctx_.fire_next_timer(exchange());
  ASSERT_EQ(cleared_.size(), 1u);
  EXPECT_EQ(cleared_[0].bids, 2u);
  EXPECT_EQ(cleared_[0].rejected_late, 1u);
  for (const Trade& t : cleared_[0].result.trades) EXPECT_NE(t.buy_order, 5u);
  EXPECT_NEAR(cleared_[0].result.clearing_price_per_kwh, 0.26, kTol);
  for (const SentMessage& m : take(MessageType::kResult)) EXPECT_NE(m.to, node_of(4));
}

TEST_F(ExchangeTest, SettlementSendsEveryParticipantAStatementAndSignalsHandTotals) {
  // Meters consistent with the hand-cleared trades (interval 0):
  //   P0 load 4.0           buys 3 -> imports 1.0
  //   P1 load 2.0           buys 0 -> imports 2.0
  //   P2 load 0.5, PV 3.0   surplus 2.5, sells 2 -> exports 0.5
  //   P3 PV 1.0             surplus 1.0, sells 1 -> exports 0
  //   P4 nothing
  // Tariffs retail 0.30, feed-in 0.08, fee 0.01 per side; price 0.26:
  //   P0 0.78 + 0.03 + 1.0 * 0.30 = 1.11
  //   P1 0    + 0    + 2.0 * 0.30 = 0.60
  //   P2 -0.52 + 0.02 - 0.5 * 0.08 = -0.54
  //   P3 -0.26 + 0.01 + 0          = -0.25
  //   P4 0
  //   participants paid 1.11 + 0.60 - 0.54 - 0.25 = 0.92
  //   utility received 3.0 * 0.30 - 0.5 * 0.08 = 0.86; exchange 2 * 0.01 * 3 = 0.06; 0.86 + 0.06 = 0.92
  meters_[0][0].load_kwh = 4.0;
  meters_[0][1].load_kwh = 2.0;
  meters_[0][2].load_kwh = 0.5;
  meters_[0][2].pv_kwh = 3.0;
  meters_[0][3].pv_kwh = 1.0;
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  ctx_.run_timers_until(exchange(), 1799.0);  // gate closures 600 and 1500
  EXPECT_TRUE(settled_.empty());
  ctx_.take_sent();
  ctx_.run_timers_until(exchange(), 1800.0);  // settlement of 0

  const auto statements = take(MessageType::kSettlement);
  ASSERT_EQ(statements.size(), kParticipants);
  const std::vector<double> expected_total = {1.11, 0.60, -0.54, -0.25, 0.0};
  for (ParticipantId i = 0; i < kParticipants; ++i) {
    const SentMessage& m = statements[i];
    EXPECT_EQ(m.to, node_of(i));
    EXPECT_EQ(m.msg.size_bytes, 350.0);
    EXPECT_EQ(m.msg.sent_s, 1800.0);
    EXPECT_EQ(m.msg.as<SettlementBody>().interval, 0u);
    EXPECT_NEAR(m.msg.as<SettlementBody>().total_payment, expected_total[i], kTol) << "participant " << i;
  }

  ASSERT_EQ(settled_.size(), 1u);
  const IntervalSettlement& s = settled_[0].settlement;
  EXPECT_EQ(settled_[0].cleared.interval, 0u);
  EXPECT_EQ(settled_[0].cleared.result.trades.size(), 2u);
  EXPECT_EQ(s.interval, 0u);
  ASSERT_EQ(s.lines.size(), kParticipants);
  for (ParticipantId i = 0; i < kParticipants; ++i)
    EXPECT_NEAR(s.lines[i].total_payment, expected_total[i], kTol) << "participant " << i;
  EXPECT_NEAR(s.lines[0].utility_import_kwh, 1.0, kTol);
  EXPECT_NEAR(s.lines[1].utility_import_kwh, 2.0, kTol);
  EXPECT_NEAR(s.lines[2].utility_export_kwh, 0.5, kTol);
  EXPECT_NEAR(s.lines[3].utility_export_kwh, 0.0, kTol);
  EXPECT_NEAR(s.market_buy_kwh, 3.0, kTol);
  EXPECT_NEAR(s.market_sell_kwh, 3.0, kTol);
  EXPECT_NEAR(s.utility_import_kwh, 3.0, kTol);
  EXPECT_NEAR(s.utility_export_kwh, 0.5, kTol);
  EXPECT_NEAR(s.participants_paid, 0.92, kTol);
  EXPECT_NEAR(s.utility_received, 0.86, kTol);
  EXPECT_NEAR(s.exchange_received, 0.06, kTol);
  EXPECT_NEAR(s.money_imbalance, 0.0, kTol);
  EXPECT_NEAR(s.energy_imbalance_kwh, 0.0, kTol);
}

TEST_F(ExchangeTest, SettlementWithInconsistentMetersThrowsNamingTheInterval) {
  // P0 bought 3 kWh but its meter shows a need of only 2: energy is not conserved.
  meters_[0][0].load_kwh = 2.0;
  meters_[0][2].pv_kwh = 2.0;
  meters_[0][3].pv_kwh = 1.0;
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  ctx_.run_timers_until(exchange(), 1700.0);
  ctx_.take_sent();
  try {
    ctx_.run_timers_until(exchange(), 1800.0);
    FAIL() << "expected InvariantViolation";
  } catch (const InvariantViolation& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("test-interval-0", 0), 0u) << what;
    EXPECT_NE(what.find("participant 0"), std::string::npos) << what;
  }
  EXPECT_TRUE(settled_.empty()) << "settled is emitted only once the checks passed";
  EXPECT_TRUE(take(MessageType::kSettlement).empty());
}

// The exchange hands its grid to the rule: nodal on two buses joined by an unlimited line
// clears the hand book's 3 kWh (same welfare as pay_as_clear), one price for all.
TEST_F(ExchangeTest, GridReachesTheRule) {
  const grid::GridModel model = grid::test_grids::two_bus(0.0);  // unlimited line
  const grid::GridView view(model, {1, 2, 1, 2, 1}, 0.25);
  params_.grid = &view;
  rule_ = ClearingRuleRegistry::instance().create("nodal");
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  ctx_.run_timers_until(exchange(), 650.0);
  ASSERT_EQ(cleared_.size(), 1u);
  EXPECT_NEAR(cleared_[0].result.cleared_kwh, 3.0, 1e-9);
  EXPECT_NEAR(cleared_[0].result.declared_welfare, 0.48, 1e-9);
  for (const Trade& t : cleared_[0].result.trades) EXPECT_NEAR(t.price_per_kwh, t.seller_price_per_kwh, 1e-9);
}

// grid.security_check: cancel_last after pay_as_clear. Buyers on bus 1, sellers on bus 2 of a
// two-bus grid whose one line is rated 0.010 MW; 15-min intervals, so 1 kWh = 0.004 MW. The hand
// book's trades (1,3) 2 kWh and (1,4) 1 kWh put 0.012 MW on the line (bus 2 -> 1, i.e. -0.012
// from 1 to 2). Trade (1,4) was declared last (offer 4 arrived at 130 s, offer 3 at 120 s): it is
// cancelled, and (1,3) alone, 0.008 MW, fits. The price stays the rule's.
TEST_F(ExchangeTest, SecurityCheckCancelsTheTradeDeclaredLast) {
  const grid::GridModel model = grid::test_grids::two_bus(0.010);
  const grid::GridView view(model, {1, 1, 2, 2, 1}, 0.25);
  params_.grid = &view;
  params_.security_check = SecurityCheck::kCancelLast;
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  ctx_.take_sent();  // acks
  ctx_.run_timers_until(exchange(), 650.0);
  ASSERT_EQ(cleared_.size(), 1u);
  const ClearedInterval& c = cleared_[0];
  ASSERT_EQ(c.security_iterations.size(), 1u);
  EXPECT_NEAR(c.security_iterations[0].flow_mw, -0.012, kTol);
  EXPECT_EQ(c.security_iterations[0].cancelled.sell_order, 4u);
  ASSERT_EQ(c.result.trades.size(), 1u);
  EXPECT_EQ(c.result.trades[0].sell_order, 3u);
  EXPECT_NEAR(c.result.cleared_kwh, 2.0, kTol);
  EXPECT_NEAR(c.result.declared_welfare, 0.40, kTol);  // (0.30 - 0.10) * 2
  EXPECT_NEAR(c.result.clearing_price_per_kwh, 0.26, kTol);
  for (const SentMessage& m : take(MessageType::kResult)) {
    const OrderFill& fill = m.msg.as<ResultBody>().fills.at(0);
    if (fill.order == 4) {
      EXPECT_EQ(fill.matched_kwh, 0.0) << "the cancelled offer's owner is told";
    }
    if (fill.order == 1) {
      EXPECT_NEAR(fill.matched_kwh, 2.0, kTol);
    }
  }
}

TEST_F(ExchangeTest, RuleThatCannotClearFailsNamingTheInterval) {
  rule_ = ClearingRuleRegistry::instance().create("nodal");  // and no grid
  exchange().on_start(ctx_);
  send_hand_cleared_book([this](const Order& o, double at) { arrive(o, at); });
  try {
    ctx_.run_timers_until(exchange(), 650.0);
    FAIL() << "expected InvariantViolation";
  } catch (const InvariantViolation& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("test-interval-0", 0), 0u) << what;
    EXPECT_NE(what.find("nodal"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace ebsim::market
