#include "models/consensus/management_common.hpp"

#include <stdexcept>
#include <utility>

namespace ebsim::consensus {

ManagementCommon::ManagementCommon(ManagementNodeParams params)
    : p_(std::move(params)), count_(static_cast<std::uint32_t>(p_.management_nodes.size())) {
  if (p_.suite == nullptr) throw std::invalid_argument("ManagementNode: a crypto suite is required");
  if (p_.directory == nullptr) throw std::invalid_argument("ManagementNode: a ledger directory is required");
  if (p_.rotation_order.size() != count_) throw std::invalid_argument("ManagementNode: rotation_order must list every management node");
  rotation_pos_.assign(count_, 0);
  for (std::size_t i = 0; i < p_.rotation_order.size(); ++i) rotation_pos_.at(p_.rotation_order[i]) = i;
  for (ParticipantId i = 0; i < p_.participant_area.size(); ++i)
    if (p_.participant_area[i] == p_.index) subjects_.push_back(i);
  costs_ = &ledger::crypto_costs(p_.suite->id());
}

bool ManagementCommon::byzantine_now(double t, ByzantineFault::Behaviour* behaviour) const {
  for (const ByzantineFault& f : p_.byzantine) {
    if (f.node == p_.index && t >= f.from_s && t < f.until_s) {
      *behaviour = f.behaviour;
      return true;
    }
  }
  return false;
}

bool ManagementCommon::misreporting_now(double t) const {
  for (const MisreportFault& f : p_.misreports)
    if (f.node == p_.index && t >= f.from_s && t < f.until_s) return true;
  return false;
}

std::string ManagementCommon::label(IntervalIndex k) const {
  return p_.interval_label ? p_.interval_label(k) : "interval " + std::to_string(k);
}

}  // namespace ebsim::consensus
