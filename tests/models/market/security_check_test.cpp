// The security check (seed 003 Fig. 5 option A) on a hand-worked 3-bus triangle. Units are
// MATPOWER's (MW); with a 1 h interval a trade of q kWh injects q / 1000 MW.
//
//   bus 1 (reference) --- line 1-2 --- bus 2
//        |                              |
//    line 1-3                       line 2-3      every line x = 0.1 p.u.
//        |                              |
//      bus 3 ---------------------------+
//
// 1 MW from bus 2 to bus 1 splits inversely to the path reactances: 2/3 on the direct line 2-1
// (x) and 1/3 over 2-3-1 (2x). Branches are written from -> to as 1-2, 1-3, 2-3, so the PTDFs of
// that transfer are -2/3 (1-2), -1/3 (1-3) and +1/3 (2-3).
#include "models/market/security_check.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "models/grid/grid_view.hpp"

namespace ebsim::market {
namespace {

constexpr double kTol = 1e-12;

/** The triangle above; line 1-2 rated `rate_12_mw`, 1-3 rated 1 MW, 2-3 unlimited (RATE_A 0).
 * Participant 0 at bus 1, participants 1 and 2 at bus 2, participant 3 at bus 3; 1 h intervals. */
grid::GridView triangle(double rate_12_mw) {
  grid::GridModel model;
  model.name = "triangle";
  grid::Bus bus1, bus2, bus3;
  bus1.id = 1;
  bus1.type = grid::BusType::kReference;
  bus2.id = 2;
  bus3.id = 3;
  model.buses = {bus1, bus2, bus3};
  grid::Branch b12, b13, b23;
  b12.from_bus = 1, b12.to_bus = 2, b12.x_pu = 0.1, b12.rate_a_mva = rate_12_mw;
  b13.from_bus = 1, b13.to_bus = 3, b13.x_pu = 0.1, b13.rate_a_mva = 1.0;
  b23.from_bus = 2, b23.to_bus = 3, b23.x_pu = 0.1, b23.rate_a_mva = 0.0;
  model.branches = {b12, b13, b23};
  model.index_buses();
  return grid::GridView(model, {1, 2, 2, 3}, 1.0);
}

Order order(OrderId id, ParticipantId participant, Side side, double arrived_s) {
  return Order{id, participant, 0, side, 10.0, 0.2, 0.0, arrived_s};
}

Trade trade(OrderId buy, OrderId sell, ParticipantId buyer, ParticipantId seller, double quantity_kwh) {
  return Trade{buy, sell, buyer, seller, quantity_kwh, 0.2, 0.2};
}

TEST(SecurityCheck, PtdfSplitOfATransfer) {
  const grid::GridView view = triangle(1.0);
  const std::vector<Trade> trades{trade(10, 11, 0, 1, 3.0)};  // 3 kWh in 1 h = 0.003 MW from bus 2 to bus 1
  const std::vector<double> flows = trade_flows_mw(trades, view);
  ASSERT_EQ(flows.size(), 3u);
  EXPECT_NEAR(flows[0], -0.002, kTol);  // 1-2: -2/3 * 0.003
  EXPECT_NEAR(flows[1], -0.001, kTol);  // 1-3: -1/3 * 0.003
  EXPECT_NEAR(flows[2], 0.001, kTol);   // 2-3: +1/3 * 0.003
}

TEST(SecurityCheck, CancelsTheTradeDeclaredLastUntilNoOverload) {
  // Both sellers at bus 2 sell 3 kWh to the buyer at bus 1: 0.006 MW puts -0.004 MW on line
  // 1-2, above its 0.003 MW. The buy order arrived at 1 s; seller 1's offer at 2 s, seller 2's
  // at 5 s. Trade A (offer 12, listed first) was declared at 5 s, trade B (offer 11) at 2 s:
  // A is cancelled, whatever its position; B alone puts -0.002 MW on 1-2, within the limit.
  const grid::GridView view = triangle(0.003);
  const std::vector<Order> bids{order(10, 0, Side::kBuy, 1.0)};
  const std::vector<Order> offers{order(11, 1, Side::kSell, 2.0), order(12, 2, Side::kSell, 5.0)};
  const std::vector<Trade> trades{trade(10, 12, 0, 2, 3.0), trade(10, 11, 0, 1, 3.0)};

  const SecurityCheckResult r = security_check(trades, bids, offers, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(r.iterations.size(), 1u);
  const SecurityIteration& it = r.iterations[0];
  EXPECT_EQ(it.iteration, 0u);
  EXPECT_EQ(it.branch, 0u);  // line 1-2
  EXPECT_NEAR(it.flow_mw, -0.004, kTol);
  EXPECT_DOUBLE_EQ(it.limit_mw, 0.003);
  EXPECT_EQ(it.cancelled.sell_order, 12u);
  EXPECT_DOUBLE_EQ(it.cancelled.quantity_kwh, 3.0);
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_EQ(r.kept[0].sell_order, 11u);
  EXPECT_NEAR(trade_flows_mw(r.kept, view)[0], -0.002, kTol);
}

TEST(SecurityCheck, IteratesAndBreaksArrivalTiesByOrderId) {
  // Three 3 kWh trades from bus 2 to bus 1 (-0.006 MW on 1-2) against a 0.0025 MW limit: two
  // must go (-0.004 MW still overloads, -0.002 MW fits). All offers arrived at 2 s, after the
  // bid: the later order ids (13, then 12) go first.
  const grid::GridView view = triangle(0.0025);
  const std::vector<Order> bids{order(10, 0, Side::kBuy, 1.0)};
  const std::vector<Order> offers{order(11, 1, Side::kSell, 2.0), order(12, 2, Side::kSell, 2.0),
                                  order(13, 1, Side::kSell, 2.0)};
  const std::vector<Trade> trades{trade(10, 13, 0, 1, 3.0), trade(10, 11, 0, 1, 3.0), trade(10, 12, 0, 2, 3.0)};

  const SecurityCheckResult r = security_check(trades, bids, offers, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(r.iterations.size(), 2u);
  EXPECT_EQ(r.iterations[0].cancelled.sell_order, 13u);
  EXPECT_NEAR(r.iterations[0].flow_mw, -0.006, kTol);
  EXPECT_EQ(r.iterations[1].iteration, 1u);
  EXPECT_EQ(r.iterations[1].cancelled.sell_order, 12u);
  EXPECT_NEAR(r.iterations[1].flow_mw, -0.004, kTol);
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_EQ(r.kept[0].sell_order, 11u);
}

TEST(SecurityCheck, NoOverloadCancelsNothing) {
  const grid::GridView view = triangle(0.005);  // -0.004 MW on 1-2 fits
  const std::vector<Order> bids{order(10, 0, Side::kBuy, 1.0)};
  const std::vector<Order> offers{order(11, 1, Side::kSell, 2.0), order(12, 2, Side::kSell, 5.0)};
  const std::vector<Trade> trades{trade(10, 12, 0, 2, 3.0), trade(10, 11, 0, 1, 3.0)};
  const SecurityCheckResult r = security_check(trades, bids, offers, view, SecurityCheck::kCancelLast);
  EXPECT_TRUE(r.iterations.empty());
  ASSERT_EQ(r.kept.size(), 2u);
  EXPECT_EQ(r.kept[0].sell_order, 12u);
  EXPECT_EQ(r.kept[1].sell_order, 11u);
}

TEST(SecurityCheck, ModeNoneKeepsOverloadingTrades) {
  const grid::GridView view = triangle(0.001);
  const std::vector<Trade> trades{trade(10, 11, 0, 1, 3.0)};
  const SecurityCheckResult r = security_check(trades, {}, {}, view, SecurityCheck::kNone);
  EXPECT_TRUE(r.iterations.empty());
  EXPECT_EQ(r.kept.size(), 1u);
}

TEST(SecurityCheck, NeverCancelsATradeThatRelievesTheOverloadedLine) {
  // Two trades push bus 2 -> bus 1: 3 kWh each from participants 1 and 2 to participant 0,
  // together -0.004 MW on line 1-2 (limit 0.003). A third trade, declared last (at 9 s), goes
  // the other way, bus 1 -> bus 3 (participant 0 sells 1.5 kWh to participant 3): on line 1-2
  // it adds +1/3 * 0.0015 = +0.0005 MW, so the line carries -0.0035 MW and is still overloaded.
  // Cancelling the reverse trade would raise |flow| to 0.004 MW; the check must instead cancel
  // the latest of the trades adding to the overload: the one whose offer arrived at 5 s.
  // What is left: B (-0.002) + reverse (+0.0005) = -0.0015 MW, within the limit.
  const grid::GridView view = triangle(0.003);
  const std::vector<Order> bids{order(10, 0, Side::kBuy, 1.0), order(20, 3, Side::kBuy, 9.0)};
  const std::vector<Order> offers{order(11, 1, Side::kSell, 2.0), order(12, 2, Side::kSell, 5.0),
                                  order(21, 0, Side::kSell, 1.0)};
  const std::vector<Trade> trades{trade(10, 12, 0, 2, 3.0), trade(10, 11, 0, 1, 3.0), trade(20, 21, 3, 0, 1.5)};
  // Line 1-2 under the transfer bus 1 -> bus 3 (a withdrawal at 3, injection at 1): PTDF +1/3.
  EXPECT_NEAR(trade_flows_mw(std::vector<Trade>{trades[2]}, view)[0], 0.0005, kTol);

  const SecurityCheckResult r = security_check(trades, bids, offers, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(r.iterations.size(), 1u);
  EXPECT_NEAR(r.iterations[0].flow_mw, -0.0035, kTol);
  EXPECT_EQ(r.iterations[0].cancelled.sell_order, 12u);
  ASSERT_EQ(r.kept.size(), 2u);
  EXPECT_NEAR(trade_flows_mw(r.kept, view)[0], -0.0015, kTol);
}

}  // namespace
}  // namespace ebsim::market
