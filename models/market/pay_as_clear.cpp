#include "models/market/pay_as_clear.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <numeric>
#include <vector>

namespace ebsim::market {
namespace {

/** What the priority sort needs of one order, in 32 bytes so that sorting a million stays cache-friendly. */
struct PriorityKey {
  double priority_price;  // limit price for offers, its negation for bids: ascending = priority
  double arrived_s;       // earlier first; NaN is stored as +infinity (sorts last)
  OrderId id;             // lower first
  std::size_t index;      // position in the book's vector: last tie-break, and the way back
};

bool operator<(const PriorityKey& a, const PriorityKey& b) {
  if (a.priority_price != b.priority_price) return a.priority_price < b.priority_price;
  if (a.arrived_s != b.arrived_s) return a.arrived_s < b.arrived_s;
  if (a.id != b.id) return a.id < b.id;
  return a.index < b.index;
}

/** Rule step 1: only these orders take part (defensive; see the header). */
bool admissible(const Order& order) {
  return order.quantity_kwh > 0.0 && std::isfinite(order.quantity_kwh) &&
         std::isfinite(order.limit_price_per_kwh);
}

/** Keys of the admissible orders with limit in [min, max] per kWh, in priority order (price_sign -1: bids). */
std::vector<PriorityKey> sorted_keys(std::span<const Order> orders, double price_sign,
                                     double min_price_per_kwh, double max_price_per_kwh) {
  std::vector<PriorityKey> keys;
  keys.reserve(orders.size());  // one allocation; at most every order is kept
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const Order& order = orders[i];
    if (!admissible(order) || order.limit_price_per_kwh < min_price_per_kwh ||
        order.limit_price_per_kwh > max_price_per_kwh) {
      continue;
    }
    const double arrived_s =
        std::isnan(order.arrived_s) ? std::numeric_limits<double>::infinity() : order.arrived_s;
    keys.push_back(PriorityKey{price_sign * order.limit_price_per_kwh, arrived_s, order.id, i});
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

ClearingResult clear_uniform_price(std::span<const Order> bids, std::span<const Order> offers) {
  // A bid below every offer (or an offer above every bid) never crosses: the walk would stop
  // before reaching it. Dropping such orders up front changes nothing and shrinks the sorts.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double highest_bid_per_kwh = -kInf;
  for (const Order& bid : bids) {
    if (admissible(bid)) highest_bid_per_kwh = std::max(highest_bid_per_kwh, bid.limit_price_per_kwh);
  }
  double lowest_offer_per_kwh = kInf;
  for (const Order& offer : offers) {
    if (admissible(offer)) lowest_offer_per_kwh = std::min(lowest_offer_per_kwh, offer.limit_price_per_kwh);
  }
  ClearingResult result;
  if (highest_bid_per_kwh < lowest_offer_per_kwh) return result;  // also: a side is empty

  const std::vector<PriorityKey> bid_keys = sorted_keys(bids, -1.0, lowest_offer_per_kwh, kInf);
  const std::vector<PriorityKey> offer_keys = sorted_keys(offers, 1.0, -kInf, highest_bid_per_kwh);

  // Rule step 3: the merge walk. Both key lists are non-empty here (the extreme orders cross).
  std::size_t next_bid = 0, next_offer = 0;
  double bid_left_kwh = bids[bid_keys[0].index].quantity_kwh;
  double offer_left_kwh = offers[offer_keys[0].index].quantity_kwh;
  const Order* marginal_bid = nullptr;
  const Order* marginal_offer = nullptr;
  while (next_bid < bid_keys.size() && next_offer < offer_keys.size()) {
    const Order& bid = bids[bid_keys[next_bid].index];
    const Order& offer = offers[offer_keys[next_offer].index];
    if (bid.limit_price_per_kwh < offer.limit_price_per_kwh) break;
    // Both remainders are > kQuantityTolerance_kwh or an admitted order's full quantity (> 0).
    const double quantity_kwh = std::min(bid_left_kwh, offer_left_kwh);
    result.trades.push_back(Trade{bid.id, offer.id, bid.participant, offer.participant, quantity_kwh, 0.0, 0.0});
    result.cleared_kwh += quantity_kwh;
    result.declared_welfare += (bid.limit_price_per_kwh - offer.limit_price_per_kwh) * quantity_kwh;
    marginal_bid = &bid;
    marginal_offer = &offer;
    bid_left_kwh -= quantity_kwh;
    offer_left_kwh -= quantity_kwh;
    if (bid_left_kwh <= kQuantityTolerance_kwh && ++next_bid < bid_keys.size()) {
      bid_left_kwh = bids[bid_keys[next_bid].index].quantity_kwh;
    }
    if (offer_left_kwh <= kQuantityTolerance_kwh && ++next_offer < offer_keys.size()) {
      offer_left_kwh = offers[offer_keys[next_offer].index].quantity_kwh;
    }
  }
  if (result.trades.empty()) return result;  // defensive: the extreme pair crosses, so unreachable

  // Rule step 4: one price for every trade, known only once the walk has found the margin.
  // The competitive range is bounded by the marginal matched pair and by the first orders
  // left (wholly or partly) unmatched: an unmatched buyer must not want to buy at p and an
  // unmatched seller must not want to sell at p.
  double low_per_kwh = marginal_offer->limit_price_per_kwh;
  double high_per_kwh = marginal_bid->limit_price_per_kwh;
  if (next_bid < bid_keys.size()) low_per_kwh = std::max(low_per_kwh, bids[bid_keys[next_bid].index].limit_price_per_kwh);
  if (next_offer < offer_keys.size())
    high_per_kwh = std::min(high_per_kwh, offers[offer_keys[next_offer].index].limit_price_per_kwh);
  const double price_per_kwh = std::midpoint(low_per_kwh, high_per_kwh);
  for (Trade& trade : result.trades) trade.price_per_kwh = trade.seller_price_per_kwh = price_per_kwh;
  result.has_price = true;
  result.clearing_price_per_kwh = price_per_kwh;
  return result;
}

ClearingResult PayAsClear::clear(const OrderBook& book, const grid::GridView* /*grid*/, Rng& /*rng*/) const {
  return clear_uniform_price(book.bids, book.offers);
}

namespace {
const ClearingRuleRegistration kRegistration(std::string(PayAsClear::kName), [](const ClearingRuleParams&) {
  return std::make_unique<PayAsClear>();
});
}  // namespace

}  // namespace ebsim::market
