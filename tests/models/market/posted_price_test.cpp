// Hand-worked books for the posted-price rule (models/market/posted_price.hpp): every offer is a
// post at its limit; buyers in arrival order buy the cheapest posts within their limit.
#include "models/market/posted_price.hpp"

#include <gtest/gtest.h>

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

ClearingResult clear(const OrderBook& book) { return clear_posted_price(book.bids, book.offers); }

/** Expect trade `t` to be (buy_order, sell_order, quantity) at `price`, with participants 1000 + id. */
void expect_trade(const Trade& t, OrderId buy_order, OrderId sell_order, double quantity_kwh,
                  double price_per_kwh) {
  test_books::expect_trade_parties(t, buy_order, sell_order, quantity_kwh, kTol);
  EXPECT_EQ(t.price_per_kwh, price_per_kwh);  // exactly the posted price
}

TEST(PostedPrice, BuyersInArrivalOrderTakeTheCheapestPostsWithinTheirLimit) {
  // Posts, cheapest first (equal prices by arrival): s13 0.15 x1 (t1), s12 0.15 x2 (t9),
  //   s11 0.20 x3 (t5), s14 0.30 x5 (t0).
  // Buyers by arrival:
  //   t0 b4 0.12 x1: cheapest post 0.15 > 0.12: buys nothing.
  //   t2 b1 0.18 x2: s13 1 at 0.15 (sold out), s12 1 at 0.15 (s12 1 left). Done.
  //   t3 b2 0.40 x4: s12 1 at 0.15 (sold out), s11 3 at 0.20 (sold out). Done.
  //   t4 b3 0.25 x3: next post s14 0.30 > 0.25: nothing.
  //   t6 b5 0.30 x1: s14 1 at 0.30 (4 left).
  // s12 arrived at t9, after every buyer, and is still posted: all posts in the book are listed.
  // Volume 7; mean (0.15 + 0.15 + 0.15 + 3 * 0.20 + 0.30) / 7 = 1.35 / 7.
  // Welfare (0.18-0.15) + (0.18-0.15) + (0.40-0.15) + 3 * (0.40-0.20) + (0.30-0.30) = 0.91.
  const auto book = book_of({bid(1, 0.18, 2, 2), bid(2, 0.40, 4, 3), bid(3, 0.25, 3, 4), bid(4, 0.12, 1, 0),
                             bid(5, 0.30, 1, 6)},
                            {offer(11, 0.20, 3, 5), offer(12, 0.15, 2, 9), offer(13, 0.15, 1, 1),
                             offer(14, 0.30, 5, 0)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 5u);
  expect_trade(r.trades[0], 1, 13, 1, 0.15);
  expect_trade(r.trades[1], 1, 12, 1, 0.15);
  expect_trade(r.trades[2], 2, 12, 1, 0.15);
  expect_trade(r.trades[3], 2, 11, 3, 0.20);
  expect_trade(r.trades[4], 5, 14, 1, 0.30);
  EXPECT_TRUE(r.has_price);
  EXPECT_NEAR(r.clearing_price_per_kwh, 1.35 / 7, kTol);
  EXPECT_NEAR(r.cleared_kwh, 7, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.91, kTol);
}

TEST(PostedPrice, FirstComeFirstServedNotHighestLimit) {
  // One post s11 0.10 x1. b1 0.20 x1 arrives at t1, b2 0.50 x1 at t2: b1 buys it at 0.10.
  // Welfare 0.10, where pay_as_clear gives it to b2 (welfare 0.40).
  const auto book = book_of({bid(2, 0.50, 1, 2), bid(1, 0.20, 1, 1)}, {offer(11, 0.10, 1, 0)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 1, 0.10);
  EXPECT_NEAR(r.declared_welfare, 0.10, kTol);
  EXPECT_NEAR(clear_uniform_price(book.bids, book.offers).declared_welfare, 0.40, kTol);
}

TEST(PostedPrice, TiesByArrivalThenIdOnBothSides) {
  // Buyers b7 and b6 both 0.30 x1 at t1: b6 first (lower id). Posts s22 and s21 both 0.10 x1 at
  // t0: s21 first (lower id). So b6 buys s21, b7 buys s22.
  const ClearingResult r = clear(book_of({bid(7, 0.30, 1, 1), bid(6, 0.30, 1, 1)},
                                         {offer(22, 0.10, 1, 0), offer(21, 0.10, 1, 0)}));
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 6, 21, 1, 0.10);
  expect_trade(r.trades[1], 7, 22, 1, 0.10);
}

TEST(PostedPrice, PartialFillsOfBuyersAndPosts) {
  // Posts s11 0.10 x1.5, s12 0.12 x1. b1 0.11 x2 (t0): s11 1.5 at 0.10; s12 0.12 > 0.11: stop with
  // 0.5 unfilled. b2 0.12 x0.7 (t1): s12 0.7 at 0.12 (s12 keeps 0.3). An equal limit buys.
  const ClearingResult r =
      clear(book_of({bid(1, 0.11, 2, 0), bid(2, 0.12, 0.7, 1)}, {offer(11, 0.10, 1.5, 0), offer(12, 0.12, 1, 0)}));
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 1, 11, 1.5, 0.10);
  expect_trade(r.trades[1], 2, 12, 0.7, 0.12);
  EXPECT_NEAR(r.cleared_kwh, 2.2, kTol);
}

TEST(PostedPrice, NothingCrossesOrOneSideIsEmpty) {
  expect_nothing_cleared(clear(book_of({bid(1, 0.10, 2, 0)}, {offer(11, 0.20, 2, 1)})));
  expect_nothing_cleared(clear(book_of({bid(1, 0.30, 2, 0)}, {})));
  expect_nothing_cleared(clear(book_of({}, {offer(11, 0.10, 2, 0)})));
  expect_nothing_cleared(clear(OrderBook{}));
}

TEST(PostedPrice, RegisteredByNameAndDrawsNoRandomness) {
  const auto rule = ClearingRuleRegistry::instance().create("posted_price");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->name(), "posted_price");
  EXPECT_NE(dynamic_cast<const PostedPrice*>(rule.get()), nullptr);
  const auto book = book_of({bid(1, 0.30, 5, 2), bid(2, 0.25, 3, 0)}, {offer(11, 0.12, 4, 1), offer(12, 0.20, 3, 3)});
  Rng used(7, "clearing"), fresh(7, "clearing");
  const ClearingResult r = rule->clear(book, nullptr, used);
  EXPECT_EQ(r.trades.size(), clear(book).trades.size());
  EXPECT_EQ(r.clearing_price_per_kwh, clear(book).clearing_price_per_kwh);
  EXPECT_EQ(used.next_u64(), fresh.next_u64());
}

}  // namespace
}  // namespace ebsim::market
