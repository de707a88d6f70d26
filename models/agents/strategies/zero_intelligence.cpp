#include "models/agents/strategies/zero_intelligence.hpp"

namespace ebsim::agents {
namespace {
const StrategyRegistration kRegistration{std::string(ZeroIntelligenceStrategy::kName), 1, [](const StrategyParams& p) {
                                           return std::make_shared<const ZeroIntelligenceStrategy>(
                                               p.price_min_per_kwh, p.price_max_per_kwh);
                                         }};
}  // namespace
}  // namespace ebsim::agents
