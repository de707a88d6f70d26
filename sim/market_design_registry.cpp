#include "sim/market_design_registry.hpp"

#include <stdexcept>

#include "sim/market_design.hpp"

namespace ebsim::sim {

MarketDesignRegistry& MarketDesignRegistry::instance() {
  static MarketDesignRegistry registry;
  return registry;
}

void MarketDesignRegistry::add(std::string name, MarketDesignEntry entry) {
  if (!entries_.emplace(name, entry).second) throw std::logic_error("market design '" + name + "' registered twice");
}

const MarketDesignEntry& MarketDesignRegistry::at(std::string_view name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw std::logic_error("unknown market design '" + std::string(name) + "'");
  return it->second;
}

std::vector<std::string> MarketDesignRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : entries_) out.push_back(name);
  return out;
}

std::unique_ptr<DesignRun> make_market_design(const Scenario& scenario) {
  return MarketDesignRegistry::instance().at(scenario.market.design).make_run(scenario);
}

}  // namespace ebsim::sim
