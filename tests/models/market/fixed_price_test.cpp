// Hand-worked books for the fixed-price rule (models/market/fixed_price.hpp): bids >= p and offers
// <= p trade at p; the short side is served in full, the long side rationed by price-time priority.
#include "models/market/fixed_price.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "models/core/rng.hpp"
#include "models/market/pay_as_clear.hpp"
#include "tests/models/market/book_builders.hpp"

namespace ebsim::market {
namespace {

using test_books::bid;
using test_books::book_of;
using test_books::expect_nothing_cleared;
using test_books::offer;

constexpr double kTol = 1e-12;

ClearingResult clear(const OrderBook& book, double price_per_kwh) {
  return clear_fixed_price(book.bids, book.offers, price_per_kwh);
}

/** Expect trade `t` to be (buy_order, sell_order, quantity) at `price`, with participants 1000 + id. */
void expect_trade(const Trade& t, OrderId buy_order, OrderId sell_order, double quantity_kwh,
                  double price_per_kwh) {
  test_books::expect_trade_parties(t, buy_order, sell_order, quantity_kwh, kTol);
  EXPECT_EQ(t.price_per_kwh, price_per_kwh);  // exactly p
}

TEST(FixedPrice, ShortSupplyIsSoldOutAndBidsAreRationedByPriceFirst) {
  // p = 0.20.
  // Bids: b1 0.30 x3 (t2), b2 0.25 x2 (t1), b3 0.20 x2 (t0, = p: accepts), b4 0.15 x5 (< p: out).
  // Offers: s11 0.05 x2, s12 0.20 x1 (= p: accepts), s13 0.22 x4 (> p: out).
  // Demand D = 3 + 2 + 2 = 7 > supply S = 2 + 1 = 3: every accepting offer sells in full;
  // bids in price-time priority b1, b2, b3 (b3 arrived first but bids least): b1 takes all 3.
  // Walk: b1-s11 2 (s11 done, b1 1 left); b1-s12 1 (both done); offers run out.
  // All at 0.20; welfare (0.30 - 0.05) * 2 + (0.30 - 0.20) * 1 = 0.60.
  const auto book = book_of({bid(1, 0.30, 3, 2), bid(2, 0.25, 2, 1), bid(3, 0.20, 2, 0), bid(4, 0.15, 5, 0)},
                            {offer(11, 0.05, 2), offer(12, 0.20, 1), offer(13, 0.22, 4)});
  const ClearingResult r = clear(book, 0.20);
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 1, 11, 2, 0.20);
  expect_trade(r.trades[1], 1, 12, 1, 0.20);
  EXPECT_TRUE(r.has_price);
  EXPECT_EQ(r.clearing_price_per_kwh, 0.20);
  EXPECT_NEAR(r.cleared_kwh, 3, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.60, kTol);
}

TEST(FixedPrice, ShortDemandIsServedAndOffersAreRationedWithEqualPricesByArrival) {
  // p = 0.20. Bids b1 0.30 x2, b2 0.20 x1.5: D = 3.5.
  // Offers s11 0.10 x2 (t4), s12 0.10 x2 (t1), s13 0.15 x3 (t0): S = 7 > D.
  // Offer priority: s12 (0.10, t1), s11 (0.10, t4), s13 (0.15; earliest, but dearest).
  // Walk: b1-s12 2 (both done); b2-s11 1.5 (b2 done, s11 0.5 left); bids run out. s13 sells nothing.
  // Welfare (0.30 - 0.10) * 2 + (0.20 - 0.10) * 1.5 = 0.40 + 0.15 = 0.55.
  const auto book = book_of({bid(1, 0.30, 2), bid(2, 0.20, 1.5)},
                            {offer(11, 0.10, 2, 4), offer(12, 0.10, 2, 1), offer(13, 0.15, 3, 0)});
  const ClearingResult r = clear(book, 0.20);
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 1, 12, 2, 0.20);
  expect_trade(r.trades[1], 2, 11, 1.5, 0.20);
  EXPECT_NEAR(r.cleared_kwh, 3.5, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.55, kTol);
}

TEST(FixedPrice, EqualPriceAndArrivalGoToTheLowerId) {
  // p = 0.20. One bid 0.30 x1; offers s12 and s11 both 0.10 x1 at t0, s12 first in the book.
  // Priority s11 (lower id), s12: b1-s11 1.
  const ClearingResult r = clear(book_of({bid(1, 0.30, 1)}, {offer(12, 0.10, 1), offer(11, 0.10, 1)}), 0.20);
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 1, 0.20);
}

TEST(FixedPrice, CrossingOrdersThatRefuseThePriceDoNotTrade) {
  // b1 0.18 x1 and s11 0.10 x1 cross each other (pay_as_clear trades them at 0.14), but b1 will
  // not pay p = 0.20: nothing trades.
  const auto book = book_of({bid(1, 0.18, 1)}, {offer(11, 0.10, 1)});
  expect_nothing_cleared(clear(book, 0.20));
  EXPECT_EQ(clear_uniform_price(book.bids, book.offers).trades.size(), 1u);
  // Likewise every offer above p.
  expect_nothing_cleared(clear(book_of({bid(1, 0.40, 1)}, {offer(11, 0.25, 1)}), 0.20));
}

TEST(FixedPrice, OneTokenPerKwhAsInScanergy) {
  // Prices in tokens: p = 1. Bids 1.5 x2 and 1.2 x1, offers 0.4 x2.5: D = 3 > S = 2.5.
  // Walk: b1-s11 2 (b1 done, s11 0.5 left); b2-s11 0.5 (s11 done). Both at 1 token per kWh.
  // Welfare (1.5 - 0.4) * 2 + (1.2 - 0.4) * 0.5 = 2.2 + 0.4 = 2.6.
  const ClearingResult r = clear(book_of({bid(1, 1.5, 2), bid(2, 1.2, 1)}, {offer(11, 0.4, 2.5)}), 1.0);
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 1, 11, 2, 1.0);
  expect_trade(r.trades[1], 2, 11, 0.5, 1.0);
  EXPECT_EQ(r.clearing_price_per_kwh, 1.0);
  EXPECT_NEAR(r.declared_welfare, 2.6, kTol);
}

TEST(FixedPrice, NothingAcceptsOrOneSideIsEmpty) {
  expect_nothing_cleared(clear(book_of({bid(1, 0.30, 2)}, {}), 0.20));
  expect_nothing_cleared(clear(book_of({}, {offer(11, 0.10, 2)}), 0.20));
  expect_nothing_cleared(clear(OrderBook{}, 0.20));
  expect_nothing_cleared(clear(book_of({bid(1, 0.10, 2)}, {offer(11, 0.05, 2)}), 0.20));  // no bid >= p
}

TEST(FixedPrice, RegistryNeedsThePriceParameter) {
  auto& registry = ClearingRuleRegistry::instance();
  EXPECT_THROW(registry.create("fixed_price"), std::invalid_argument);  // no price given
  const ClearingRuleParams nan_price{.fixed_price_per_kwh = std::numeric_limits<double>::quiet_NaN()};
  EXPECT_THROW(registry.create("fixed_price", nan_price), std::invalid_argument);
  EXPECT_THROW(FixedPrice(std::numeric_limits<double>::infinity()), std::invalid_argument);
  const auto rule = registry.create("fixed_price", ClearingRuleParams{.fixed_price_per_kwh = 0.25});
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->name(), "fixed_price");
  const auto* fixed = dynamic_cast<const FixedPrice*>(rule.get());
  ASSERT_NE(fixed, nullptr);
  EXPECT_EQ(fixed->price_per_kwh(), 0.25);
}

TEST(FixedPrice, InterfaceMatchesKernelAndDrawsNoRandomness) {
  const auto book = book_of({bid(1, 0.30, 5), bid(2, 0.25, 3)}, {offer(11, 0.12, 4), offer(12, 0.20, 3)});
  Rng used(7, "clearing"), fresh(7, "clearing");
  const ClearingResult r = FixedPrice(0.22).clear(book, nullptr, used);
  const ClearingResult k = clear(book, 0.22);
  ASSERT_EQ(r.trades.size(), k.trades.size());
  EXPECT_EQ(r.cleared_kwh, k.cleared_kwh);
  EXPECT_EQ(used.next_u64(), fresh.next_u64());
}

}  // namespace
}  // namespace ebsim::market
