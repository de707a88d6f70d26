// The nodal rule with the case's own generators and loads (NodalParams::include_case_units,
// scenario key grid.case_units: include): a hand-worked two-bus example, and agreement with an
// independent grid::solve_dc_opf of the same full problem. Units as in nodal_test.cpp: the grid
// is in MATPOWER's (MW, $/MWh); with a 1 h interval, q kWh is q / 1000 MW and p per kWh is
// 1000 p per MWh.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <stdexcept>
#include <vector>

#include "models/core/rng.hpp"
#include "models/grid/dc_opf.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/case_units.hpp"
#include "models/market/nodal.hpp"
#include "models/market/security_check.hpp"
#include "models/market/settlement.hpp"
#include "tests/models/grid/test_grids.hpp"

namespace ebsim::market {
namespace {

constexpr double kTol = 1e-6;

Order order(OrderId id, ParticipantId participant, Side side, double quantity_kwh, double price_per_kwh) {
  return Order{id, participant, 0, side, quantity_kwh, price_per_kwh, 0.0, 0.0};
}

ClearingResult clear_with_case_units(const OrderBook& book, const grid::GridView& view) {
  Rng rng(1, "clearing", 0);
  return Nodal(NodalParams{true}).clear(book, &view, rng);
}

grid::Generator generator(int bus, double pmin_mw, double pmax_mw) {
  grid::Generator g;
  g.bus = bus;
  g.pmin_mw = pmin_mw;
  g.pmax_mw = pmax_mw;
  return g;
}

grid::GenCost polynomial(std::vector<double> coefficients) {
  return grid::GenCost{grid::GenCost::Model::kPolynomial, 0.0, 0.0, std::move(coefficients)};
}

// Two buses, line 1-2 rated 4 kW (4 kWh in the 1 h interval).
//   bus 1: the case's generator G (linear cost 150 $/MWh = 0.15/kWh, 0..20 kW);
//          participant 0 offers 2 kWh at 0.10; participant 3 bids 3 kWh at 0.20.
//   bus 2: the case's load Pd = 3 kW (3 kWh); participant 1 bids 10 kWh at 0.30;
//          participant 2 offers 4 kWh at 0.25.
// By hand: bus 2 can import at most 4 kWh, and its local offer (0.25) is cheaper than the bid
// (0.30), so it sells all 4; bus 2 then has 4 + 4 = 8 kWh for the fixed 3 kWh load, leaving 5
// for participant 1's bid, which is partly filled and so sets LMP2 = 0.30. Bus 1 must supply its
// own bid (3, worth 0.20 > 0.15: filled) plus the 4 exported: 7 kWh, of which the 0.10 offer
// gives 2 and G the remaining 5, strictly inside [0, 20]: G is marginal, LMP1 = 0.15. The line
// is at its limit with LMP2 - LMP1 = 0.15 > 0 (shadow price 150 $/MWh).
// Trades (buys and sells each in (bus, order id) order; the grid party's ids are the largest):
//   buys  : bid 4 (bus 1, 3 kWh @0.15), bid 2 (bus 2, 5 @0.30), case load bus 2 (3 @0.30)
//   sells : offer 1 (bus 1, 2 @0.15), G (bus 1, 5 @0.15), offer 3 (bus 2, 4 @0.30)
//   greedy: 4<-1 2 kWh, 4<-G 1, 2<-G 4, 2<-3 1, load<-3 3.
// Money: buyers pay 3*0.15 + 5*0.30 + 3*0.30 = 2.85, sellers receive 2*0.15 + 5*0.15 + 4*0.30
// = 2.25; the exchange keeps 0.60 = (0.30 - 0.15) * 4 kWh over the line. The grid party receives
// 5*0.15 for G and pays 3*0.30 for its load: -0.15.
TEST(NodalCaseUnits, HandWorkedTwoBusWithGeneratorLoadAndCongestion) {
  grid::GridModel model = grid::test_grids::two_bus(0.004);
  model.buses[1].pd_mw = 0.003;
  model.generators = {generator(1, 0.0, 0.020)};
  model.gencosts = {polynomial({150.0, 0.0})};  // 150 $/MWh, no fixed cost
  const grid::GridView view(model, {1, 2, 2, 1}, 1.0);
  OrderBook book;
  book.add(order(1, 0, Side::kSell, 2.0, 0.10));
  book.add(order(2, 1, Side::kBuy, 10.0, 0.30));
  book.add(order(3, 2, Side::kSell, 4.0, 0.25));
  book.add(order(4, 3, Side::kBuy, 3.0, 0.20));
  const ClearingResult r = clear_with_case_units(book, view);

  const OrderId g = case_generator_order(0), load = case_load_order(2);
  struct Expected {
    OrderId buy, sell;
    ParticipantId buyer, seller;
    double kwh, buyer_price, seller_price;
  };
  const std::vector<Expected> expected{{4, 1, 3, 0, 2.0, 0.15, 0.15},
                                       {4, g, 3, kGridParty, 1.0, 0.15, 0.15},
                                       {2, g, 1, kGridParty, 4.0, 0.30, 0.15},
                                       {2, 3, 1, 2, 1.0, 0.30, 0.30},
                                       {load, 3, kGridParty, 2, 3.0, 0.30, 0.30}};
  ASSERT_EQ(r.trades.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Trade& t = r.trades[i];
    SCOPED_TRACE("trade " + std::to_string(i));
    EXPECT_EQ(t.buy_order, expected[i].buy);
    EXPECT_EQ(t.sell_order, expected[i].sell);
    EXPECT_EQ(t.buyer, expected[i].buyer);
    EXPECT_EQ(t.seller, expected[i].seller);
    EXPECT_NEAR(t.quantity_kwh, expected[i].kwh, kTol);
    EXPECT_NEAR(t.price_per_kwh, expected[i].buyer_price, kTol);
    EXPECT_NEAR(t.seller_price_per_kwh, expected[i].seller_price, kTol);
  }
  EXPECT_NEAR(r.cleared_kwh, 11.0, kTol);
  // Declared welfare, the grid party's sides at their LMPs: (0.20-0.10)*2 + (0.20-0.15)*1
  // + (0.30-0.15)*4 + (0.30-0.25)*1 + (0.30-0.25)*3 = 1.05.
  EXPECT_NEAR(r.declared_welfare, 1.05, kTol);

  // The line carries exactly its 4 kW, bus 1 -> bus 2, counting the grid party's trades.
  const std::vector<double> flows = trade_flows_mw(r.trades, view);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_NEAR(flows[0], 0.004, 1e-9);

  // Settled (no fees): participants' bills at their bus LMPs, the grid party's account, the rent.
  Tariffs tariffs;
  tariffs.retail_per_kwh = 0.40;
  tariffs.feed_in_per_kwh = 0.05;
  const std::vector<MeterReading> meters{
      {0.0, 2.0, 0.0, 0.0, 0.0}, {10.0, 0.0, 0.0, 0.0, 0.0}, {0.0, 4.0, 0.0, 0.0, 0.0}, {3.0, 0.0, 0.0, 0.0, 0.0}};
  const IntervalSettlement s = settle_interval(0, meters, r.trades, tariffs);
  EXPECT_NEAR(s.lines[0].market_payment, -2.0 * 0.15, kTol);
  EXPECT_NEAR(s.lines[1].market_payment, 5.0 * 0.30, kTol);
  EXPECT_NEAR(s.lines[1].utility_import_kwh, 5.0, kTol);  // the unfilled half of its bid
  EXPECT_NEAR(s.lines[2].market_payment, -4.0 * 0.30, kTol);
  EXPECT_NEAR(s.lines[3].market_payment, 3.0 * 0.15, kTol);
  EXPECT_NEAR(s.grid_party_sold_kwh, 5.0, kTol);
  EXPECT_NEAR(s.grid_party_bought_kwh, 3.0, kTol);
  EXPECT_NEAR(s.grid_party_received, 5.0 * 0.15 - 3.0 * 0.30, kTol);
  EXPECT_NEAR(s.exchange_received, 0.60, kTol);
  EXPECT_NEAR(s.participants_paid, 5.0 * 0.40 + 3.0 * 0.15 + 5.0 * 0.30 - 2.0 * 0.15 - 4.0 * 0.30, kTol);
  EXPECT_NO_THROW(check_conservation(s, "interval 0"));
}

// Without participants' orders the case still clears: G serves the load alone, both sides the
// grid party's, at one price (no congestion: 3 kW < 4 kW), G's marginal cost 0.15.
TEST(NodalCaseUnits, CaseUnitsTradeAmongThemselvesWithoutOrders) {
  grid::GridModel model = grid::test_grids::two_bus(0.004);
  model.buses[1].pd_mw = 0.003;
  model.generators = {generator(1, 0.0, 0.020)};
  model.gencosts = {polynomial({150.0, 0.0})};
  const grid::GridView view(model, {}, 1.0);
  const ClearingResult r = clear_with_case_units(OrderBook{}, view);
  ASSERT_EQ(r.trades.size(), 1u);
  const Trade& t = r.trades[0];
  EXPECT_EQ(t.buyer, kGridParty);
  EXPECT_EQ(t.seller, kGridParty);
  EXPECT_EQ(t.buy_order, case_load_order(2));
  EXPECT_EQ(t.sell_order, case_generator_order(0));
  EXPECT_NEAR(t.quantity_kwh, 3.0, kTol);
  EXPECT_NEAR(t.price_per_kwh, 0.15, kTol);
  EXPECT_NEAR(t.seller_price_per_kwh, 0.15, kTol);

  // Default params: the case is left out, so nothing clears.
  Rng rng(1, "clearing", 0);
  EXPECT_TRUE(Nodal().clear(OrderBook{}, &view, rng).trades.empty());
}

// A load the case cannot serve (5 kW behind a 4 kW line, nothing to buy at bus 2): no optimum.
TEST(NodalCaseUnits, UnservableCaseLoadFailsTheInterval) {
  grid::GridModel model = grid::test_grids::two_bus(0.004);
  model.buses[1].pd_mw = 0.005;
  model.generators = {generator(1, 0.0, 0.020)};
  model.gencosts = {polynomial({150.0, 0.0})};
  const grid::GridView view(model, {}, 1.0);
  EXPECT_THROW(clear_with_case_units(OrderBook{}, view), std::runtime_error);
}

TEST(NodalCaseUnits, RegistryPassesTheParameter) {
  grid::GridModel model = grid::test_grids::two_bus(0.004);
  model.buses[1].pd_mw = 0.003;
  model.generators = {generator(1, 0.0, 0.020)};
  model.gencosts = {polynomial({150.0, 0.0})};
  const grid::GridView view(model, {}, 1.0);
  ClearingRuleParams params;
  params.nodal_includes_case_units = true;
  const auto rule = ClearingRuleRegistry::instance().create("nodal", params);
  ASSERT_NE(rule, nullptr);
  Rng rng(1, "clearing", 0);
  EXPECT_EQ(rule->clear(OrderBook{}, &view, rng).trades.size(), 1u);
}

// The rule against an independent DC-OPF of the whole problem: a triangle (1-2 unlimited, 2-3
// rated 6 kW, 1-3 rated 5 kW), a quadratic-cost generator at bus 1 (100 $/MWh + 2 * 5000 $/MW^2h
// * Pg), a piecewise-linear one at bus 3 (120 then 200 $/MWh), one with Pmin > 0 at bus 2, case
// loads at buses 2 and 3, and participants' orders at distinct prices (a unique optimum) on
// every bus; 15-minute interval. Every order's cleared kWh, every generator's and load's kWh,
// every trade side's price and the line flows must be the OPF's.
TEST(NodalCaseUnits, EqualsAnIndependentDcOpfOfTheFullProblem) {
  grid::GridModel model;
  model.name = "triangle";
  for (int id = 1; id <= 3; ++id) {
    grid::Bus bus;
    bus.id = id;
    bus.type = id == 1 ? grid::BusType::kReference : grid::BusType::kPQ;
    model.buses.push_back(bus);
  }
  model.buses[1].pd_mw = 0.008;
  model.buses[2].pd_mw = 0.009;
  model.buses[2].gs_mw = 0.001;
  for (const auto& [from, to, rate_mw] : {std::tuple{1, 2, 0.0}, std::tuple{2, 3, 0.006}, std::tuple{1, 3, 0.005}}) {
    grid::Branch line;
    line.from_bus = from;
    line.to_bus = to;
    line.x_pu = 0.1;
    line.rate_a_mva = rate_mw;
    model.branches.push_back(line);
  }
  model.generators = {generator(1, 0.0, 0.030), generator(3, 0.0, 0.010), generator(2, 0.001, 0.004)};
  model.gencosts = {polynomial({5000.0, 100.0, 0.0}),
                    grid::GenCost{grid::GenCost::Model::kPiecewiseLinear, 0.0, 0.0, {0.0, 0.0, 0.005, 0.6, 0.010, 1.6}},
                    polynomial({260.0, 0.0})};
  model.index_buses();
  const double interval_h = 0.25;
  const std::vector<int> participant_bus{1, 2, 3, 1, 2, 3};
  const grid::GridView view(model, participant_bus, interval_h);

  OrderBook book;
  book.add(order(1, 0, Side::kBuy, 4.0, 0.31));
  book.add(order(2, 1, Side::kBuy, 3.0, 0.27));
  book.add(order(3, 2, Side::kBuy, 5.0, 0.33));
  book.add(order(4, 3, Side::kSell, 2.0, 0.09));
  book.add(order(5, 4, Side::kSell, 1.5, 0.23));
  book.add(order(6, 5, Side::kSell, 2.5, 0.17));
  const ClearingResult r = clear_with_case_units(book, view);

  // The same problem, built here: each order as MW and $/MWh at its participant's bus.
  std::vector<grid::BusOrder> bus_orders;
  std::vector<OrderId> ids;
  for (const auto* side : {&book.bids, &book.offers}) {
    for (const Order& o : *side) {
      bus_orders.push_back({participant_bus[o.participant], side == &book.bids, o.quantity_kwh / interval_h / 1000.0,
                            o.limit_price_per_kwh * 1000.0});
      ids.push_back(o.id);
    }
  }
  const grid::DcOpfResult opf = grid::solve_dc_opf(model, bus_orders);
  ASSERT_TRUE(opf.optimal) << opf.status;
  const double kwh_per_mw = interval_h * 1000.0;
  // The line 1-3 or 2-3 binds, so the LMPs differ (otherwise this test would not show much).
  EXPECT_TRUE(opf.branch_binding[1] || opf.branch_binding[2]);
  EXPECT_GT(std::abs(opf.lmp_per_mwh[0] - opf.lmp_per_mwh[2]), 1.0);

  std::map<OrderId, double> traded_kwh;
  for (const Trade& t : r.trades) {
    traded_kwh[t.buy_order] += t.quantity_kwh;
    traded_kwh[t.sell_order] += t.quantity_kwh;
    const int buyer_bus = trade_side_bus(t.buyer, t.buy_order, view), seller_bus = trade_side_bus(t.seller, t.sell_order, view);
    EXPECT_NEAR(t.price_per_kwh, opf.lmp_per_mwh[model.bus_index(buyer_bus)] / 1000.0, kTol);
    EXPECT_NEAR(t.seller_price_per_kwh, opf.lmp_per_mwh[model.bus_index(seller_bus)] / 1000.0, kTol);
  }
  for (std::size_t o = 0; o < ids.size(); ++o) {
    EXPECT_NEAR(traded_kwh[ids[o]], opf.order_cleared_mw[o] * kwh_per_mw, kTol) << "order " << ids[o];
  }
  for (std::size_t g = 0; g < model.generators.size(); ++g) {
    EXPECT_NEAR(traded_kwh[case_generator_order(g)], opf.pg_mw[g] * kwh_per_mw, kTol) << "generator " << g;
  }
  EXPECT_GE(traded_kwh[case_generator_order(2)], 0.001 * kwh_per_mw - kTol);  // its Pmin holds
  EXPECT_NEAR(traded_kwh[case_load_order(1)], 0.0, kTol);
  EXPECT_NEAR(traded_kwh[case_load_order(2)], 0.008 * kwh_per_mw, kTol);
  EXPECT_NEAR(traded_kwh[case_load_order(3)], 0.010 * kwh_per_mw, kTol);  // Pd + Gs

  const std::vector<double> flows = trade_flows_mw(r.trades, view);
  for (std::size_t b = 0; b < model.branches.size(); ++b) EXPECT_NEAR(flows[b], opf.branch_flow_mw[b], 1e-9) << b;

  // The exchange's congestion rent is what the loads pay beyond what the generators get at the
  // OPF's prices: - sum over buses of LMP * net injection.
  double rent = 0.0;
  for (const Trade& t : r.trades) rent += t.quantity_kwh * (t.price_per_kwh - t.seller_price_per_kwh);
  double opf_rent_per_h = 0.0;
  for (std::size_t i = 0; i < model.buses.size(); ++i) opf_rent_per_h += opf.lmp_per_mwh[i] * (model.buses[i].pd_mw + model.buses[i].gs_mw);
  for (std::size_t g = 0; g < model.generators.size(); ++g)
    opf_rent_per_h -= opf.lmp_per_mwh[model.bus_index(model.generators[g].bus)] * opf.pg_mw[g];
  for (std::size_t o = 0; o < bus_orders.size(); ++o) {
    const double lmp = opf.lmp_per_mwh[model.bus_index(bus_orders[o].bus)];
    opf_rent_per_h += (bus_orders[o].is_demand ? lmp : -lmp) * opf.order_cleared_mw[o];
  }
  EXPECT_NEAR(rent, opf_rent_per_h * interval_h, 1e-6);
}

}  // namespace
}  // namespace ebsim::market
