#include "models/p2p/contract_mode.hpp"

namespace ebsim::p2p {

ContractModeRegistry& ContractModeRegistry::instance() {
  static ContractModeRegistry registry;
  return registry;
}

void ContractModeRegistry::add(std::string name, Factory factory) { factories_[std::move(name)] = std::move(factory); }

std::unique_ptr<ContractMode> ContractModeRegistry::create(std::string_view name) const {
  const auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second();
}

std::vector<std::string> ContractModeRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

}  // namespace ebsim::p2p
