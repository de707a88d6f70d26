#include "models/market/fixed_price.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ebsim::market {

ClearingResult clear_fixed_price(std::span<const Order> bids, std::span<const Order> offers, double price_per_kwh) {
  // Rule step 1: keep only the orders that accept p, in priority order (removal keeps the order).
  std::vector<std::size_t> bid_priority = price_time_order(bids, Side::kBuy);
  std::erase_if(bid_priority, [&](std::size_t b) { return !(bids[b].limit_price_per_kwh >= price_per_kwh); });
  std::vector<std::size_t> offer_priority = price_time_order(offers, Side::kSell);
  std::erase_if(offer_priority, [&](std::size_t o) { return !(offers[o].limit_price_per_kwh <= price_per_kwh); });

  ClearingResult result;
  for (const WalkMatch& m : merge_walk(bids, bid_priority, offers, offer_priority)) {
    append_trade(result, bids[m.bid], offers[m.offer], m.quantity_kwh, price_per_kwh);
  }
  if (!result.trades.empty()) {
    result.has_price = true;
    result.clearing_price_per_kwh = price_per_kwh;
  }
  return result;
}

FixedPrice::FixedPrice(double price_per_kwh) : price_per_kwh_(price_per_kwh) {
  if (!std::isfinite(price_per_kwh)) throw std::invalid_argument("fixed_price: the price must be finite");
}

ClearingResult FixedPrice::clear(const OrderBook& book, const grid::GridView* /*grid*/, Rng& /*rng*/) const {
  return clear_fixed_price(book.bids, book.offers, price_per_kwh_);
}

namespace {
const ClearingRuleRegistration kRegistration(std::string(FixedPrice::kName), [](const ClearingRuleParams& params) {
  if (!params.fixed_price_per_kwh) {
    throw std::invalid_argument("fixed_price needs ClearingRuleParams::fixed_price_per_kwh (market.fixed_price)");
  }
  return std::make_unique<FixedPrice>(*params.fixed_price_per_kwh);
});
}  // namespace

}  // namespace ebsim::market
