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

/** Nothing traded, no price, zero totals. */
inline void expect_nothing_cleared(const ClearingResult& r) {
  EXPECT_TRUE(r.trades.empty());
  EXPECT_FALSE(r.has_price);
  EXPECT_EQ(r.clearing_price_per_kwh, 0.0);
  EXPECT_EQ(r.cleared_kwh, 0.0);
  EXPECT_EQ(r.declared_welfare, 0.0);
}

}  // namespace ebsim::market::test_books
