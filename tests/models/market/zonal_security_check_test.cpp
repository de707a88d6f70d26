// The security check (seed 003 Fig. 5 option A) on a zonal grid: zones joined by tie-lines with a
// transfer capacity (models/grid/zonal.hpp), hand-worked on 2 and 3 zones. With a 1 h interval a
// trade of q kWh moves q / 1000 MW from the seller's zone to the buyer's.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "models/grid/grid_view.hpp"
#include "models/grid/zonal.hpp"
#include "models/market/security_check.hpp"

namespace ebsim::market {
namespace {

constexpr double kTol = 1e-12;

Order order(OrderId id, ParticipantId participant, Side side, double arrived_s) {
  return Order{id, participant, 0, side, 10.0, 0.2, 0.0, arrived_s};
}

Trade trade(OrderId buy, OrderId sell, ParticipantId buyer, ParticipantId seller, double quantity_kwh) {
  return Trade{buy, sell, buyer, seller, quantity_kwh, 0.2, 0.2};
}

bool same(const Trade& a, const Trade& b) { return a.buy_order == b.buy_order && a.sell_order == b.sell_order; }

/** Whether `trades` fit the tie-lines (the check itself, on the trades kept). */
bool fits(const std::vector<Trade>& trades, const grid::GridView& view) {
  return grid::check_transfers(view.zonal(), zone_net_exports_mw(trades, view)).feasible;
}

// ---- Two zones ---------------------------------------------------------------------------------
//
//   zone A (id 1) ===== tie-line 0, capacity `capacity_mw` ===== zone B (id 2)
//
// Participants 0, 1, 2 (sellers) and 5 (a buyer) in A; 3, 4 (buyers) and 6 (a seller) in B.
// Orders and when they arrived (the trade's declaration is its later order's arrival):
//   bids   30 (p3, 1 s), 40 (p4, 3 s), 50 (p5, 9 s), 60 (p5, 20 s)
//   offers 10 (p0, 2 s), 11 (p1, 6 s), 12 (p2, 4 s), 13 (p6, 15 s)
// Trades:
//   T1 30<-10  A->B 3 kWh, declared 2 s
//   T2 40<-11  A->B 3 kWh, declared 6 s
//   T3 50<-12  A->A 4 kWh, declared 9 s   (inside A: no transfer, never cancelled)
//   T4 30<-12  A->B 1 kWh, declared 4 s
//   T5 60<-13  B->A 1 kWh, declared 20 s  (the latest, but it relieves the border: never cancelled)
// A's net export: 3 + 3 + 1 - 1 = 6 kWh in 1 h = 0.006 MW.

grid::GridView two_zones(double capacity_mw) {
  grid::ZonalModel zonal;
  zonal.zones = {grid::Zone{1, "A"}, grid::Zone{2, "B"}};
  zonal.tie_lines = {grid::TieLine{0, 1, capacity_mw}};
  return grid::GridView(zonal, {0, 0, 0, 1, 1, 0, 1}, 1.0);
}

const std::vector<Order> kBids2{order(30, 3, Side::kBuy, 1.0), order(40, 4, Side::kBuy, 3.0),
                                order(50, 5, Side::kBuy, 9.0), order(60, 5, Side::kBuy, 20.0)};
const std::vector<Order> kOffers2{order(10, 0, Side::kSell, 2.0), order(11, 1, Side::kSell, 6.0),
                                  order(12, 2, Side::kSell, 4.0), order(13, 6, Side::kSell, 15.0)};
const std::vector<Trade> kTrades2{trade(30, 10, 3, 0, 3.0), trade(40, 11, 4, 1, 3.0), trade(50, 12, 5, 2, 4.0),
                                  trade(30, 12, 3, 2, 1.0), trade(60, 13, 5, 6, 1.0)};

TEST(ZonalSecurityCheck, NetExportsPerZone) {
  const grid::GridView view = two_zones(0.005);
  const std::vector<double> exports = zone_net_exports_mw(kTrades2, view);
  ASSERT_EQ(exports.size(), 2u);
  EXPECT_NEAR(exports[0], 0.006, kTol);
  EXPECT_NEAR(exports[1], -0.006, kTol);
}

TEST(ZonalSecurityCheck, TwoZonesCancelsTheLastTradeOutOfTheExportingZone) {
  // 0.006 MW over a 0.005 MW tie-line: of T1, T2, T4 (out of A), T2 was declared last (6 s).
  // Without it A exports 0.003 MW: fits.
  const grid::GridView view = two_zones(0.005);
  const SecurityCheckResult r = security_check(kTrades2, kBids2, kOffers2, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(r.iterations.size(), 1u);
  EXPECT_EQ(r.iterations[0].iteration, 0u);
  EXPECT_EQ(r.iterations[0].branch, 0u);
  EXPECT_NEAR(r.iterations[0].flow_mw, 0.006, kTol);  // positive: from A (the tie-line's from_zone) to B
  EXPECT_DOUBLE_EQ(r.iterations[0].limit_mw, 0.005);
  EXPECT_TRUE(same(r.iterations[0].cancelled, kTrades2[1]));
  ASSERT_EQ(r.kept.size(), 4u);
  EXPECT_TRUE(same(r.kept[0], kTrades2[0]));
  EXPECT_TRUE(same(r.kept[1], kTrades2[2]));
  EXPECT_TRUE(same(r.kept[2], kTrades2[3]));
  EXPECT_TRUE(same(r.kept[3], kTrades2[4]));
  EXPECT_NEAR(zone_net_exports_mw(r.kept, view)[0], 0.003, kTol);
  EXPECT_TRUE(fits(r.kept, view));
}

TEST(ZonalSecurityCheck, TwoZonesTighterTieLineCancelsInDeclarationOrder) {
  // 0.0025 MW: T2 (6 s) goes first, leaving 0.003 MW; then T4 (4 s) before T1 (2 s), leaving
  // 0.002 MW. T3 (inside A) and T5 (into A), though declared later, stay.
  const grid::GridView view = two_zones(0.0025);
  const SecurityCheckResult r = security_check(kTrades2, kBids2, kOffers2, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(r.iterations.size(), 2u);
  EXPECT_TRUE(same(r.iterations[0].cancelled, kTrades2[1]));
  EXPECT_NEAR(r.iterations[0].flow_mw, 0.006, kTol);
  EXPECT_TRUE(same(r.iterations[1].cancelled, kTrades2[3]));
  EXPECT_EQ(r.iterations[1].iteration, 1u);
  EXPECT_NEAR(r.iterations[1].flow_mw, 0.003, kTol);
  EXPECT_DOUBLE_EQ(r.iterations[1].limit_mw, 0.0025);
  ASSERT_EQ(r.kept.size(), 3u);
  EXPECT_TRUE(same(r.kept[0], kTrades2[0]));
  EXPECT_TRUE(same(r.kept[1], kTrades2[2]));
  EXPECT_TRUE(same(r.kept[2], kTrades2[4]));
  EXPECT_NEAR(zone_net_exports_mw(r.kept, view)[0], 0.002, kTol);
  EXPECT_TRUE(fits(r.kept, view));
}

TEST(ZonalSecurityCheck, TransfersThatFitAndModeNoneKeepEverything) {
  for (const double capacity_mw : {0.006, grid::kUnlimitedMw}) {
    const grid::GridView view = two_zones(capacity_mw);
    EXPECT_TRUE(congested_tie_lines(kTrades2, view).empty());
    const SecurityCheckResult r = security_check(kTrades2, kBids2, kOffers2, view, SecurityCheck::kCancelLast);
    EXPECT_TRUE(r.iterations.empty());
    EXPECT_EQ(r.kept.size(), kTrades2.size());
  }
  const SecurityCheckResult none = security_check(kTrades2, kBids2, kOffers2, two_zones(0.0), SecurityCheck::kNone);
  EXPECT_TRUE(none.iterations.empty());
  EXPECT_EQ(none.kept.size(), kTrades2.size());
}

TEST(ZonalSecurityCheck, ZeroCapacityCancelsEveryTradeOut) {
  // A closed border: every trade out of A goes, latest first (T2, T4, T1); T5 into A is then
  // cancelled too, since B now exports its 1 kWh to A over the same closed border.
  const grid::GridView view = two_zones(0.0);
  const SecurityCheckResult r = security_check(kTrades2, kBids2, kOffers2, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(r.iterations.size(), 4u);
  EXPECT_TRUE(same(r.iterations[0].cancelled, kTrades2[1]));
  EXPECT_TRUE(same(r.iterations[1].cancelled, kTrades2[3]));
  EXPECT_TRUE(same(r.iterations[2].cancelled, kTrades2[0]));
  EXPECT_TRUE(same(r.iterations[3].cancelled, kTrades2[4]));
  EXPECT_NEAR(r.iterations[3].flow_mw, -0.001, kTol);  // from B to A: against the tie-line's direction
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_TRUE(same(r.kept[0], kTrades2[2]));
}

// ---- Three zones in a line ---------------------------------------------------------------------
//
//   N (id 1) === tie-line 0, 0.004 MW === C (id 2) === tie-line 1, 0.002 MW === S (id 3)
//
// Participants: 0, 1 sellers in N; 2 buyer in C; 3, 4 buyers in S; 5 seller in C.
//   bids   20 (p2, 1 s), 30 (p3, 3 s), 40 (p4, 0 s)     offers 10 (p0, 0 s), 11 (p1, 7 s), 15 (p5, 5 s)
//   U1 20<-10  N->C 2 kWh, declared 1 s
//   U2 30<-10  N->S 1 kWh, declared 3 s
//   U3 40<-11  N->S 1 kWh, declared 7 s
//   U4 30<-15  C->S 1 kWh, declared 5 s
// Net exports (MW): N +0.004, C -0.002 + 0.001 = -0.001, S -0.003. N-C must carry 0.004 (fits
// exactly), C-S 0.003 (over 0.002). The minimum cut is {N, C} | {S}: tie-line 1, transfer 0.003.
// Crossing it outwards: U2 (3 s), U3 (7 s), U4 (5 s); U3 goes. Then C-S carries 0.002: fits.

grid::GridView three_zones() {
  grid::ZonalModel zonal;
  zonal.zones = {grid::Zone{1, "N"}, grid::Zone{2, "C"}, grid::Zone{3, "S"}};
  zonal.tie_lines = {grid::TieLine{0, 1, 0.004}, grid::TieLine{1, 2, 0.002}};
  return grid::GridView(zonal, {0, 0, 1, 2, 2, 1}, 1.0);
}

const std::vector<Order> kBids3{order(20, 2, Side::kBuy, 1.0), order(30, 3, Side::kBuy, 3.0),
                                order(40, 4, Side::kBuy, 0.0)};
const std::vector<Order> kOffers3{order(10, 0, Side::kSell, 0.0), order(11, 1, Side::kSell, 7.0),
                                  order(15, 5, Side::kSell, 5.0)};
const std::vector<Trade> kTrades3{trade(20, 10, 2, 0, 2.0), trade(30, 10, 3, 0, 1.0), trade(40, 11, 4, 1, 1.0),
                                  trade(30, 15, 3, 5, 1.0)};

TEST(ZonalSecurityCheck, ThreeZonesNamesTheCongestedBorder) {
  const grid::GridView view = three_zones();
  const std::vector<double> exports = zone_net_exports_mw(kTrades3, view);
  EXPECT_NEAR(exports[0], 0.004, kTol);
  EXPECT_NEAR(exports[1], -0.001, kTol);
  EXPECT_NEAR(exports[2], -0.003, kTol);
  const std::vector<TieLineCongestion> congested = congested_tie_lines(kTrades3, view);
  ASSERT_EQ(congested.size(), 1u);
  EXPECT_EQ(congested[0].tie_line, 1u);
  EXPECT_NEAR(congested[0].transfer_mw, 0.003, kTol);
  EXPECT_DOUBLE_EQ(congested[0].capacity_mw, 0.002);
}

TEST(ZonalSecurityCheck, ThreeZonesCancelsTheLastTradeAcrossTheCut) {
  const grid::GridView view = three_zones();
  const SecurityCheckResult r = security_check(kTrades3, kBids3, kOffers3, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(r.iterations.size(), 1u);
  EXPECT_EQ(r.iterations[0].branch, 1u);
  EXPECT_NEAR(r.iterations[0].flow_mw, 0.003, kTol);
  EXPECT_DOUBLE_EQ(r.iterations[0].limit_mw, 0.002);
  EXPECT_TRUE(same(r.iterations[0].cancelled, kTrades3[2]));
  ASSERT_EQ(r.kept.size(), 3u);
  EXPECT_TRUE(fits(r.kept, view));
  const std::vector<double> exports = zone_net_exports_mw(r.kept, view);
  EXPECT_NEAR(exports[2], -0.002, kTol);  // S imports exactly the C-S capacity
}

TEST(ZonalSecurityCheck, ThreeZonesTighterUpstreamBorderMovesTheCut) {
  // N-C at 0.0015 MW instead: the cut is {N} | {C, S} (N must export 0.004), tie-line 0. Out of N:
  // U1 (1 s), U2 (3 s), U3 (7 s). U3 goes (N exports 0.003), then U2 (0.002, still over 0.0015),
  // then U1 (0), leaving U4 alone: C exports 0.001 to S over C-S (0.002).
  grid::ZonalModel zonal = three_zones().zonal();
  zonal.tie_lines[0].capacity_mw = 0.0015;
  const grid::GridView view(zonal, {0, 0, 1, 2, 2, 1}, 1.0);
  const SecurityCheckResult r = security_check(kTrades3, kBids3, kOffers3, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(r.iterations.size(), 3u);
  EXPECT_EQ(r.iterations[0].branch, 0u);
  EXPECT_NEAR(r.iterations[0].flow_mw, 0.004, kTol);
  EXPECT_TRUE(same(r.iterations[0].cancelled, kTrades3[2]));  // U3
  EXPECT_NEAR(r.iterations[1].flow_mw, 0.003, kTol);
  EXPECT_TRUE(same(r.iterations[1].cancelled, kTrades3[1]));  // U2
  EXPECT_NEAR(r.iterations[2].flow_mw, 0.002, kTol);
  EXPECT_TRUE(same(r.iterations[2].cancelled, kTrades3[0]));  // U1
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_TRUE(same(r.kept[0], kTrades3[3]));  // U4, C -> S, never crossed the N | C cut
  EXPECT_TRUE(fits(r.kept, view));
}

TEST(ZonalSecurityCheck, CheckOnActsOnlyOnTheListedTieLines) {
  // The consortium's form: only objected tie-lines count. C-S (1) is the congested one.
  const grid::GridView view = three_zones();
  const std::vector<std::size_t> upstream{0}, downstream{1};
  const SecurityCheckResult ignored = security_check_on(kTrades3, kBids3, kOffers3, view, upstream);
  EXPECT_TRUE(ignored.iterations.empty());
  EXPECT_EQ(ignored.kept.size(), kTrades3.size());
  const SecurityCheckResult checked = security_check_on(kTrades3, kBids3, kOffers3, view, downstream);
  const SecurityCheckResult full = security_check(kTrades3, kBids3, kOffers3, view, SecurityCheck::kCancelLast);
  ASSERT_EQ(checked.iterations.size(), full.iterations.size());
  for (std::size_t i = 0; i < full.iterations.size(); ++i) {
    EXPECT_TRUE(same(checked.iterations[i].cancelled, full.iterations[i].cancelled));
    EXPECT_EQ(checked.iterations[i].branch, full.iterations[i].branch);
  }
}

TEST(ZonalSecurityCheck, GridViewChecksItsZones) {
  grid::ZonalModel zonal = three_zones().zonal();
  EXPECT_THROW(grid::GridView(zonal, {0, 3}, 1.0), std::invalid_argument);  // zone position 3 of 3
  EXPECT_THROW(grid::GridView(zonal, {0, 1}, 0.0), std::invalid_argument);
  const grid::GridView view(zonal, {2, 0}, 0.25);
  EXPECT_TRUE(view.is_zonal());
  EXPECT_EQ(view.participant_count(), 2u);
  EXPECT_EQ(view.zone_of(0), 2u);
  EXPECT_THROW(static_cast<void>(view.bus_of(0)), std::out_of_range);
  EXPECT_TRUE(view.model().buses.empty());
}

}  // namespace
}  // namespace ebsim::market
