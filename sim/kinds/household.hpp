#pragma once
/** The "prosumer" and "consumer" kinds' part of a group (sim/kinds/prosumer.cpp), visible to tests. */
#include "sim/participant_kind.hpp"

namespace ebsim::sim {

/** A household group as the scenario describes it. */
struct HouseholdSpec final : KindSpec {
  ProfileSpec load;
  ProfileSpec pv;        // kind == kNone for consumers
  BatterySpec battery;   // present == false for consumers; `share` of the members have one

  Member make_member(const MemberContext& ctx, agents::AgentParams agent) const override;
};

}  // namespace ebsim::sim
