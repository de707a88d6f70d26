#pragma once
/** The zero-intelligence strategy ("zero_intelligence", trace code 1). */
#include "models/agents/strategies/strategy.hpp"

namespace ebsim::agents {

/** Zero-intelligence (Gode & Sunder 1993, constrained): a uniform draw in
 * [price_min, price_max] from the participant's own seeded stream, each order anew. */
class ZeroIntelligenceStrategy final : public BiddingStrategy {
 public:
  static constexpr std::string_view kName = "zero_intelligence";
  ZeroIntelligenceStrategy(double price_min_per_kwh, double price_max_per_kwh)
      : price_min_per_kwh_(price_min_per_kwh), price_max_per_kwh_(price_max_per_kwh) {}
  std::string_view name() const override { return kName; }
  double limit_price_per_kwh(market::Side, double, const PriceContext&, Rng& rng) const override {
    return rng.uniform(price_min_per_kwh_, price_max_per_kwh_);
  }

 private:
  double price_min_per_kwh_;
  double price_max_per_kwh_;
};

}  // namespace ebsim::agents
