#include "models/market/pay_as_clear.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "models/core/rng.hpp"
#include "tests/models/market/book_builders.hpp"

namespace ebsim::market {
namespace {

using test_books::bid;
using test_books::book_of;
using test_books::expect_nothing_cleared;
using test_books::offer;

constexpr double kTol = 1e-12;

ClearingResult clear(const OrderBook& book) { return clear_uniform_price(book.bids, book.offers); }

/** Expect trade `t` to be (buy_order, sell_order, quantity) at `price`, with participants 1000 + id. */
void expect_trade(const Trade& t, OrderId buy_order, OrderId sell_order, double quantity_kwh,
                  double price_per_kwh) {
  test_books::expect_trade_parties(t, buy_order, sell_order, quantity_kwh, kTol);
  EXPECT_NEAR(t.price_per_kwh, price_per_kwh, kTol);
}

void expect_identical(const ClearingResult& a, const ClearingResult& b) {
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (std::size_t k = 0; k < a.trades.size(); ++k) {
    EXPECT_EQ(a.trades[k].buy_order, b.trades[k].buy_order) << "trade " << k;
    EXPECT_EQ(a.trades[k].sell_order, b.trades[k].sell_order) << "trade " << k;
    EXPECT_EQ(a.trades[k].buyer, b.trades[k].buyer) << "trade " << k;
    EXPECT_EQ(a.trades[k].seller, b.trades[k].seller) << "trade " << k;
    EXPECT_EQ(a.trades[k].quantity_kwh, b.trades[k].quantity_kwh) << "trade " << k;  // bit for bit
    EXPECT_EQ(a.trades[k].price_per_kwh, b.trades[k].price_per_kwh) << "trade " << k;
  }
  EXPECT_EQ(a.has_price, b.has_price);
  EXPECT_EQ(a.clearing_price_per_kwh, b.clearing_price_per_kwh);
  EXPECT_EQ(a.cleared_kwh, b.cleared_kwh);
  EXPECT_EQ(a.declared_welfare, b.declared_welfare);
}

TEST(PayAsClear, SimpleCrossingWithPartialFill) {
  // Bids (desc):   b1 0.30 x5, b2 0.25 x3, b3 0.10 x4
  // Offers (asc):  s11 0.12 x4, s12 0.20 x3, s13 0.28 x2
  // Walk: b1-s11 4 (s11 done, b1 has 1 left); b1-s12 1 (b1 done, s12 has 2 left);
  //       b2-s12 2 (s12 done, b2 has 1 left); b2 0.25 < s13 0.28 -> stop.
  // Price: b_m = 0.25 (b2), o_m = 0.20 (s12); b2 is partly filled, so b_u = 0.25 (b2 itself);
  //   s12 is done, so o_u = 0.28 (s13). low = max(0.20, 0.25) = 0.25, high = min(0.25, 0.28) =
  //   0.25 -> p = 0.25 (b2's remainder sets the price).
  // cleared 4 + 1 + 2 = 7 kWh; welfare 0.18*4 + 0.10*1 + 0.05*2 = 0.72 + 0.10 + 0.10 = 0.92.
  const auto book = book_of({bid(3, 0.10, 4), bid(1, 0.30, 5), bid(2, 0.25, 3)},
                            {offer(13, 0.28, 2), offer(11, 0.12, 4), offer(12, 0.20, 3)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 3u);
  expect_trade(r.trades[0], 1, 11, 4, 0.25);
  expect_trade(r.trades[1], 1, 12, 1, 0.25);
  expect_trade(r.trades[2], 2, 12, 2, 0.25);
  EXPECT_TRUE(r.has_price);
  EXPECT_NEAR(r.clearing_price_per_kwh, 0.25, kTol);
  EXPECT_NEAR(r.cleared_kwh, 7, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.92, kTol);
}

TEST(PayAsClear, EqualBidPricesGoByArrivalThenId) {
  // Three bids at 0.20 x1: id 5 arrived 2 s, ids 3 and 4 arrived 1 s. One offer 0.10 x2.
  // Priority: id 3 (1 s), id 4 (1 s, higher id), id 5 (2 s) -> 3 and 4 fill, 5 does not.
  // Price: b_m = 0.20 (id 4), o_m = 0.10 (id 20); b_u = 0.20 (id 5, wholly unmatched); the
  //   offers ran out, so no o_u. low = max(0.10, 0.20) = 0.20, high = min(0.20) = 0.20 -> p = 0.20
  //   (at any lower price bid 5 would want to buy too). cleared 2; welfare 0.10 * 2 = 0.20.
  const auto book = book_of({bid(5, 0.20, 1, 2.0), bid(4, 0.20, 1, 1.0), bid(3, 0.20, 1, 1.0)},
                            {offer(20, 0.10, 2)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 3, 20, 1, 0.20);
  expect_trade(r.trades[1], 4, 20, 1, 0.20);
  EXPECT_NEAR(r.cleared_kwh, 2, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.20, kTol);
}

TEST(PayAsClear, EqualOfferPricesGoByArrivalThenId) {
  // Offers at 0.10 x1: id 20 arrived 5 s, ids 22 and 21 arrived 3 s. One bid 0.20 x2.
  // Priority: 21, 22 (both 3 s, lower id first), then 20 (5 s).
  // Price: b_m = 0.20 (bid 1), o_m = 0.10 (id 22); the bids ran out, so no b_u; o_u = 0.10
  //   (id 20, wholly unmatched). low = max(0.10) = 0.10, high = min(0.20, 0.10) = 0.10 -> p = 0.10.
  // An earlier arrival beats a lower id: id 20 is the lowest id but arrived last.
  const auto book = book_of({bid(1, 0.20, 2)},
                            {offer(20, 0.10, 1, 5.0), offer(22, 0.10, 1, 3.0), offer(21, 0.10, 1, 3.0)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 1, 21, 1, 0.10);
  expect_trade(r.trades[1], 1, 22, 1, 0.10);
}

TEST(PayAsClear, NoCrossingClearsNothing) {
  // Best bid 0.10 < best offer 0.20.
  expect_nothing_cleared(clear(book_of({bid(1, 0.10, 5), bid(2, 0.05, 1)}, {offer(11, 0.20, 5)})));
}

TEST(PayAsClear, OnlyBuyersClearNothing) {
  expect_nothing_cleared(clear(book_of({bid(1, 0.30, 5), bid(2, 0.25, 1)}, {})));
}

TEST(PayAsClear, OnlySellersClearNothing) {
  expect_nothing_cleared(clear(book_of({}, {offer(11, 0.01, 5)})));
}

TEST(PayAsClear, EmptyBookClearsNothing) { expect_nothing_cleared(clear(OrderBook{})); }

TEST(PayAsClear, NonPositiveQuantitiesAreIgnored) {
  // Outside the precondition, but must not crash or trade: bids 0 kWh at 0.50 and -1 kWh at
  // 0.60 (both would have priority), offer 0 kWh at 0.01 (would have priority).
  // Left: bid 1 0.30 x2 against offer 11 0.10 x2 -> one trade of 2; welfare 0.40.
  // Price: b_m = 0.30, o_m = 0.10, nothing left unmatched (no b_u, o_u): [0.10, 0.30] -> 0.20.
  const auto book = book_of({bid(7, 0.50, 0.0), bid(8, 0.60, -1.0), bid(1, 0.30, 2)},
                            {offer(17, 0.01, 0.0), offer(11, 0.10, 2)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 2, 0.20);
  EXPECT_NEAR(r.cleared_kwh, 2, kTol);
  EXPECT_NEAR(r.declared_welfare, 0.40, kTol);
}

TEST(PayAsClear, NonFiniteOrdersAreIgnored) {
  // Also outside the precondition: NaN/inf quantities and prices are dropped (a NaN price would
  // otherwise break the sort's ordering). A NaN arrival time sorts last among equal prices.
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const auto book = book_of(
      {bid(7, kNan, 1), bid(8, 0.60, kNan), bid(9, kInf, 1), bid(10, 0.40, kInf), bid(2, 0.30, 1, kNan),
       bid(1, 0.30, 1, 5.0)},
      {offer(17, kNan, 1), offer(18, -kInf, 1), offer(11, 0.10, 1)});
  // Admitted: bids 1 and 2 at 0.30 (1 arrived at 5 s, 2 at NaN -> last), offer 11 0.10 x1.
  // Walk: 1-11 1 (both done; the offers run out). Price: b_m = 0.30 (bid 1), o_m = 0.10 (11);
  //   b_u = 0.30 (bid 2, wholly unmatched); no o_u. low = max(0.10, 0.30) = 0.30,
  //   high = min(0.30) = 0.30 -> p = 0.30.
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 1, 0.30);
}

TEST(PayAsClear, AllPricesEqualTradeAtThatPrice) {
  // Bids 0.20 x3 (id 1), 0.20 x2 (id 2); offers 0.20 x1 (ids 11, 12, 13). Equal prices cross.
  // Walk: 1-11 1, 1-12 1, 1-13 1 (bid 1 and the offers run out together). Price 0.20, 3 kWh,
  // welfare 0 (every margin is zero). Bid 2 is left unfilled.
  const auto book = book_of({bid(2, 0.20, 2), bid(1, 0.20, 3)},
                            {offer(13, 0.20, 1), offer(12, 0.20, 1), offer(11, 0.20, 1)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 3u);
  expect_trade(r.trades[0], 1, 11, 1, 0.20);
  expect_trade(r.trades[1], 1, 12, 1, 0.20);
  expect_trade(r.trades[2], 1, 13, 1, 0.20);
  EXPECT_EQ(r.clearing_price_per_kwh, 0.20);
  EXPECT_NEAR(r.cleared_kwh, 3, kTol);
  EXPECT_EQ(r.declared_welfare, 0.0);
}

TEST(PayAsClear, OneOfferSplitAcrossManyBids) {
  // Offer 11 0.05 x10; bids 0.30 x2, 0.25 x3, 0.20 x4, 0.15 x5.
  // Walk: 1 takes 2 (8 left), 2 takes 3 (5 left), 3 takes 4 (1 left), 4 takes 1 (offer done,
  // bid 4 keeps 4). Price: b_m = 0.15 (bid 4), o_m = 0.05 (11); bid 4 is partly filled, so
  // b_u = 0.15; the offers ran out, so no o_u. low = max(0.05, 0.15) = 0.15, high = min(0.15) =
  // 0.15 -> p = 0.15 (bid 4's remainder sets the price). cleared 10;
  // welfare 0.25*2 + 0.20*3 + 0.15*4 + 0.10*1 = 0.5 + 0.6 + 0.6 + 0.1 = 1.8.
  const auto book = book_of({bid(4, 0.15, 5), bid(3, 0.20, 4), bid(2, 0.25, 3), bid(1, 0.30, 2)},
                            {offer(11, 0.05, 10)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 4u);
  expect_trade(r.trades[0], 1, 11, 2, 0.15);
  expect_trade(r.trades[1], 2, 11, 3, 0.15);
  expect_trade(r.trades[2], 3, 11, 4, 0.15);
  expect_trade(r.trades[3], 4, 11, 1, 0.15);
  EXPECT_NEAR(r.cleared_kwh, 10, kTol);
  EXPECT_NEAR(r.declared_welfare, 1.8, kTol);
}

TEST(PayAsClear, OneBidSplitAcrossManyOffers) {
  // Bid 1 0.40 x6; offers 0.10 x1, 0.20 x2, 0.30 x5.
  // Walk: 11 gives 1, 12 gives 2, 13 gives 3 (2 left). Price: b_m = 0.40 (bid 1), o_m = 0.30
  //   (13); the bids ran out, so no b_u; offer 13 is partly filled, so o_u = 0.30.
  //   low = max(0.30) = 0.30, high = min(0.40, 0.30) = 0.30 -> p = 0.30 (13's remainder sets it).
  // welfare 0.30*1 + 0.20*2 + 0.10*3 = 1.0; cleared 6.
  const auto book = book_of({bid(1, 0.40, 6)}, {offer(13, 0.30, 5), offer(12, 0.20, 2), offer(11, 0.10, 1)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 3u);
  expect_trade(r.trades[0], 1, 11, 1, 0.30);
  expect_trade(r.trades[1], 1, 12, 2, 0.30);
  expect_trade(r.trades[2], 1, 13, 3, 0.30);
  EXPECT_NEAR(r.cleared_kwh, 6, kTol);
  EXPECT_NEAR(r.declared_welfare, 1.0, kTol);
}

TEST(PayAsClear, MarginalPairSetsThePriceNotTheBestPair) {
  // Bids 0.50 x1, 0.22 x1; offers 0.02 x1, 0.18 x1. Both pairs cross; the margin is the
  // second pair: b_m = 0.22, o_m = 0.18, nothing left unmatched (no b_u, o_u), so
  // [low, high] = [0.18, 0.22] -> 0.20, although the first pair alone would give 0.26.
  const auto book = book_of({bid(1, 0.50, 1), bid(2, 0.22, 1)}, {offer(11, 0.02, 1), offer(12, 0.18, 1)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 1, 11, 1, 0.20);
  expect_trade(r.trades[1], 2, 12, 1, 0.20);
}

TEST(PayAsClear, PriceLiesInTheCompetitiveRangeNotJustBetweenTheMarginalPair) {
  // Bids 10 x1 (id 1), 8 x1 (id 2); offers 1 x1 (id 11), 9 x1 (id 12).
  // Walk: 1-11 1 (both done); bid 2 8 < offer 12 9 -> stop. One trade of 1 kWh; welfare 9.
  // Price: b_m = 10 (bid 1), o_m = 1 (11); b_u = 8 (bid 2), o_u = 9 (12), both wholly unmatched.
  //   low = max(1, 8) = 8, high = min(10, 9) = 9 -> p = 8.5.
  // The old rule, midpoint(b_m, o_m) = 5.5, would leave bid 2 (limit 8 > 5.5) unmatched although
  // it is willing to buy at that price: 5.5 does not clear the market.
  const ClearingResult r = clear(book_of({bid(1, 10, 1), bid(2, 8, 1)}, {offer(11, 1, 1), offer(12, 9, 1)}));
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 1, 8.5);
  EXPECT_TRUE(r.has_price);
  EXPECT_EQ(r.clearing_price_per_kwh, 8.5);  // midpoint(8, 9) is exact in binary
  EXPECT_NEAR(r.cleared_kwh, 1, kTol);
  EXPECT_NEAR(r.declared_welfare, 9, kTol);
}

TEST(PayAsClear, NegativePricesWork) {
  // Surplus hours have negative prices. Bid -0.02 x1, offer -0.06 x1, both filled (no b_u, o_u):
  // [low, high] = [-0.06, -0.02] -> price -0.04.
  const ClearingResult r = clear(book_of({bid(1, -0.02, 1)}, {offer(11, -0.06, 1)}));
  ASSERT_EQ(r.trades.size(), 1u);
  expect_trade(r.trades[0], 1, 11, 1, -0.04);
  EXPECT_NEAR(r.declared_welfare, 0.04, kTol);
}

TEST(PayAsClear, FloatingPointResidueIsNeverTraded) {
  // Bid 1 0.30 x0.3 against offers 0.10 x0.1 and 0.20 x0.2. In doubles 0.3 - 0.1 =
  // 0.19999999999999998, so offer 12 keeps ~2.8e-17 kWh after the second trade. That is
  // residue: offer 12 must count as filled, and bid 2 (0.25) must not get a 1e-17 kWh trade.
  // Price: b_m = 0.30 (bid 1), o_m = 0.20 (12); bid 1 is done, so b_u = 0.25 (bid 2, wholly
  //   unmatched); the offers ran out (12 counts as filled), so no o_u.
  //   low = max(0.20, 0.25) = 0.25, high = min(0.30) = 0.30 -> p = 0.275.
  //   (Were 12's residue counted as unfilled, o_u = 0.20 and the range would be empty.)
  const auto book = book_of({bid(1, 0.30, 0.3), bid(2, 0.25, 1.0)}, {offer(11, 0.10, 0.1), offer(12, 0.20, 0.2)});
  const ClearingResult r = clear(book);
  ASSERT_EQ(r.trades.size(), 2u);
  expect_trade(r.trades[0], 1, 11, 0.1, 0.275);
  expect_trade(r.trades[1], 1, 12, 0.2, 0.275);
  for (const Trade& t : r.trades) EXPECT_GT(t.quantity_kwh, kQuantityTolerance_kwh);
}

TEST(PayAsClear, TinyButPositiveOrdersStillTrade) {
  // The tolerance applies to remainders only: a whole order of 1e-13 kWh is a real order.
  const ClearingResult r = clear(book_of({bid(1, 0.30, 1e-13)}, {offer(11, 0.10, 1)}));
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_EQ(r.trades[0].quantity_kwh, 1e-13);
}

TEST(PayAsClear, RegistryReturnsTheRuleByName) {
  auto& registry = ClearingRuleRegistry::instance();
  const auto rule = registry.create("pay_as_clear");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->name(), "pay_as_clear");
  EXPECT_NE(dynamic_cast<const PayAsClear*>(rule.get()), nullptr);
  EXPECT_EQ(registry.create("no_such_rule"), nullptr);
  EXPECT_EQ(registry.create(""), nullptr);
  const auto names = registry.names();
  EXPECT_NE(std::find(names.begin(), names.end(), "pay_as_clear"), names.end());
}

TEST(PayAsClear, InterfaceMatchesKernelAndDrawsNoRandomness) {
  const auto book = book_of({bid(1, 0.30, 5), bid(2, 0.25, 3)}, {offer(11, 0.12, 4), offer(12, 0.20, 3)});
  Rng used(7, "clearing"), fresh(7, "clearing");
  const ClearingResult r = PayAsClear().clear(book, nullptr, used);
  expect_identical(r, clear(book));
  EXPECT_EQ(used.next_u64(), fresh.next_u64());
}

/** A random book with many ties: prices from 5 levels, arrivals from 3 instants, unique ids. */
OrderBook random_book(Rng& rng, int order_count) {
  OrderBook book;
  for (int k = 0; k < order_count; ++k) {
    const double price_per_kwh = 0.10 + 0.05 * static_cast<double>(rng.below(5));
    const double quantity_kwh = rng.uniform(0.1, 5.0);
    const double arrived_s = static_cast<double>(rng.below(3));
    const auto id = static_cast<OrderId>(k + 1);
    book.add(rng.below(2) == 0 ? bid(id, price_per_kwh, quantity_kwh, arrived_s)
                               : offer(id, price_per_kwh, quantity_kwh, arrived_s));
  }
  return book;
}

/** Fisher-Yates with the project's Rng (std::shuffle's output is implementation-defined). */
void shuffle(std::vector<Order>& orders, Rng& rng) {
  for (std::size_t k = orders.size(); k > 1; --k) std::swap(orders[k - 1], orders[rng.below(k)]);
}

TEST(PayAsClear, SameBookTwiceGivesIdenticalResults) {
  Rng rng(11, "pay_as_clear/determinism");
  for (int round = 0; round < 20; ++round) {
    const OrderBook book = random_book(rng, 200);
    const ClearingResult first = clear(book);
    EXPECT_FALSE(first.trades.empty());
    expect_identical(first, clear(book));
  }
}

TEST(PayAsClear, ShuffledBookGivesIdenticalResults) {
  // Ties are fully ordered (price, arrival, id), so the input order cannot matter, bit for bit.
  Rng rng(12, "pay_as_clear/shuffle");
  for (int round = 0; round < 20; ++round) {
    const OrderBook book = random_book(rng, 200);
    OrderBook shuffled = book;
    shuffle(shuffled.bids, rng);
    shuffle(shuffled.offers, rng);
    expect_identical(clear(book), clear(shuffled));
  }
}

}  // namespace
}  // namespace ebsim::market
