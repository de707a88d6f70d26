// The consortium's security check on a zonal grid (issue 4): management nodes check the
// tie-lines touching their subjects' zones and object; the primary cancels (option A) or also
// re-opens bidding (option B). The same hand-worked orders as the bus-branch tests in
// management_node_test.cpp, with the two buses replaced by two zones.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <vector>

#include "models/consensus/consortium_rounds.hpp"
#include "models/consensus/management_node.hpp"
#include "models/grid/grid_view.hpp"
#include "models/grid/zonal.hpp"
#include "tests/models/consensus/consortium_harness.hpp"

namespace ebsim::consensus {
namespace {

using market::Order;
using market::Side;
using market::Trade;
using testing::ConsortiumWorld;
using testing::make_order;
using testing::WorldOptions;

constexpr auto timing = testing::quarter_hour_timing;

/** Zone A (id 1) -- tie-line 0 of `capacity_mw` -- zone B (id 2); participants' zones as given. */
grid::GridView two_zones(double capacity_mw, std::vector<std::size_t> participant_zone) {
  grid::ZonalModel zonal;
  zonal.zones = {grid::Zone{1, "A"}, grid::Zone{2, "B"}};
  zonal.tie_lines = {grid::TieLine{0, 1, capacity_mw}};
  return grid::GridView(zonal, std::move(participant_zone), 0.25);
}

/** Two management nodes over one 15-minute interval, the zonal security check on `grid`. */
WorldOptions two_node_options(const grid::GridView& grid, std::vector<std::uint32_t> area, SecurityOption option) {
  WorldOptions o;
  o.management_nodes = 2;
  o.area = std::move(area);
  o.timing = timing(1);
  o.security = option;
  o.grid = &grid;
  return o;
}

/** Sellers 0 (4 kWh at 0.10) and 1 (3 kWh at 0.12), buyers 2 (4 kWh up to 0.25) and 3 (3 kWh up to
 * 0.20), sent at 100, 110, 120 and 130 s. */
std::vector<Order> four_orders() {
  return {make_order(1, 0, 0, Side::kSell, 4.0, 0.10, 100.0), make_order(2, 1, 0, Side::kSell, 3.0, 0.12, 110.0),
          make_order(3, 2, 0, Side::kBuy, 4.0, 0.25, 120.0), make_order(4, 3, 0, Side::kBuy, 3.0, 0.20, 130.0)};
}

std::vector<std::pair<OrderId, OrderId>> block_pairs(const ledger::Block& b) {
  std::vector<std::pair<OrderId, OrderId>> out;
  for (const auto& tx : b.transactions) out.emplace_back(tx.trade.buy_order.id, tx.trade.sell_order.id);
  return out;
}

TEST(ConsortiumZonalSecurity, CongestedTieLineTradeIsCancelledAndTheRestStands) {
  // Zone A: sellers 0, 1 (area 0); zone B: buyers 2, 3 (area 1); tie-line 0.02 MW. pay_as_clear
  // matches 3<-1 4 kWh and 4<-2 3 kWh: 7 kWh in 0.25 h = 0.028 MW out of A. Both nodes' zones touch
  // the tie-line, so they object; the primary cancels 4<-2 (declared last, at 130 s), leaving 0.016 MW.
  const grid::GridView grid = two_zones(0.02, {0, 0, 1, 1});
  ConsortiumWorld w(two_node_options(grid, {0, 0, 1, 1}, SecurityOption::kCancelLast));
  w.run_scripted(four_orders(), 2000.0);
  for (const auto& mn : w.mns) ASSERT_EQ(mn->chain().size(), 1u);
  EXPECT_EQ(block_pairs(w.mns[0]->chain()[0]), (std::vector<std::pair<OrderId, OrderId>>{{3, 1}}));
  EXPECT_EQ(block_pairs(w.mns[1]->chain()[0]), block_pairs(w.mns[0]->chain()[0]));
  ASSERT_EQ(w.objections.size(), 1u);
  const market::SecurityIteration& it = w.objections[0].iteration;
  EXPECT_EQ(it.branch, 0u);  // the tie-line
  EXPECT_NEAR(it.flow_mw, 0.028, 1e-12);
  EXPECT_DOUBLE_EQ(it.limit_mw, 0.02);
  EXPECT_EQ(it.cancelled.buy_order, 4u);
  EXPECT_EQ(it.cancelled.sell_order, 2u);
  EXPECT_LT(w.objections[0].node, 2u);
  ASSERT_EQ(w.finals.size(), 1u);
  EXPECT_EQ(w.finals[0].attempts, 2u);
  EXPECT_DOUBLE_EQ(w.finals[0].cleared.result.cleared_kwh, 4.0);
}

TEST(ConsortiumZonalSecurity, TradesInsideAZoneNeedNoObjection) {
  // Everybody in zone A, a closed border (capacity 0): nothing crosses it, nothing is cancelled.
  const grid::GridView grid = two_zones(0.0, {0, 0, 0, 0});
  ConsortiumWorld w(two_node_options(grid, {0, 0, 1, 1}, SecurityOption::kCancelLast));
  w.run_scripted(four_orders(), 2000.0);
  EXPECT_TRUE(w.objections.empty());
  ASSERT_EQ(w.finals.size(), 1u);
  EXPECT_EQ(w.finals[0].attempts, 1u);
  EXPECT_DOUBLE_EQ(w.finals[0].cleared.result.cleared_kwh, 7.0);
}

TEST(ConsortiumZonalSecurity, OptionBReopensTheRemainderInsideTheExportingZone) {
  // As above, plus buyer 4 in zone A (area 0) bidding 3 kWh at 0.15, first: outbid at first, it
  // buys seller 1's 3 kWh inside A once 4<-2 is cancelled and bidding re-opens without order 4.
  const grid::GridView grid = two_zones(0.02, {0, 0, 1, 1, 0});
  ConsortiumWorld w(two_node_options(grid, {0, 0, 1, 1, 0}, SecurityOption::kReopen));
  std::vector<Order> orders = four_orders();
  orders.insert(orders.begin(), make_order(5, 4, 0, Side::kBuy, 3.0, 0.15, 90.0));  // sent first
  w.run_scripted(orders, 2000.0);
  for (const auto& mn : w.mns) ASSERT_EQ(mn->chain().size(), 1u);
  EXPECT_EQ(block_pairs(w.mns[0]->chain()[0]), (std::vector<std::pair<OrderId, OrderId>>{{3, 1}, {5, 2}}));
  ASSERT_EQ(w.objections.size(), 1u);
  EXPECT_EQ(w.objections[0].option, SecurityOption::kReopen);
  EXPECT_EQ(w.objections[0].iteration.cancelled.buy_order, 4u);
  ASSERT_EQ(w.finals.size(), 1u);
  EXPECT_DOUBLE_EQ(w.finals[0].cleared.result.cleared_kwh, 7.0);
}

TEST(ConsortiumZonalSecurity, OutOfRoundsCancelsEveryTradeAcrossAnObjectedTieLine) {
  // compute_round with max_security_rounds 1: the first objection round already cancels every
  // trade between two zones one of which the objected tie-line touches (both here), not only
  // the one declared last.
  const grid::GridView grid = two_zones(0.02, {0, 0, 1, 1});
  const std::vector<BundledOrder> book = {
      BundledOrder{make_order(1, 0, 0, Side::kSell, 4.0, 0.10, 100.0), 100.0, {}},
      BundledOrder{make_order(2, 1, 0, Side::kSell, 3.0, 0.12, 110.0), 110.0, {}},
      BundledOrder{make_order(3, 2, 0, Side::kBuy, 4.0, 0.25, 120.0), 120.0, {}},
      BundledOrder{make_order(4, 3, 0, Side::kBuy, 3.0, 0.20, 130.0), 130.0, {}}};
  const std::vector<std::vector<std::size_t>> rounds = {{0}};
  const auto rule = market::ClearingRuleRegistry::instance().create("pay_as_clear");
  RoundInputs in{0, &book, &rounds, rule.get(), &grid, 1, SecurityOption::kCancelLast, 1};
  const RoundOutcomeData out = compute_round(in);
  EXPECT_TRUE(out.result.trades.empty());
  ASSERT_EQ(out.iterations.size(), 2u);
  for (const market::SecurityIteration& it : out.iterations) {
    EXPECT_EQ(it.branch, 0u);
    EXPECT_GT(it.flow_mw, 0.0);  // from A to B, the tie-line's direction
    EXPECT_DOUBLE_EQ(it.limit_mw, 0.02);
  }
  // With rounds to spare, the same objection cancels only the trade declared last.
  in.max_security_rounds = 10;
  const RoundOutcomeData greedy = compute_round(in);
  ASSERT_EQ(greedy.result.trades.size(), 1u);
  EXPECT_EQ(greedy.result.trades[0].buy_order, 3u);
}

}  // namespace
}  // namespace ebsim::consensus
