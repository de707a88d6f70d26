#pragma once
/** Bidding strategies: how a participant prices an order it has decided to place. */
#include <memory>
#include <string_view>

#include "models/core/rng.hpp"
#include "models/market/order.hpp"

namespace ebsim::agents {

/** What a strategy knows about the outside option (the utility). */
struct PriceContext {
  double retail_per_kwh = 0.0;   // the utility sells at this price
  double feed_in_per_kwh = 0.0;  // the utility buys at this price
};

class BiddingStrategy {
 public:
  virtual ~BiddingStrategy() = default;
  virtual std::string_view name() const = 0;
  /** Limit price for an order of `quantity_kwh` on `side`. */
  virtual double limit_price_per_kwh(market::Side side, double quantity_kwh, const PriceContext& prices,
                                     Rng& rng) const = 0;
};

/** Truthful price-taker: bids its true outside option. A buyer would otherwise pay the
 * retail tariff, so it bids that; a seller would otherwise get the feed-in tariff. */
class TruthfulStrategy final : public BiddingStrategy {
 public:
  std::string_view name() const override { return "truthful"; }
  double limit_price_per_kwh(market::Side side, double, const PriceContext& prices, Rng&) const override {
    return side == market::Side::kBuy ? prices.retail_per_kwh : prices.feed_in_per_kwh;
  }
};

/** Zero-intelligence (Gode & Sunder 1993, constrained): a uniform draw in
 * [price_min, price_max] from the participant's own seeded stream, each order anew. */
class ZeroIntelligenceStrategy final : public BiddingStrategy {
 public:
  ZeroIntelligenceStrategy(double price_min_per_kwh, double price_max_per_kwh)
      : price_min_per_kwh_(price_min_per_kwh), price_max_per_kwh_(price_max_per_kwh) {}
  std::string_view name() const override { return "zero_intelligence"; }
  double limit_price_per_kwh(market::Side, double, const PriceContext&, Rng& rng) const override {
    return rng.uniform(price_min_per_kwh_, price_max_per_kwh_);
  }

 private:
  double price_min_per_kwh_;
  double price_max_per_kwh_;
};

}  // namespace ebsim::agents
