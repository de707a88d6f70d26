#pragma once
// Order and book builders shared by the hand-worked clearing-rule tests.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "models/market/clearing_rule.hpp"

namespace ebsim::market::test_books {

/** A buy order; the participant is 1000 + id so that trades can be checked against it.
 * Submitted and arrived at `arrived_s`. */
inline Order bid(OrderId id, double price_per_kwh, double quantity_kwh, double arrived_s = 0.0) {
  return Order{id, static_cast<ParticipantId>(1000 + id), 0, Side::kBuy, quantity_kwh, price_per_kwh,
               arrived_s, arrived_s};
}

/** A sell order; the participant is 1000 + id. */
inline Order offer(OrderId id, double price_per_kwh, double quantity_kwh, double arrived_s = 0.0) {
  return Order{id, static_cast<ParticipantId>(1000 + id), 0, Side::kSell, quantity_kwh, price_per_kwh,
               arrived_s, arrived_s};
}

/** A book with these bids and offers, in the order given. */
inline OrderBook book_of(std::vector<Order> bids, std::vector<Order> offers) {
  OrderBook book;
  book.bids = std::move(bids);
  book.offers = std::move(offers);
  return book;
}

/** Trade `t` is (buy_order, sell_order, quantity) between participants 1000 + id; each rule's
 * test checks the price its own way (exactly or within rounding). */
inline void expect_trade_parties(const Trade& t, OrderId buy_order, OrderId sell_order, double quantity_kwh,
                                 double tolerance_kwh = 1e-12) {
  EXPECT_EQ(t.buy_order, buy_order);
  EXPECT_EQ(t.sell_order, sell_order);
  EXPECT_EQ(t.buyer, 1000 + buy_order);
  EXPECT_EQ(t.seller, 1000 + sell_order);
  EXPECT_NEAR(t.quantity_kwh, quantity_kwh, tolerance_kwh);
}

/** Nothing traded, no price, zero totals. */
inline void expect_nothing_cleared(const ClearingResult& r) {
  EXPECT_TRUE(r.trades.empty());
  EXPECT_FALSE(r.has_price);
  EXPECT_EQ(r.clearing_price_per_kwh, 0.0);
  EXPECT_EQ(r.cleared_kwh, 0.0);
  EXPECT_EQ(r.declared_welfare, 0.0);
}

}  // namespace ebsim::market::test_books
