#include "models/agents/strategies/strategy.hpp"

#include <stdexcept>

namespace ebsim::agents {

StrategyRegistry& StrategyRegistry::instance() {
  static StrategyRegistry registry;
  return registry;
}

void StrategyRegistry::add(std::string name, Entry entry) {
  for (const auto& [other, e] : entries_) {
    if (e.trace_code == entry.trace_code) throw std::logic_error("strategy trace code taken by '" + other + "'");
  }
  if (!entries_.emplace(name, std::move(entry)).second) {
    throw std::logic_error("strategy '" + name + "' registered twice");
  }
}

const StrategyRegistry::Entry* StrategyRegistry::find(std::string_view name) const {
  const auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> StrategyRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : entries_) out.push_back(name);
  return out;
}

}  // namespace ebsim::agents
