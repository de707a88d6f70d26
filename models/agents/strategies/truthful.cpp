#include "models/agents/strategies/truthful.hpp"

namespace ebsim::agents {
namespace {
const StrategyRegistration kRegistration{std::string(TruthfulStrategy::kName), 0, [](const StrategyParams&) {
                                           return std::make_shared<const TruthfulStrategy>();
                                         }};
}  // namespace
}  // namespace ebsim::agents
