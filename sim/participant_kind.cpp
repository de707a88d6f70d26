#include "sim/participant_kind.hpp"

#include <stdexcept>

namespace ebsim::sim {

ParticipantKindRegistry& ParticipantKindRegistry::instance() {
  static ParticipantKindRegistry registry;
  return registry;
}

void ParticipantKindRegistry::add(std::unique_ptr<ParticipantKind> kind) {
  const std::string name(kind->name());
  if (!kinds_.emplace(name, std::move(kind)).second) {
    throw std::logic_error("participant kind '" + name + "' registered twice");
  }
}

const ParticipantKind* ParticipantKindRegistry::find(std::string_view name) const {
  const auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ParticipantKindRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, kind] : kinds_) names.push_back(name);
  return names;
}

std::map<std::string_view, std::vector<std::string_view>> ParticipantKindRegistry::kind_keys() const {
  std::map<std::string_view, std::vector<std::string_view>> keys;
  for (const auto& [name, kind] : kinds_) {
    for (std::string_view key : kind->keys()) keys[key].push_back(kind->name());
    if (kind->uses_strategy()) keys["strategy"].push_back(kind->name());
  }
  return keys;
}

}  // namespace ebsim::sim
