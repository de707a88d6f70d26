#pragma once
/** The truthful strategy ("truthful", trace code 0). */
#include "models/agents/strategies/strategy.hpp"

namespace ebsim::agents {

/** Truthful price-taker: bids its true outside option. A buyer would otherwise pay the
 * retail tariff, so it bids that; a seller would otherwise get the feed-in tariff. */
class TruthfulStrategy final : public BiddingStrategy {
 public:
  static constexpr std::string_view kName = "truthful";
  std::string_view name() const override { return kName; }
  double limit_price_per_kwh(market::Side side, double, const PriceContext& prices, Rng&) const override {
    return side == market::Side::kBuy ? prices.retail_per_kwh : prices.feed_in_per_kwh;
  }
};

}  // namespace ebsim::agents
