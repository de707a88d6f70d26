#include "models/p2p/leader_election.hpp"

namespace ebsim::p2p {

LeaderElectionRegistry& LeaderElectionRegistry::instance() {
  static LeaderElectionRegistry registry;
  return registry;
}

void LeaderElectionRegistry::add(std::string name, Factory factory) { factories_[std::move(name)] = std::move(factory); }

std::unique_ptr<LeaderElection> LeaderElectionRegistry::create(std::string_view name,
                                                               const LeaderElectionParams& params) const {
  const auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second(params);
}

std::vector<std::string> LeaderElectionRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

}  // namespace ebsim::p2p
