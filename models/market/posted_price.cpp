#include "models/market/posted_price.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "models/market/pay_as_clear.hpp"  // kQuantityTolerance_kwh

namespace ebsim::market {

ClearingResult clear_posted_price(std::span<const Order> bids, std::span<const Order> offers) {
  const std::vector<std::size_t> posts = price_time_order(offers, Side::kSell);  // rule step 2
  const std::vector<std::size_t> buyers = arrival_order(bids);                   // rule step 3
  ClearingResult result;
  std::size_t next_post = 0;  // the first post not sold out (see the file comment)
  double post_left_kwh = posts.empty() ? 0.0 : offers[posts[0]].quantity_kwh;
  for (const std::size_t b : buyers) {
    const Order& bid = bids[b];
    double bid_left_kwh = bid.quantity_kwh;
    while (bid_left_kwh > 0.0 && next_post < posts.size()) {
      const Order& offer = offers[posts[next_post]];
      if (offer.limit_price_per_kwh > bid.limit_price_per_kwh) break;
      const double quantity_kwh = std::min(bid_left_kwh, post_left_kwh);
      append_trade(result, bid, offer, quantity_kwh, offer.limit_price_per_kwh);
      bid_left_kwh -= quantity_kwh;
      post_left_kwh -= quantity_kwh;
      if (bid_left_kwh <= kQuantityTolerance_kwh) bid_left_kwh = 0.0;
      if (post_left_kwh <= kQuantityTolerance_kwh && ++next_post < posts.size()) {
        post_left_kwh = offers[posts[next_post]].quantity_kwh;
      }
    }
  }
  set_volume_weighted_price(result);
  return result;
}

ClearingResult PostedPrice::clear(const OrderBook& book, const grid::GridView* /*grid*/, Rng& /*rng*/) const {
  return clear_posted_price(book.bids, book.offers);
}

namespace {
const ClearingRuleRegistration kRegistration(std::string(PostedPrice::kName), [](const ClearingRuleParams&) {
  return std::make_unique<PostedPrice>();
});
}  // namespace

}  // namespace ebsim::market
