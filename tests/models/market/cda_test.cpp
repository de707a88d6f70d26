// Hand-worked books for the continuous double auction (models/market/cda.hpp): orders replayed
// in (arrived_s, id) order against a resting book, each trade at the resting order's limit.
#include "models/market/cda.hpp"

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

ClearingResult clear(const OrderBook& book) { return clear_continuous(book.bids, book.offers); }

/** Expect trade `t` to be (buy_order, sell_order, quantity) at `price`, with participants 1000 + id. */
void expect_trade(const Trade& t, OrderId buy_order, OrderId sell_order, double quantity_kwh,
                  double price_per_kwh) {
  test_books::expect_trade_parties(t, buy_order, sell_order, quantity_kwh, kTol);
  EXPECT_EQ(t.price_per_kwh, price_per_kwh);  // exactly a resting limit
}

TEST(Cda, OrdersMatchAsTheyArriveAtTheRestingPrice) {
  // In arrival order (the book's vectors are deliberately in another order):
  //  t1 s11 offer 0.20 x3: nothing to match; rests.           resting offers: s11 0.20 x3
  //  t2 s12 offer 0.15 x2: rests.                             offers: s12 0.15 x2, s11 0.20 x3
  //  t3 b1  bid 0.18 x4: best offer s12 0.15 <= 0.18: 2 at 0.15 (s12 done); next s11 0.20 > 0.18:
  //         stop; b1 rests with 2.                            bids: b1 0.18 x2
  //  t4 b2  bid 0.25 x2: best offer s11 0.20: 2 at 0.20 (b2 done; s11 1 left).
  //  t5 s13 offer 0.10 x4: best bid b1 0.18 >= 0.10: 2 at 0.18 (b1 done); no bids left; s13 rests 2.
  //                                                           offers: s13 0.10 x2, s11 0.20 x1
  //  t6 b3  bid 0.12 x1: best offer s13 0.10: 1 at 0.10 (b3 done; s13 1 left).
  // Volume 7; mean (2 * 0.15 + 2 * 0.20 + 2 * 0.18 + 1 * 0.10) / 7 = 1.16 / 7.
  // Welfare (0.18-0.15)*2 + (0.25-0.20)*2 + (0.18-0.10)*2 + (0.12-0.10)*1 = 0.06+0.10+0.16+0.02 = 0.34,
  // below the pay_as_clear optimum 0.52 (b2-s13 2, b1-s13 2, b1-s12 2: 0.30 + 0.16 + 0.06):
  // b1 took s12 early, before the cheaper s13 arrived.
  const auto book = book_of({bid(3, 0.12, 1, 6), bid(2, 0.25, 2, 4), bid(1, 0.18, 4, 3)},
                            {offer(13, 0.10, 4, 5), offer(11, 0.20, 3, 1), offer(12, 0.15, 2, 2)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 4u);
  expect_trade(r.trades[0], 1, 12, 2, 0.15);
  expect_trade(r.trades[1], 2, 11, 2, 0.20);
  expect_trade(r.trades[2], 1, 13, 2, 0.18);
  expect_trade(r.trades[3], 3, 13, 1, 0.10);
  EXPECT_TRUE(r.has_price);
  EXPECT_NEAR(r.clearing_price_per_kwh, 1.16 / 7, kTol);
  EXPECT_NEAR(r.cleared_kwh, 7, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.34, kTol);
  EXPECT_NEAR(clear_uniform_price(book.bids, book.offers).declared_welfare, 0.52, kTol);
}

TEST(Cda, LatencyDecidesWhoTradesAndAtWhatPrice) {
  // Bids b1 0.30 x1, b2 0.25 x1; one offer s11 0.20 x1. Only the arrival times change.
  // (a) s11 t0, b2 t1, b1 t2: s11 rests; b2 arrives first and takes it at 0.20; b1 rests unfilled.
  const ClearingResult a = clear(book_of({bid(1, 0.30, 1, 2), bid(2, 0.25, 1, 1)}, {offer(11, 0.20, 1, 0)}));
  ASSERT_EQ(a.trades.size(), 1u);
  expect_trade(a.trades[0], 2, 11, 1, 0.20);
  // (b) s11 t0, b1 t1, b2 t2: b1 first, at 0.20.
  const ClearingResult b = clear(book_of({bid(1, 0.30, 1, 1), bid(2, 0.25, 1, 2)}, {offer(11, 0.20, 1, 0)}));
  ASSERT_EQ(b.trades.size(), 1u);
  expect_trade(b.trades[0], 1, 11, 1, 0.20);
  // (c) b2 t0, b1 t1, s11 t2: both bids rest; the incoming offer meets the best resting bid, b1,
  //     and trades at b1's limit 0.30 (the resting price), not at its own 0.20.
  const ClearingResult c = clear(book_of({bid(1, 0.30, 1, 1), bid(2, 0.25, 1, 0)}, {offer(11, 0.20, 1, 2)}));
  ASSERT_EQ(c.trades.size(), 1u);
  expect_trade(c.trades[0], 1, 11, 1, 0.30);
}

TEST(Cda, RestingTiesGoToTheEarlierArrivalThenTheLowerId) {
  // Resting offers all 0.20 x1: s13 t2, s12 t1, s14 t1 (s12 before s14: same time, lower id).
  // t3 b1 bid 0.25 x2.5: s12 1 at 0.20, s14 1 at 0.20, s13 0.5 at 0.20 (s13 keeps 0.5).
  const ClearingResult r = clear(book_of(
      {bid(1, 0.25, 2.5, 3)}, {offer(13, 0.20, 1, 2), offer(14, 0.20, 1, 1), offer(12, 0.20, 1, 1)}));
  ASSERT_EQ(r.trades.size(), 3u);
  expect_trade(r.trades[0], 1, 12, 1, 0.20);
  expect_trade(r.trades[1], 1, 14, 1, 0.20);
  expect_trade(r.trades[2], 1, 13, 0.5, 0.20);
}

TEST(Cda, SimultaneousArrivalsAreSequencedById) {
  // b5 bid 0.30 x1 and s3 offer 0.10 x1 both arrive at t1. Sequence by id: s3 first (rests), then
  // b5 arrives and trades at the resting s3's 0.10. With the ids the other way round (b3, s5) the
  // bid rests first and the offer trades at 0.30.
  const ClearingResult a = clear(book_of({bid(5, 0.30, 1, 1)}, {offer(3, 0.10, 1, 1)}));
  ASSERT_EQ(a.trades.size(), 1u);
  expect_trade(a.trades[0], 5, 3, 1, 0.10);
  const ClearingResult b = clear(book_of({bid(3, 0.30, 1, 1)}, {offer(5, 0.10, 1, 1)}));
  ASSERT_EQ(b.trades.size(), 1u);
  expect_trade(b.trades[0], 3, 5, 1, 0.30);
}

TEST(Cda, AnIncomingOrderWalksThroughPriceLevelsAndItsRemainderRests) {
  // t0 s11 0.10 x1, t1 s12 0.15 x1, t2 s13 0.40 x5 rest.
  // t3 b1 0.20 x3: s11 1 at 0.10, s12 1 at 0.15; s13 0.40 > 0.20: b1 rests with 1.
  // t4 s14 0.18 x2: best bid b1 0.20 >= 0.18: 1 at 0.20 (b1 done); s14 rests 1.
  // t5 b2 0.18 x1: best offer s14 0.18 (equal limits cross): 1 at 0.18.
  const ClearingResult r = clear(book_of({bid(1, 0.20, 3, 3), bid(2, 0.18, 1, 5)},
                                         {offer(11, 0.10, 1, 0), offer(12, 0.15, 1, 1), offer(13, 0.40, 5, 2),
                                          offer(14, 0.18, 2, 4)}));
  ASSERT_EQ(r.trades.size(), 4u);
  expect_trade(r.trades[0], 1, 11, 1, 0.10);
  expect_trade(r.trades[1], 1, 12, 1, 0.15);
  expect_trade(r.trades[2], 1, 14, 1, 0.20);
  expect_trade(r.trades[3], 2, 14, 1, 0.18);
  // (0.10 + 0.15 + 0.20 + 0.18) / 4 = 0.1575
  EXPECT_NEAR(r.clearing_price_per_kwh, 0.1575, kTol);
}

TEST(Cda, UnknownArrivalCountsAsTheLatest) {
  // s11 offer 0.10 x1 with arrived_s NaN comes after b1 (t5), so b1 rests and s11 trades at 0.30.
  const ClearingResult r =
      clear(book_of({bid(1, 0.30, 1, 5)}, {offer(11, 0.10, 1, std::numeric_limits<double>::quiet_NaN())}));
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 1, 0.30);
}

TEST(Cda, NothingCrossesOrOneSideIsEmpty) {
  expect_nothing_cleared(clear(book_of({bid(1, 0.10, 2, 0)}, {offer(11, 0.20, 2, 1)})));
  expect_nothing_cleared(clear(book_of({bid(1, 0.30, 2, 0), bid(2, 0.35, 1, 1)}, {})));
  expect_nothing_cleared(clear(book_of({}, {offer(11, 0.10, 2, 0)})));
  expect_nothing_cleared(clear(OrderBook{}));
}

TEST(Cda, RegisteredByNameAndDrawsNoRandomness) {
  const auto rule = ClearingRuleRegistry::instance().create("cda");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->name(), "cda");
  EXPECT_NE(dynamic_cast<const Cda*>(rule.get()), nullptr);
  const auto book = book_of({bid(1, 0.30, 5, 2), bid(2, 0.25, 3, 0)}, {offer(11, 0.12, 4, 1), offer(12, 0.20, 3, 3)});
  Rng used(7, "clearing"), fresh(7, "clearing");
  const ClearingResult r = rule->clear(book, nullptr, used);
  EXPECT_EQ(r.trades.size(), clear(book).trades.size());
  EXPECT_EQ(r.clearing_price_per_kwh, clear(book).clearing_price_per_kwh);
  EXPECT_EQ(used.next_u64(), fresh.next_u64());
}

}  // namespace
}  // namespace ebsim::market
