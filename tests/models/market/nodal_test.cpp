// The nodal rule on hand-worked two-bus books. Units: the grid is in MATPOWER's (MW, $/MWh);
// with a 1 h interval an order of q kWh is q / 1000 MW, so a line rated 0.004 MW carries at
// most 4 kWh per interval, which household-sized orders congest.
#include "models/market/nodal.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "models/core/rng.hpp"
#include "models/grid/dc_opf.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/pay_as_clear.hpp"
#include "models/market/settlement.hpp"
#include "tests/models/grid/test_grids.hpp"

namespace ebsim::market {
namespace {

constexpr double kTol = 1e-6;

/** Bus 1 (reference) -- bus 2, one line of x = 0.1 p.u. rated `rate_mw`; participant 0 at bus 1,
 * participants 1 and 2 at bus 2; 1 h intervals. */
grid::GridView two_bus(double rate_mw) {
  grid::GridModel model = grid::test_grids::two_bus(rate_mw);
  model.buses[1].pd_mw = 50.0;  // the case's own load: left out by the rule
  return grid::GridView(model, {1, 2, 2}, 1.0);
}

Order order(OrderId id, ParticipantId participant, Side side, double quantity_kwh, double price_per_kwh) {
  return Order{id, participant, 0, side, quantity_kwh, price_per_kwh, 0.0, 0.0};
}

ClearingResult clear(const OrderBook& book, const grid::GridView& view) {
  Rng rng(1, "clearing", 0);
  return Nodal().clear(book, &view, rng);
}

// Seller at bus 1 offers 10 kWh at 0.10, buyer at bus 2 bids 10 kWh at 0.30; the line carries
// 4 kWh. Both orders are partly filled, so each sets its bus's price: LMP1 = 0.10, LMP2 = 0.30.
// The buyer pays 4 * 0.30 = 1.20, the seller receives 4 * 0.10 = 0.40 and the exchange keeps
// the congestion rent (LMP2 - LMP1) * flow = 0.20 * 4 = 0.80.
TEST(Nodal, CongestedLineGivesTwoPricesAndACongestionRent) {
  const grid::GridView view = two_bus(0.004);
  OrderBook book;
  book.add(order(1, 0, Side::kSell, 10.0, 0.10));
  book.add(order(2, 1, Side::kBuy, 10.0, 0.30));
  const ClearingResult r = clear(book, view);
  ASSERT_EQ(r.trades.size(), 1u);
  const Trade& t = r.trades[0];
  EXPECT_EQ(t.buy_order, 2u);
  EXPECT_EQ(t.sell_order, 1u);
  EXPECT_NEAR(t.quantity_kwh, 4.0, kTol);
  EXPECT_NEAR(t.price_per_kwh, 0.30, kTol);
  EXPECT_NEAR(t.seller_price_per_kwh, 0.10, kTol);
  EXPECT_NEAR(r.cleared_kwh, 4.0, kTol);
  EXPECT_NEAR(r.declared_welfare, (0.30 - 0.10) * 4.0, kTol);

  // Settled: money balances, and the exchange holds the congestion rent.
  Tariffs tariffs;
  tariffs.retail_per_kwh = 0.40;
  tariffs.feed_in_per_kwh = 0.05;
  const std::vector<MeterReading> meters{{0.0, 10.0, 0.0, 0.0, 0.0}, {10.0, 0.0, 0.0, 0.0, 0.0}, {}};
  const IntervalSettlement s = settle_interval(0, meters, r.trades, tariffs);
  EXPECT_NEAR(s.lines[1].market_payment, 1.20, kTol);
  EXPECT_NEAR(s.lines[0].market_payment, -0.40, kTol);
  EXPECT_NEAR(s.exchange_received, (0.30 - 0.10) * 4.0, kTol);
  EXPECT_NO_THROW(check_conservation(s, "interval 0"));
}

// A line too strong to bind: one price everywhere, in pay_as_clear's competitive range. Sellers
// 10 kWh at 0.10 (bus 1) and 10 kWh at 0.20 (bus 2), a buyer 15 kWh at 0.30 (bus 2):
// pay_as_clear fills the cheap offer and 5 kWh of the dearer, whose limit is the price (0.20).
TEST(Nodal, UncongestedGivesOnePriceInPayAsClearsRange) {
  const grid::GridView view = two_bus(1.0);
  OrderBook book;
  book.add(order(1, 0, Side::kSell, 10.0, 0.10));
  book.add(order(2, 2, Side::kSell, 10.0, 0.20));
  book.add(order(3, 1, Side::kBuy, 15.0, 0.30));
  const ClearingResult r = clear(book, view);
  const ClearingResult reference = clear_uniform_price(book.bids, book.offers);
  ASSERT_TRUE(reference.has_price);
  EXPECT_NEAR(reference.clearing_price_per_kwh, 0.20, 1e-12);
  EXPECT_NEAR(r.cleared_kwh, reference.cleared_kwh, kTol);
  EXPECT_NEAR(r.declared_welfare, reference.declared_welfare, kTol);
  ASSERT_FALSE(r.trades.empty());
  for (const Trade& t : r.trades) {
    EXPECT_NEAR(t.price_per_kwh, reference.clearing_price_per_kwh, kTol);
    EXPECT_NEAR(t.seller_price_per_kwh, reference.clearing_price_per_kwh, kTol);
  }
  EXPECT_NEAR(r.clearing_price_per_kwh, 0.20, kTol);
}

TEST(Nodal, NeedsAGrid) {
  OrderBook book;
  book.add(order(1, 0, Side::kSell, 1.0, 0.10));
  Rng rng(1, "clearing", 0);
  EXPECT_THROW(Nodal().clear(book, nullptr, rng), std::invalid_argument);
}

TEST(Nodal, IsRegistered) {
  const auto rule = ClearingRuleRegistry::instance().create("nodal");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->name(), "nodal");
}

}  // namespace
}  // namespace ebsim::market
