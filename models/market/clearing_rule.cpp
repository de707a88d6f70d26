#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

ClearingRuleRegistry& ClearingRuleRegistry::instance() {
  static ClearingRuleRegistry registry;
  return registry;
}

void ClearingRuleRegistry::add(std::string name, Factory factory) {
  factories_[std::move(name)] = std::move(factory);
}

std::unique_ptr<ClearingRule> ClearingRuleRegistry::create(std::string_view name) const {
  const auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second();
}

std::vector<std::string> ClearingRuleRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

}  // namespace ebsim::market
