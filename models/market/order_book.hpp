#pragma once
/** The orders admitted for one delivery interval, as handed to a ClearingRule. */
#include <vector>

#include "models/market/order.hpp"

namespace ebsim::market {

struct OrderBook {
  IntervalIndex interval = 0;
  std::vector<Order> bids;    // side == kBuy
  std::vector<Order> offers;  // side == kSell

  /** Add an order to the side it belongs to. */
  void add(const Order& order) { (order.side == Side::kBuy ? bids : offers).push_back(order); }
  bool empty() const { return bids.empty() && offers.empty(); }
};

}  // namespace ebsim::market
