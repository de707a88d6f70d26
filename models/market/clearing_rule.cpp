#include "models/market/clearing_rule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "models/market/pay_as_clear.hpp"  // kQuantityTolerance_kwh

namespace ebsim::market {

ClearingRuleRegistry& ClearingRuleRegistry::instance() {
  static ClearingRuleRegistry registry;
  return registry;
}


// ---- Building blocks ---------------------------------------------------------------------------

namespace {

/** NaN arrivals sort last, like in pay_as_clear. */
double arrival_key_s(const Order& order) {
  return std::isnan(order.arrived_s) ? std::numeric_limits<double>::infinity() : order.arrived_s;
}

/** Positions of the admissible orders, sorted by `before` (a strict weak order on positions). */
template <typename Before>
std::vector<std::size_t> admissible_sorted(std::span<const Order> orders, Before before) {
  std::vector<std::size_t> positions;
  positions.reserve(orders.size());
  for (std::size_t i = 0; i < orders.size(); ++i) {
    if (is_admissible(orders[i])) positions.push_back(i);
  }
  std::sort(positions.begin(), positions.end(), before);
  return positions;
}

}  // namespace

bool is_admissible(const Order& order) {
  return order.quantity_kwh > 0.0 && std::isfinite(order.quantity_kwh) && std::isfinite(order.limit_price_per_kwh);
}

std::vector<std::size_t> price_time_order(std::span<const Order> orders, Side side) {
  const double sign = side == Side::kBuy ? -1.0 : 1.0;  // ascending priority_price = priority
  return admissible_sorted(orders, [&](std::size_t a, std::size_t b) {
    const Order& x = orders[a];
    const Order& y = orders[b];
    return std::make_tuple(sign * x.limit_price_per_kwh, arrival_key_s(x), x.id, a) <
           std::make_tuple(sign * y.limit_price_per_kwh, arrival_key_s(y), y.id, b);
  });
}

std::vector<std::size_t> arrival_order(std::span<const Order> orders) {
  return admissible_sorted(orders, [&](std::size_t a, std::size_t b) {
    return std::make_tuple(arrival_key_s(orders[a]), orders[a].id, a) <
           std::make_tuple(arrival_key_s(orders[b]), orders[b].id, b);
  });
}

std::vector<WalkMatch> merge_walk(std::span<const Order> bids, std::span<const std::size_t> bid_priority,
                                  std::span<const Order> offers, std::span<const std::size_t> offer_priority) {
  std::vector<WalkMatch> matches;
  std::size_t next_bid = 0, next_offer = 0;
  double bid_left_kwh = bid_priority.empty() ? 0.0 : bids[bid_priority[0]].quantity_kwh;
  double offer_left_kwh = offer_priority.empty() ? 0.0 : offers[offer_priority[0]].quantity_kwh;
  while (next_bid < bid_priority.size() && next_offer < offer_priority.size()) {
    const std::size_t b = bid_priority[next_bid];
    const std::size_t o = offer_priority[next_offer];
    if (bids[b].limit_price_per_kwh < offers[o].limit_price_per_kwh) break;
    // Both remainders are > kQuantityTolerance_kwh or an admitted order's full quantity (> 0).
    const double quantity_kwh = std::min(bid_left_kwh, offer_left_kwh);
    matches.push_back(WalkMatch{b, o, quantity_kwh});
    bid_left_kwh -= quantity_kwh;
    offer_left_kwh -= quantity_kwh;
    if (bid_left_kwh <= kQuantityTolerance_kwh && ++next_bid < bid_priority.size()) {
      bid_left_kwh = bids[bid_priority[next_bid]].quantity_kwh;
    }
    if (offer_left_kwh <= kQuantityTolerance_kwh && ++next_offer < offer_priority.size()) {
      offer_left_kwh = offers[offer_priority[next_offer]].quantity_kwh;
    }
  }
  return matches;
}

void append_trade(ClearingResult& result, const Order& bid, const Order& offer, double quantity_kwh,
                  double price_per_kwh) {
  result.trades.push_back(
      Trade{bid.id, offer.id, bid.participant, offer.participant, quantity_kwh, price_per_kwh, price_per_kwh});
  result.cleared_kwh += quantity_kwh;
  result.declared_welfare += (bid.limit_price_per_kwh - offer.limit_price_per_kwh) * quantity_kwh;
}

void set_volume_weighted_price(ClearingResult& result) {
  if (result.trades.empty()) {
    result.has_price = false;
    result.clearing_price_per_kwh = 0.0;
    return;
  }
  double value = 0.0, volume_kwh = 0.0;
  double lowest_per_kwh = result.trades.front().price_per_kwh, highest_per_kwh = lowest_per_kwh;
  for (const Trade& trade : result.trades) {
    value += trade.quantity_kwh * trade.price_per_kwh;
    volume_kwh += trade.quantity_kwh;
    lowest_per_kwh = std::min(lowest_per_kwh, trade.price_per_kwh);
    highest_per_kwh = std::max(highest_per_kwh, trade.price_per_kwh);
  }
  result.has_price = true;
  result.clearing_price_per_kwh = std::clamp(value / volume_kwh, lowest_per_kwh, highest_per_kwh);
}

}  // namespace ebsim::market
