#include "models/agents/prosumer.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <vector>

#include "models/agents/strategies/truthful.hpp"
#include "models/market/messages.hpp"
#include "tests/models/fake_node_context.hpp"

namespace ebsim::agents {
namespace {

using market::AckBody;
using market::BidBody;
using market::Order;
using market::OrderStatus;
using market::ResultBody;
using market::Side;
using testing::FakeNodeContext;
using testing::SentMessage;

constexpr double kTol = 1e-12;
constexpr NodeId kMarketNode = 50;
constexpr NodeId kSelfNode = 12;

/** 15-min intervals (0.25 h), bid window 480 s, 3 intervals: the market for k opens at 900 k. */
market::MarketTiming timing() {
  market::MarketTiming t;
  t.interval_s = 900.0;
  t.gate_closure_s = 300.0;
  t.bid_window_s = 480.0;
  t.intervals = 3;
  return t;
}

/** Participant 2, no battery, truthful at retail 0.30 / feed-in 0.08.
 *   load 2, 1, 0.4 kW and PV 0, 3, 0.4 kW over 0.25 h:
 *   load 0.5, 0.25, 0.1 kWh; PV 0, 0.75, 0.1 kWh; residual +0.5 (buy), -0.5 (sell), 0 (none).
 * Order ids: id * intervals + k + 1 = 2 * 3 + k + 1 = 7, 8, (9). */
struct TestParams {
  AgentParams agent;
  ProsumerParams household;
};
TestParams plain_params() {
  TestParams p;
  p.agent.id = 2;
  p.agent.market_node = kMarketNode;
  p.agent.timing = timing();
  p.agent.prices.retail_per_kwh = 0.30;
  p.agent.prices.feed_in_per_kwh = 0.08;
  p.household.load_kw = {2.0, 1.0, 0.4};
  p.household.pv_kw = {0.0, 3.0, 0.4};
  p.agent.strategy = std::make_shared<TruthfulStrategy>();
  p.agent.bid_bytes = 410.0;
  return p;
}

/** Fire the participant's timers one by one; returns the time of each firing. */
std::vector<double> run_all_timers(FakeNodeContext& ctx, Prosumer& p) {
  std::vector<double> fired;
  while (ctx.fire_next_timer(p)) {
    fired.push_back(ctx.now_s());
    if (fired.size() > 100) break;  // a runaway timer chain fails the size checks below
  }
  return fired;
}

Message result_message(OrderId order, double matched_kwh, double payment, double arrived_s) {
  auto body = std::make_shared<ResultBody>();
  body->interval = 0;
  body->fills.push_back(market::OrderFill{order, matched_kwh, payment, arrived_s});
  body->trade_count = 1;
  return Message{MessageType::kResult, kNoNode, kNoNode, 360.0, 0.0, body};
}

Message ack_message(OrderId order, OrderStatus status, double arrived_s) {
  auto body = std::make_shared<AckBody>();
  body->order = order;
  body->status = status;
  body->arrived_s = arrived_s;
  return Message{MessageType::kAck, kNoNode, kNoNode, 120.0, 0.0, body};
}

TEST(Prosumer, OneOrderPerIntervalWithResidualQuantityAndSide) {
  const TestParams plain = plain_params();
    Prosumer p(plain.agent, plain.household);
  FakeNodeContext ctx(kSelfNode, 3, "participant");
  p.on_start(ctx);
  ASSERT_EQ(ctx.timers().size(), 1u);
  EXPECT_TRUE(ctx.sent().empty()) << "nothing is sent before the bid time";

  const std::vector<double> fired = run_all_timers(ctx, p);
  ASSERT_EQ(fired.size(), 3u) << "one planning event per interval, then nothing";
  const std::vector<SentMessage> sent = ctx.take_sent();
  ASSERT_EQ(sent.size(), 2u) << "interval 2 has residual 0: no order";

  // Interval 0: deficit 0.5 kWh -> a bid at retail.
  const Order& bid = sent[0].msg.as<BidBody>().order;
  EXPECT_EQ(sent[0].to, kMarketNode);
  EXPECT_EQ(sent[0].msg.type, MessageType::kBid);
  EXPECT_EQ(sent[0].msg.size_bytes, 410.0);
  EXPECT_EQ(bid.id, 7u);
  EXPECT_EQ(bid.participant, 2u);
  EXPECT_EQ(bid.interval, 0u);
  EXPECT_EQ(bid.side, Side::kBuy);
  EXPECT_NEAR(bid.quantity_kwh, 0.5, kTol);
  EXPECT_EQ(bid.limit_price_per_kwh, 0.30);
  EXPECT_EQ(bid.submitted_s, sent[0].msg.sent_s);
  EXPECT_GE(bid.submitted_s, 0.0);
  EXPECT_LT(bid.submitted_s, 480.0);

  // Interval 1: surplus 0.75 - 0.25 = 0.5 kWh -> an offer at feed-in.
  const Order& offer = sent[1].msg.as<BidBody>().order;
  EXPECT_EQ(offer.id, 8u);
  EXPECT_EQ(offer.interval, 1u);
  EXPECT_EQ(offer.side, Side::kSell);
  EXPECT_NEAR(offer.quantity_kwh, 0.5, kTol);
  EXPECT_EQ(offer.limit_price_per_kwh, 0.08);
  EXPECT_GE(offer.submitted_s, 900.0);
  EXPECT_LT(offer.submitted_s, 900.0 + 480.0);

  // Interval 2: the planning event still happens inside its window, but sends nothing.
  EXPECT_GE(fired[2], 1800.0);
  EXPECT_LT(fired[2], 1800.0 + 480.0);
  // Meters: load and PV energy over 0.25 h.
  EXPECT_NEAR(p.meter(0).load_kwh, 0.5, kTol);
  EXPECT_NEAR(p.meter(1).pv_kwh, 0.75, kTol);
  EXPECT_NEAR(p.meter(2).load_kwh, 0.1, kTol);
  EXPECT_NEAR(p.meter(2).pv_kwh, 0.1, kTol);
  EXPECT_EQ(p.meter(0).battery_charge_kwh, 0.0);
  EXPECT_EQ(p.meter(1).battery_discharge_kwh, 0.0);
}

TEST(Prosumer, SendTimesLieInTheBidWindowForManySeeds) {
  // Whatever the participant's stream, the order for k is sent in [900 k, 900 k + 480).
  std::set<double> first_times;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const TestParams plain = plain_params();
    Prosumer p(plain.agent, plain.household);
    FakeNodeContext ctx(kSelfNode, seed, "participant");
    p.on_start(ctx);
    const std::vector<double> fired = run_all_timers(ctx, p);
    ASSERT_EQ(fired.size(), 3u);
    for (IntervalIndex k = 0; k < 3; ++k) {
      EXPECT_GE(fired[k], timing().market_open_s(k)) << "seed " << seed << " interval " << k;
      EXPECT_LT(fired[k], timing().market_open_s(k) + timing().bid_window_s) << "seed " << seed << " interval " << k;
    }
    for (const SentMessage& m : ctx.sent()) {
      const Order& o = m.msg.as<BidBody>().order;
      EXPECT_EQ(o.submitted_s, fired[o.interval]) << "sent when planned";
    }
    first_times.insert(fired[0]);
  }
  // The moment is random: 50 seeds give (almost surely) 50 different times.
  EXPECT_GT(first_times.size(), 40u);
}

TEST(Prosumer, NoOrderWhenResidualIsZeroOrCrumbs) {
  TestParams params = plain_params();
  // Load equals PV in every interval; interval 1 leaves a crumb of 2e-7 kWh (< kMinOrderKwh = 1e-6).
  params.household.load_kw = {1.0, 1.0 + 8e-7, 0.0};
  params.household.pv_kw = {1.0, 1.0, 0.0};
  Prosumer p(params.agent, params.household);
  FakeNodeContext ctx(kSelfNode);
  p.on_start(ctx);
  EXPECT_EQ(run_all_timers(ctx, p).size(), 3u);
  EXPECT_TRUE(ctx.sent().empty());
}

TEST(Prosumer, OrderCompletedOnResultWithMatchedQuantityAndResultTime) {
  const TestParams plain = plain_params();
    Prosumer p(plain.agent, plain.household);
  FakeNodeContext ctx(kSelfNode, 3, "participant");
  std::vector<OrderOutcome> outcomes;
  p.order_completed.connect([&](const OrderOutcome& o) { outcomes.push_back(o); });
  p.on_start(ctx);
  ctx.fire_next_timer(p);  // sends order 7 (buy 0.5)
  ASSERT_EQ(ctx.sent().size(), 1u);

  // Accepted ack: not final, no signal.
  ctx.deliver(p, ack_message(7, OrderStatus::kAccepted, 300.0), kMarketNode, 500.0);
  EXPECT_TRUE(outcomes.empty());
  // Result at gate closure (600 s): 0.3 kWh matched.
  ctx.deliver(p, result_message(7, 0.3, 0.078, 300.0), kMarketNode, 600.0);
  ASSERT_EQ(outcomes.size(), 1u);
  const OrderOutcome& o = outcomes[0];
  EXPECT_EQ(o.order.id, 7u);
  EXPECT_EQ(o.order.side, Side::kBuy);
  EXPECT_NEAR(o.order.quantity_kwh, 0.5, kTol);
  EXPECT_EQ(o.order.arrived_s, 300.0);
  EXPECT_EQ(o.status, OrderStatus::kAccepted);
  EXPECT_NEAR(o.matched_kwh, 0.3, kTol);
  EXPECT_EQ(o.result_received_s, 600.0);
  // The outcome is emitted once: a duplicate result is ignored.
  ctx.deliver(p, result_message(7, 0.3, 0.078, 300.0), kMarketNode, 610.0);
  EXPECT_EQ(outcomes.size(), 1u);
  // A result for an order it never placed is ignored too.
  ctx.deliver(p, result_message(12345, 1.0, 0.1, 300.0), kMarketNode, 620.0);
  EXPECT_EQ(outcomes.size(), 1u);
}

TEST(Prosumer, OrderCompletedOnLateAckWithStatusLate) {
  const TestParams plain = plain_params();
    Prosumer p(plain.agent, plain.household);
  FakeNodeContext ctx(kSelfNode, 3, "participant");
  std::vector<OrderOutcome> outcomes;
  p.order_completed.connect([&](const OrderOutcome& o) { outcomes.push_back(o); });
  p.on_start(ctx);
  ctx.fire_next_timer(p);  // order 7
  ctx.fire_next_timer(p);  // order 8 (sell 0.5)
  ASSERT_EQ(ctx.sent().size(), 2u);
  ctx.deliver(p, ack_message(8, OrderStatus::kLate, 1550.0), kMarketNode, 1560.0);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].order.id, 8u);
  EXPECT_EQ(outcomes[0].order.side, Side::kSell);
  EXPECT_EQ(outcomes[0].status, OrderStatus::kLate);
  EXPECT_EQ(outcomes[0].order.arrived_s, 1550.0);
  EXPECT_EQ(outcomes[0].matched_kwh, 0.0);
  EXPECT_EQ(outcomes[0].result_received_s, -1.0) << "rejected: no result";
}

TEST(Prosumer, BatteryStepDrivesMeterReadingsAndOrders) {
  // Battery 1 kWh, 2 kW (0.5 kWh per 15 min), efficiency 0.9, soc 0.2 at the start.
  // load 1, 4, 4 kW and PV 5, 0, 0 kW -> load 0.25, 1, 1 kWh; PV 1.25, 0, 0 kWh.
  //   k0: net -1.0; charge = min(surplus 1.0, power 0.5, room 0.8/0.9 = 0.889) = 0.5
  //       soc 0.2 + 0.5 * 0.9 = 0.65;    residual 0.25 + 0.5 - 1.25 = -0.5 -> sell 0.5
  //   k1: net +1.0; discharge = min(1.0, 0.5, 0.65 * 0.9 = 0.585) = 0.5
  //       soc 0.65 - 0.5 / 0.9 = 0.09444; residual 1.0 - 0.5 = 0.5 -> buy 0.5
  //   k2: net +1.0; discharge = min(1.0, 0.5, 0.09444 * 0.9 = 0.085) = 0.085
  //       soc 0.09444 - 0.085 / 0.9 = 0;  residual 1.0 - 0.085 = 0.915 -> buy 0.915
  TestParams params = plain_params();
  params.agent.id = 0;
  params.household.load_kw = {1.0, 4.0, 4.0};
  params.household.pv_kw = {5.0, 0.0, 0.0};
  params.household.has_battery = true;
  params.household.battery.capacity_kwh = 1.0;
  params.household.battery.power_kw = 2.0;
  params.household.battery.efficiency = 0.9;
  params.household.initial_soc_kwh = 0.2;
  Prosumer p(params.agent, params.household);
  FakeNodeContext ctx(kSelfNode);
  p.on_start(ctx);
  run_all_timers(ctx, p);

  const market::MeterReading& m0 = p.meter(0);
  EXPECT_NEAR(m0.load_kwh, 0.25, kTol);
  EXPECT_NEAR(m0.pv_kwh, 1.25, kTol);
  EXPECT_NEAR(m0.battery_charge_kwh, 0.5, kTol);
  EXPECT_EQ(m0.battery_discharge_kwh, 0.0);
  EXPECT_NEAR(m0.soc_end_kwh, 0.65, kTol);
  const market::MeterReading& m1 = p.meter(1);
  EXPECT_EQ(m1.battery_charge_kwh, 0.0);
  EXPECT_NEAR(m1.battery_discharge_kwh, 0.5, kTol);
  EXPECT_NEAR(m1.soc_end_kwh, 0.65 - 0.5 / 0.9, kTol);
  EXPECT_NEAR(m1.soc_end_kwh, 0.094444444444444, 1e-12);
  const market::MeterReading& m2 = p.meter(2);
  EXPECT_NEAR(m2.battery_discharge_kwh, 0.085, kTol);
  EXPECT_NEAR(m2.soc_end_kwh, 0.0, kTol);

  // Same as chaining self_consumption_step by hand.
  double soc = 0.2;
  for (IntervalIndex k = 0; k < 3; ++k) {
    const double net = (params.household.load_kw[k] - params.household.pv_kw[k]) * 0.25;
    const BatteryStep s = self_consumption_step(params.household.battery, soc, net, 0.25);
    EXPECT_EQ(p.meter(k).battery_charge_kwh, s.charge_kwh) << "interval " << k;
    EXPECT_EQ(p.meter(k).battery_discharge_kwh, s.discharge_kwh) << "interval " << k;
    EXPECT_EQ(p.meter(k).soc_end_kwh, s.soc_end_kwh) << "interval " << k;
    soc = s.soc_end_kwh;
  }

  const std::vector<SentMessage>& sent = ctx.sent();
  ASSERT_EQ(sent.size(), 3u);
  const Order& o0 = sent[0].msg.as<BidBody>().order;
  const Order& o1 = sent[1].msg.as<BidBody>().order;
  const Order& o2 = sent[2].msg.as<BidBody>().order;
  EXPECT_EQ(o0.side, Side::kSell);
  EXPECT_NEAR(o0.quantity_kwh, 0.5, kTol);
  EXPECT_EQ(o0.id, 1u);  // 0 * 3 + 0 + 1
  EXPECT_EQ(o1.side, Side::kBuy);
  EXPECT_NEAR(o1.quantity_kwh, 0.5, kTol);
  EXPECT_EQ(o2.side, Side::kBuy);
  EXPECT_NEAR(o2.quantity_kwh, 0.915, kTol);
}

}  // namespace
}  // namespace ebsim::agents
