#include "models/consensus/agreement.hpp"

#include <utility>

namespace ebsim::consensus {

AgreementProtocolRegistry& AgreementProtocolRegistry::instance() {
  static AgreementProtocolRegistry registry;
  return registry;
}

void AgreementProtocolRegistry::add(std::string name, Factory factory) { factories_[std::move(name)] = std::move(factory); }

std::unique_ptr<AgreementProtocol> AgreementProtocolRegistry::create(std::string_view name, AgreementHost& host) const {
  const auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second(host);
}

std::vector<std::string> AgreementProtocolRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

}  // namespace ebsim::consensus
