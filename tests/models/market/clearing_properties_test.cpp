// Property tests of the pay-as-clear rule on many random books (seeded, so reproducible):
// welfare optimality against brute force on small integral books, and the clearing invariants
// (energy balance, no over-fill, one price, and the price clears the market) on small and large books.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "models/core/rng.hpp"
#include "models/market/pay_as_clear.hpp"

namespace ebsim::market {
namespace {

/** Price levels for small books: few, so that equal prices (within and across sides) are common. */
constexpr double kPriceLevels_per_kwh[] = {0.10, 0.15, 0.20, 0.25, 0.30};

Order make_order(OrderId id, Side side, double price_per_kwh, double quantity_kwh, double arrived_s) {
  return Order{id, static_cast<ParticipantId>(id % 7), 0, side, quantity_kwh, price_per_kwh, arrived_s, arrived_s};
}

/** At most 3 bids and 3 offers, integral quantities 1..3 kWh, prices from kPriceLevels_per_kwh. */
OrderBook small_integral_book(Rng& rng) {
  OrderBook book;
  OrderId next_id = 1;
  const auto bid_count = rng.below(4), offer_count = rng.below(4);
  for (std::uint64_t k = 0; k < bid_count + offer_count; ++k) {
    const double price_per_kwh = kPriceLevels_per_kwh[rng.below(std::size(kPriceLevels_per_kwh))];
    const auto quantity_kwh = static_cast<double>(1 + rng.below(3));
    const auto arrived_s = static_cast<double>(rng.below(2));
    book.add(make_order(next_id++, k < bid_count ? Side::kBuy : Side::kSell, price_per_kwh, quantity_kwh,
                        arrived_s));
  }
  return book;
}

/** Up to `max_orders` orders with real-valued quantities and prices (some on a grid, to tie). */
OrderBook large_real_book(Rng& rng, std::uint64_t max_orders) {
  OrderBook book;
  const auto order_count = 1 + rng.below(max_orders);
  const double buy_share = rng.uniform(0.1, 0.9);
  for (std::uint64_t k = 0; k < order_count; ++k) {
    const double price_per_kwh =
        rng.below(4) == 0 ? 0.05 * static_cast<double>(rng.below(8)) : rng.uniform(-0.05, 0.40);
    const double quantity_kwh = rng.uniform(0.001, 10.0);
    const double arrived_s = rng.uniform(0.0, 900.0);
    book.add(make_order(k + 1, rng.uniform() < buy_share ? Side::kBuy : Side::kSell, price_per_kwh,
                        quantity_kwh, arrived_s));
  }
  return book;
}

/** The highest declared welfare over every integral allocation: each order filled 0..quantity
 * kWh with energy bought == energy sold.
 *
 * Why integral points suffice: welfare maximisation is the LP max sum(p_b x_b) - sum(p_s y_s)
 * subject to 0 <= x_b <= q_b, 0 <= y_s <= q_s, sum(x_b) - sum(y_s) = 0. Its constraint matrix
 * (one row of +1/-1 plus bounds) is totally unimodular, so with integral quantities every
 * vertex is integral and the optimum is attained at an integer point. */
double best_feasible_welfare(const OrderBook& book) {
  std::vector<const Order*> orders;
  for (const Order& o : book.bids) orders.push_back(&o);
  for (const Order& o : book.offers) orders.push_back(&o);
  std::vector<int> fill_kwh(orders.size(), 0);
  double best = 0.0;  // trading nothing is feasible
  while (true) {
    int bought_kwh = 0, sold_kwh = 0;
    double welfare = 0.0;
    for (std::size_t k = 0; k < orders.size(); ++k) {
      if (orders[k]->side == Side::kBuy) {
        bought_kwh += fill_kwh[k];
        welfare += orders[k]->limit_price_per_kwh * fill_kwh[k];
      } else {
        sold_kwh += fill_kwh[k];
        welfare -= orders[k]->limit_price_per_kwh * fill_kwh[k];
      }
    }
    if (bought_kwh == sold_kwh) best = std::max(best, welfare);
    // Next allocation (mixed-radix counter, digit k runs over 0..quantity of order k).
    std::size_t k = 0;
    while (k < orders.size() && fill_kwh[k] == static_cast<int>(orders[k]->quantity_kwh)) fill_kwh[k++] = 0;
    if (k == orders.size()) break;
    ++fill_kwh[k];
  }
  return best;
}

/** The one price p clears the market (rule step 4): every order that traded accepts p (bid limit
 * >= p, offer limit <= p, exactly: p lies between the marginal limits), and no order left with
 * quantity (> 1e-9 kWh unmatched) would still trade at p: no open bid has limit > p and no open
 * offer has limit < p, beyond 1e-12 per kWh. Vacuous when nothing cleared (no price).
 *
 * Under the old rule p = midpoint(b_m, o_m) this fails. Book: bids 10 x1 (id 1), 8 x1 (id 2);
 * offers 1 x1 (id 11), 9 x1 (id 12). The walk matches 1-11 for 1 kWh and stops (8 < 9), so
 * b_m = 10, o_m = 1 and the old price was (10 + 1) / 2 = 5.5. Bid 2 is left with its whole 1 kWh
 * and limit 8 > 5.5: a buyer who wants to buy at the price is turned away, so the check fails
 * (and only there: 10 >= 5.5, 1 <= 5.5, and offer 12's 9 is not < 5.5). The new rule gives
 * [max(1, 8), min(10, 9)] = [8, 9] -> 8.5, which passes: 8 <= 8.5 and 9 >= 8.5.
 * PayAsClearProperties.MarketClearingCheckRejectsTheOldMarginalMidpoint runs exactly this. */
void expect_market_clears(const OrderBook& book, const ClearingResult& r) {
  if (!r.has_price) return;
  constexpr double kTol_kwh = 1e-9, kTol_per_kwh = 1e-12;
  const double p = r.clearing_price_per_kwh;
  std::map<OrderId, double> bought_kwh, sold_kwh;
  for (const Trade& t : r.trades) {
    bought_kwh[t.buy_order] += t.quantity_kwh;
    sold_kwh[t.sell_order] += t.quantity_kwh;
  }
  for (const Order& o : book.bids) {
    const auto it = bought_kwh.find(o.id);
    const double filled_kwh = it == bought_kwh.end() ? 0.0 : it->second;
    if (filled_kwh > 0.0) {
      EXPECT_GE(o.limit_price_per_kwh, p) << "matched bid " << o.id << " pays above its limit";
    }
    if (o.quantity_kwh - filled_kwh > kTol_kwh) {
      EXPECT_LE(o.limit_price_per_kwh, p + kTol_per_kwh)
          << "bid " << o.id << " left with " << o.quantity_kwh - filled_kwh << " kWh would buy at p = " << p;
    }
  }
  for (const Order& o : book.offers) {
    const auto it = sold_kwh.find(o.id);
    const double filled_kwh = it == sold_kwh.end() ? 0.0 : it->second;
    if (filled_kwh > 0.0) {
      EXPECT_LE(o.limit_price_per_kwh, p) << "matched offer " << o.id << " gets below its limit";
    }
    if (o.quantity_kwh - filled_kwh > kTol_kwh) {
      EXPECT_GE(o.limit_price_per_kwh, p - kTol_per_kwh)
          << "offer " << o.id << " left with " << o.quantity_kwh - filled_kwh << " kWh would sell at p = " << p;
    }
  }
}

/** Invariants every pay-as-clear result must satisfy; `what` names the book in messages. */
void expect_invariants(const OrderBook& book, const ClearingResult& r, const std::string& what) {
  SCOPED_TRACE(what);
  constexpr double kTol_kwh = 1e-9;
  std::map<OrderId, const Order*> bids, offers;
  for (const Order& o : book.bids) bids[o.id] = &o;
  for (const Order& o : book.offers) offers[o.id] = &o;
  std::map<OrderId, double> bought_kwh, sold_kwh;
  double sum_kwh = 0.0, welfare = 0.0;

  EXPECT_EQ(r.has_price, !r.trades.empty());
  if (r.trades.empty()) {
    EXPECT_EQ(r.cleared_kwh, 0.0);
    EXPECT_EQ(r.declared_welfare, 0.0);
  }
  for (const Trade& t : r.trades) {
    ASSERT_TRUE(bids.count(t.buy_order)) << "trade names an unknown bid " << t.buy_order;
    ASSERT_TRUE(offers.count(t.sell_order)) << "trade names an unknown offer " << t.sell_order;
    const Order& bid = *bids[t.buy_order];
    const Order& offer = *offers[t.sell_order];
    EXPECT_GT(t.quantity_kwh, 0.0);
    EXPECT_EQ(t.buyer, bid.participant);
    EXPECT_EQ(t.seller, offer.participant);
    EXPECT_EQ(t.price_per_kwh, r.clearing_price_per_kwh) << "all trades at one price";
    // (Limits against the price: expect_market_clears, below.)
    bought_kwh[bid.id] += t.quantity_kwh;
    sold_kwh[offer.id] += t.quantity_kwh;
    sum_kwh += t.quantity_kwh;
    welfare += (bid.limit_price_per_kwh - offer.limit_price_per_kwh) * t.quantity_kwh;
  }
  double sum_bought_kwh = 0.0, sum_sold_kwh = 0.0;
  for (const auto& [id, kwh] : bought_kwh) {
    EXPECT_LE(kwh, bids[id]->quantity_kwh + kTol_kwh) << "bid " << id << " over-filled";
    sum_bought_kwh += kwh;
  }
  for (const auto& [id, kwh] : sold_kwh) {
    EXPECT_LE(kwh, offers[id]->quantity_kwh + kTol_kwh) << "offer " << id << " over-filled";
    sum_sold_kwh += kwh;
  }
  const double scale = 1.0 + sum_kwh;
  EXPECT_NEAR(sum_bought_kwh, sum_sold_kwh, kTol_kwh * scale) << "energy balance";
  EXPECT_NEAR(sum_bought_kwh, r.cleared_kwh, kTol_kwh * scale) << "cleared_kwh";
  EXPECT_NEAR(welfare, r.declared_welfare, kTol_kwh * scale) << "declared_welfare";

  // Nothing worth trading is left: no bid with quantity left crosses an offer with quantity left.
  double highest_open_bid_per_kwh = -std::numeric_limits<double>::infinity();
  for (const Order& o : book.bids) {
    if (o.quantity_kwh - bought_kwh[o.id] > kTol_kwh) {
      highest_open_bid_per_kwh = std::max(highest_open_bid_per_kwh, o.limit_price_per_kwh);
    }
  }
  for (const Order& o : book.offers) {
    if (o.quantity_kwh - sold_kwh[o.id] > kTol_kwh) {
      EXPECT_LT(highest_open_bid_per_kwh, o.limit_price_per_kwh) << "offer " << o.id << " left crossing a bid";
    }
  }
  expect_market_clears(book, r);
}

TEST(PayAsClearProperties, MarketClearingCheckRejectsTheOldMarginalMidpoint) {
  // The book of expect_market_clears's comment. The old rule's result (one trade 1-11 of 1 kWh at
  // 5.5) must fail the check exactly once, on bid 2; the current rule's (at 8.5) must pass.
  OrderBook book;
  book.add(make_order(1, Side::kBuy, 10.0, 1.0, 0.0));
  book.add(make_order(2, Side::kBuy, 8.0, 1.0, 0.0));
  book.add(make_order(11, Side::kSell, 1.0, 1.0, 0.0));
  book.add(make_order(12, Side::kSell, 9.0, 1.0, 0.0));
  ClearingResult old_rule;
  old_rule.trades.push_back(Trade{1, 11, book.bids[0].participant, book.offers[0].participant, 1.0, 5.5, 5.5});
  old_rule.has_price = true;
  old_rule.clearing_price_per_kwh = 5.5;
  old_rule.cleared_kwh = 1.0;
  old_rule.declared_welfare = 9.0;
  EXPECT_NONFATAL_FAILURE(expect_market_clears(book, old_rule), "bid 2 left with 1 kWh would buy at p = 5.5");
  expect_invariants(book, clear_uniform_price(book.bids, book.offers), "10/8/1/9 book");
}

TEST(PayAsClearProperties, NoFeasibleAllocationBeatsTheRuleOnSmallBooks) {
  Rng rng(2024, "pay_as_clear/brute_force");
  for (int round = 0; round < 3000; ++round) {
    const OrderBook book = small_integral_book(rng);
    const ClearingResult r = clear_uniform_price(book.bids, book.offers);
    const std::string what = "small book " + std::to_string(round);
    expect_invariants(book, r, what);
    // The rule's own allocation is integral here, hence among the enumerated ones: equality.
    const double best = best_feasible_welfare(book);
    EXPECT_GE(r.declared_welfare, best - 1e-9) << what << ": a feasible allocation has more welfare";
    EXPECT_LE(r.declared_welfare, best + 1e-9) << what << ": the rule claims more than is feasible";
    if (::testing::Test::HasFailure()) break;  // one failing book is enough to read
  }
}

TEST(PayAsClearProperties, InvariantsHoldOnLargeRealValuedBooks) {
  Rng rng(2025, "pay_as_clear/invariants");
  for (int round = 0; round < 300; ++round) {
    const OrderBook book = large_real_book(rng, 200);
    expect_invariants(book, clear_uniform_price(book.bids, book.offers), "large book " + std::to_string(round));
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(PayAsClearProperties, InvariantsHoldWithDefectiveOrdersMixedIn) {
  // Zero and negative quantities (outside the precondition) must never be traded.
  Rng rng(2026, "pay_as_clear/defective");
  for (int round = 0; round < 200; ++round) {
    OrderBook book = large_real_book(rng, 50);
    for (auto* side : {&book.bids, &book.offers}) {
      for (Order& o : *side) {
        if (rng.below(5) == 0) o.quantity_kwh = rng.below(2) == 0 ? 0.0 : -o.quantity_kwh;
      }
    }
    const ClearingResult r = clear_uniform_price(book.bids, book.offers);
    const std::string what = "defective book " + std::to_string(round);
    std::map<OrderId, double> quantity_kwh;
    for (const Order& o : book.bids) quantity_kwh[o.id] = o.quantity_kwh;
    for (const Order& o : book.offers) quantity_kwh[o.id] = o.quantity_kwh;
    for (const Trade& t : r.trades) {
      EXPECT_GT(quantity_kwh[t.buy_order], 0.0) << what;
      EXPECT_GT(quantity_kwh[t.sell_order], 0.0) << what;
    }
    // The invariants hold against the book with the defective orders removed.
    OrderBook admitted;
    for (const Order& o : book.bids) if (o.quantity_kwh > 0) admitted.add(o);
    for (const Order& o : book.offers) if (o.quantity_kwh > 0) admitted.add(o);
    expect_invariants(admitted, r, what);
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace ebsim::market
