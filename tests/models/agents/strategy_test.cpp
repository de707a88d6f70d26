#include "models/agents/strategies/strategy.hpp"

#include "models/agents/strategies/truthful.hpp"
#include "models/agents/strategies/zero_intelligence.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "models/core/rng.hpp"

namespace ebsim::agents {
namespace {

using market::Side;

PriceContext prices() {
  PriceContext p;
  p.retail_per_kwh = 0.32;
  p.feed_in_per_kwh = 0.08;
  return p;
}

TEST(StrategyTruthful, BuysAtRetailAndSellsAtFeedIn) {
  const TruthfulStrategy s;
  Rng rng(1, "strategy");
  EXPECT_EQ(s.name(), "truthful");
  // The outside option of a buyer is the retail tariff, of a seller the feed-in tariff.
  EXPECT_EQ(s.limit_price_per_kwh(Side::kBuy, 1.5, prices(), rng), 0.32);
  EXPECT_EQ(s.limit_price_per_kwh(Side::kSell, 1.5, prices(), rng), 0.08);
  // Quantity does not matter.
  EXPECT_EQ(s.limit_price_per_kwh(Side::kBuy, 0.001, prices(), rng), 0.32);
  EXPECT_EQ(s.limit_price_per_kwh(Side::kSell, 100.0, prices(), rng), 0.08);
}

TEST(StrategyTruthful, DoesNotDrawFromTheRng) {
  // Deterministic strategies must leave the participant's stream alone, so switching
  // strategy never shifts the bid-time draws.
  const TruthfulStrategy s;
  Rng used(5, "strategy"), fresh(5, "strategy");
  for (int i = 0; i < 10; ++i) s.limit_price_per_kwh(i % 2 ? Side::kBuy : Side::kSell, 1.0, prices(), used);
  EXPECT_EQ(used.next_u64(), fresh.next_u64());
}

TEST(StrategyZeroIntelligence, DrawsWithinRange) {
  const ZeroIntelligenceStrategy s(0.05, 0.35);
  EXPECT_EQ(s.name(), "zero_intelligence");
  Rng rng(11, "strategy", 3);
  double lo = 1e9, hi = -1e9;
  for (int i = 0; i < 100000; ++i) {
    const double p = s.limit_price_per_kwh(i % 2 ? Side::kBuy : Side::kSell, 1.0, prices(), rng);
    ASSERT_GE(p, 0.05);
    ASSERT_LE(p, 0.35);
    lo = std::min(lo, p);
    hi = std::max(hi, p);
  }
  // 100 000 uniform draws come within 0.3 * 1e-3 of each end with probability
  // 1 - (1 - 1e-3)^100000 ~ 1 - e^-100: the draws really span the range.
  EXPECT_LT(lo, 0.05 + 3e-4);
  EXPECT_GT(hi, 0.35 - 3e-4);
}

TEST(StrategyZeroIntelligence, DeterministicForASeededRng) {
  const ZeroIntelligenceStrategy s(0.0, 1.0);
  Rng a(42, "strategy", 9), b(42, "strategy", 9), c(43, "strategy", 9);
  std::vector<double> xa, xc;
  for (int i = 0; i < 50; ++i) {
    xa.push_back(s.limit_price_per_kwh(Side::kBuy, 1.0, prices(), a));
    EXPECT_EQ(xa.back(), s.limit_price_per_kwh(Side::kBuy, 1.0, prices(), b)) << "draw " << i;
    xc.push_back(s.limit_price_per_kwh(Side::kBuy, 1.0, prices(), c));
  }
  EXPECT_NE(xa, xc) << "another seed must give another sequence";
  // Each order is drawn anew: consecutive draws differ.
  EXPECT_NE(xa[0], xa[1]);
}

TEST(StrategyZeroIntelligence, MeanIsMidpoint) {
  // Uniform on [0.05, 0.35]: mean 0.20, standard deviation 0.30 / sqrt(12) = 0.0866.
  // Over n = 100 000 draws the mean has standard error 0.0866 / sqrt(1e5) = 2.74e-4; the
  // tolerance 1.4e-3 is 5 standard errors (a fair stream fails with probability ~6e-7, and
  // the stream is seeded, so the outcome is fixed). A draw from [min, (min+max)/2] only, or
  // any bias of the price towards one end by more than 0.5 % of the range, fails.
  const ZeroIntelligenceStrategy s(0.05, 0.35);
  Rng rng(2024, "strategy", 0);
  const int n = 100000;
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double p = s.limit_price_per_kwh(Side::kSell, 2.0, prices(), rng);
    sum += p;
    sum2 += p * p;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.20, 1.4e-3);
  // Variance (0.3)^2 / 12 = 0.0075; its standard error is ~0.0075 * sqrt(0.8 / n) = 2.1e-5.
  EXPECT_NEAR(sum2 / n - mean * mean, 0.0075, 1.5e-4);
}

TEST(StrategyRegistry, NamesTheTwoStrategiesWithTheirTraceCodes) {
  // The trace's /groups.strategy column: 0 truthful, 1 zero_intelligence (docs/trace-format.md).
  const StrategyRegistry& registry = StrategyRegistry::instance();
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"truthful", "zero_intelligence"}));
  ASSERT_NE(registry.find("truthful"), nullptr);
  ASSERT_NE(registry.find("zero_intelligence"), nullptr);
  EXPECT_EQ(registry.find("truthful")->trace_code, 0);
  EXPECT_EQ(registry.find("zero_intelligence")->trace_code, 1);
  EXPECT_EQ(registry.find("random"), nullptr);
}

TEST(StrategyRegistry, FactoriesBuildTheStrategyFromItsParameters) {
  StrategyParams params;
  params.price_min_per_kwh = 0.10;
  params.price_max_per_kwh = 0.10;  // a range of one price: every draw is 0.10
  const auto zi = StrategyRegistry::instance().find("zero_intelligence")->factory(params);
  const auto truthful = StrategyRegistry::instance().find("truthful")->factory(params);
  EXPECT_EQ(zi->name(), "zero_intelligence");
  EXPECT_EQ(truthful->name(), "truthful");
  Rng rng(1, "strategy", 0);
  EXPECT_DOUBLE_EQ(zi->limit_price_per_kwh(Side::kBuy, 1.0, prices(), rng), 0.10);
  EXPECT_DOUBLE_EQ(truthful->limit_price_per_kwh(Side::kBuy, 1.0, prices(), rng), prices().retail_per_kwh);
}

}  // namespace
}  // namespace ebsim::agents
