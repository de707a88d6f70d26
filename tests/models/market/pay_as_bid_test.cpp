// Hand-worked books for the pay-as-bid rule (models/market/pay_as_bid.hpp): pay_as_clear's merge
// walk, each (bid, offer) segment at the midpoint of its two limits. The working is in the comments.
#include "models/market/pay_as_bid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
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

ClearingResult clear(const OrderBook& book) { return clear_pay_as_bid(book.bids, book.offers); }

/** Expect trade `t` to be (buy_order, sell_order, quantity) at `price`, with participants 1000 + id. */
void expect_trade(const Trade& t, OrderId buy_order, OrderId sell_order, double quantity_kwh,
                  double price_per_kwh) {
  test_books::expect_trade_parties(t, buy_order, sell_order, quantity_kwh, kTol);
  EXPECT_NEAR(t.price_per_kwh, price_per_kwh, kTol);
}

TEST(PayAsBid, EachPairAtTheMidpointOfItsLimitsWithPartialFills) {
  // Bids (desc):   b1 0.30 x5, b2 0.25 x3, b3 0.10 x4
  // Offers (asc):  s11 0.12 x4, s12 0.20 x3, s13 0.28 x2
  // Walk (as pay_as_clear): b1-s11 4 (s11 done, b1 1 left); b1-s12 1 (b1 done, s12 2 left);
  //   b2-s12 2 (s12 done, b2 1 left); b2 0.25 < s13 0.28 -> stop.
  // Prices: b1-s11 (0.30 + 0.12) / 2 = 0.21; b1-s12 (0.30 + 0.20) / 2 = 0.25;
  //   b2-s12 (0.25 + 0.20) / 2 = 0.225.
  // Volume 7; volume-weighted mean (4 * 0.21 + 1 * 0.25 + 2 * 0.225) / 7 = 1.54 / 7 = 0.22.
  // Welfare 4 * 0.18 + 1 * 0.10 + 2 * 0.05 = 0.92 (= pay_as_clear's: same segments).
  const auto book = book_of({bid(1, 0.30, 5), bid(2, 0.25, 3), bid(3, 0.10, 4)},
                            {offer(11, 0.12, 4), offer(12, 0.20, 3), offer(13, 0.28, 2)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 3u);
  expect_trade(r.trades[0], 1, 11, 4, 0.21);
  expect_trade(r.trades[1], 1, 12, 1, 0.25);
  expect_trade(r.trades[2], 2, 12, 2, 0.225);
  EXPECT_TRUE(r.has_price);
  EXPECT_NEAR(r.clearing_price_per_kwh, 0.22, kTol);
  EXPECT_NEAR(r.cleared_kwh, 7, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.92, kTol);

  const ClearingResult uniform = clear_uniform_price(book.bids, book.offers);
  ASSERT_EQ(uniform.trades.size(), r.trades.size());
  for (std::size_t k = 0; k < r.trades.size(); ++k) {
    EXPECT_EQ(r.trades[k].buy_order, uniform.trades[k].buy_order);
    EXPECT_EQ(r.trades[k].sell_order, uniform.trades[k].sell_order);
    EXPECT_EQ(r.trades[k].quantity_kwh, uniform.trades[k].quantity_kwh);
  }
  EXPECT_EQ(r.declared_welfare, uniform.declared_welfare);
}

TEST(PayAsBid, PairsPayDifferentPricesWhereTheUniformRuleHasOne) {
  // Bids b1 0.40 x1, b2 0.30 x1; offers s11 0.10 x1, s12 0.24 x1.
  // Walk: b1-s11 1 at (0.40 + 0.10) / 2 = 0.25; b2-s12 1 at (0.30 + 0.24) / 2 = 0.27.
  // The second pair pays more although its bid is lower: each pair's price is its own.
  // Mean (0.25 + 0.27) / 2 = 0.26; welfare 0.30 + 0.06 = 0.36.
  // (pay_as_clear: [max(0.24, -), min(0.30, -)] = [0.24, 0.30] -> 0.27 for both.)
  const auto book = book_of({bid(1, 0.40, 1), bid(2, 0.30, 1)}, {offer(11, 0.10, 1), offer(12, 0.24, 1)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 1, 11, 1, 0.25);
  expect_trade(r.trades[1], 2, 12, 1, 0.27);
  EXPECT_NEAR(r.clearing_price_per_kwh, 0.26, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.36, kTol);
  EXPECT_NEAR(clear_uniform_price(book.bids, book.offers).clearing_price_per_kwh, 0.27, kTol);
}

TEST(PayAsBid, TiesGoToTheEarlierArrivalThenTheLowerId) {
  // Bids, all 0.30 x2: b1 arrived 5, b2 arrived 3, b3 arrived 3 -> priority b2, b3 (same time,
  //   higher id), b1.
  // Offers, both 0.10: s11 x2 arrived 2, s12 x1 arrived 1 -> priority s12, s11.
  // Walk: b2-s12 1 (s12 done, b2 1 left); b2-s11 1 (b2 done, s11 1 left); b3-s11 1 (offers
  //   run out). b3 keeps 1, b1 gets nothing though it is first in the book.
  // Every pair at (0.30 + 0.10) / 2 = 0.20; welfare 3 * 0.20 = 0.60.
  const auto book = book_of({bid(1, 0.30, 2, 5), bid(3, 0.30, 2, 3), bid(2, 0.30, 2, 3)},
                            {offer(11, 0.10, 2, 2), offer(12, 0.10, 1, 1)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 3u);
  expect_trade(r.trades[0], 2, 12, 1, 0.20);
  expect_trade(r.trades[1], 2, 11, 1, 0.20);
  expect_trade(r.trades[2], 3, 11, 1, 0.20);
  EXPECT_NEAR(r.clearing_price_per_kwh, 0.20, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.60, kTol);
}

TEST(PayAsBid, EqualLimitsTradeAtThatLimit) {
  // b1 0.20 x1 and s11 0.20 x1 cross (>=): 1 kWh at 0.20, welfare 0.
  const ClearingResult r = clear(book_of({bid(1, 0.20, 1)}, {offer(11, 0.20, 1)}));
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 1, 0.20);
  EXPECT_EQ(r.declared_welfare, 0.0);
}

TEST(PayAsBid, NegativeLimitsAndThePriceStaysWithinBoth) {
  // b1 -0.05 x1, s11 -0.10 x1: cross; (-0.05 + -0.10) / 2 = -0.075 (the seller pays to deliver).
  const ClearingResult r = clear(book_of({bid(1, -0.05, 1)}, {offer(11, -0.10, 1)}));
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 1, -0.075);
  EXPECT_GE(r.trades[0].price_per_kwh, -0.10);
  EXPECT_LE(r.trades[0].price_per_kwh, -0.05);
}

TEST(PayAsBid, NothingCrossesOrOneSideIsEmpty) {
  expect_nothing_cleared(clear(book_of({bid(1, 0.10, 2)}, {offer(11, 0.20, 2)})));  // 0.10 < 0.20
  expect_nothing_cleared(clear(book_of({bid(1, 0.30, 2)}, {})));
  expect_nothing_cleared(clear(book_of({}, {offer(11, 0.10, 2)})));
  expect_nothing_cleared(clear(OrderBook{}));
}

TEST(PayAsBid, OrderOfTheBooksVectorsDoesNotMatter) {
  // Same orders, vectors reversed: the priority (price, arrival, id) decides, not the position.
  const std::vector<Order> bids{bid(1, 0.30, 2, 1), bid(2, 0.30, 1, 0), bid(3, 0.22, 3, 0)};
  const std::vector<Order> offers{offer(11, 0.12, 2, 2), offer(12, 0.12, 2, 1), offer(13, 0.25, 1, 0)};
  const ClearingResult a = clear(book_of(bids, offers));
  const ClearingResult b = clear(book_of(std::vector<Order>(bids.rbegin(), bids.rend()),
                                         std::vector<Order>(offers.rbegin(), offers.rend())));
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (std::size_t k = 0; k < a.trades.size(); ++k) {
    EXPECT_EQ(a.trades[k].buy_order, b.trades[k].buy_order);
    EXPECT_EQ(a.trades[k].sell_order, b.trades[k].sell_order);
    EXPECT_EQ(a.trades[k].quantity_kwh, b.trades[k].quantity_kwh);
    EXPECT_EQ(a.trades[k].price_per_kwh, b.trades[k].price_per_kwh);
  }
  // Working: bids b2 (0.30, t0), b1 (0.30, t1), b3 (0.22); offers s12 (0.12, t1), s11 (0.12, t2), s13 (0.25).
  // b2-s12 1 @0.21; b1-s12 1 @0.21; b1-s11 1 @0.21; b3-s11 1 @0.17; b3 0.22 < s13 0.25 stop.
  ASSERT_EQ(a.trades.size(), 4u);
  expect_trade(a.trades[0], 2, 12, 1, 0.21);
  expect_trade(a.trades[1], 1, 12, 1, 0.21);
  expect_trade(a.trades[2], 1, 11, 1, 0.21);
  expect_trade(a.trades[3], 3, 11, 1, 0.17);
}

TEST(PayAsBid, RegisteredByNameAndDrawsNoRandomness) {
  const auto rule = ClearingRuleRegistry::instance().create("pay_as_bid");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->name(), "pay_as_bid");
  EXPECT_NE(dynamic_cast<const PayAsBid*>(rule.get()), nullptr);
  const auto book = book_of({bid(1, 0.30, 5), bid(2, 0.25, 3)}, {offer(11, 0.12, 4), offer(12, 0.20, 3)});
  Rng used(7, "clearing"), fresh(7, "clearing");
  const ClearingResult r = rule->clear(book, nullptr, used);
  EXPECT_EQ(r.trades.size(), clear(book).trades.size());
  EXPECT_EQ(r.clearing_price_per_kwh, clear(book).clearing_price_per_kwh);
  EXPECT_EQ(used.next_u64(), fresh.next_u64());
}

}  // namespace
}  // namespace ebsim::market
