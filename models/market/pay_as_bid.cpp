#include "models/market/pay_as_bid.hpp"

#include <memory>
#include <numeric>
#include <string>
#include <vector>

namespace ebsim::market {

ClearingResult clear_pay_as_bid(std::span<const Order> bids, std::span<const Order> offers) {
  const std::vector<std::size_t> bid_priority = price_time_order(bids, Side::kBuy);
  const std::vector<std::size_t> offer_priority = price_time_order(offers, Side::kSell);
  ClearingResult result;
  for (const WalkMatch& m : merge_walk(bids, bid_priority, offers, offer_priority)) {
    const Order& bid = bids[m.bid];
    const Order& offer = offers[m.offer];
    append_trade(result, bid, offer, m.quantity_kwh, std::midpoint(bid.limit_price_per_kwh, offer.limit_price_per_kwh));
  }
  set_volume_weighted_price(result);
  return result;
}

ClearingResult PayAsBid::clear(const OrderBook& book, const grid::GridView* /*grid*/, Rng& /*rng*/) const {
  return clear_pay_as_bid(book.bids, book.offers);
}

namespace {
const ClearingRuleRegistration kRegistration(std::string(PayAsBid::kName), [](const ClearingRuleParams&) {
  return std::make_unique<PayAsBid>();
});
}  // namespace

}  // namespace ebsim::market
