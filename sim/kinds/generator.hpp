#pragma once
/** The "generator" kind's part of a group (sim/kinds/generator.cpp), visible to tests. */
#include <string>

#include "sim/participant_kind.hpp"

namespace ebsim::sim {

/** A plant group as the scenario describes it. */
struct PlantSpec final : KindSpec {
  std::string technology;             // wind, pv_farm, hydro, thermal
  double capacity_kw = 0.0;           // nameplate power
  ProfileSpec output;                 // available power; kNone: the capacity at all times
  double marginal_cost_per_kwh = 0.0; // its offer price
  bool dispatchable = true;           // produces only what it sold (false: must run)

  Member make_member(const MemberContext& ctx, agents::AgentParams agent) const override;
};

}  // namespace ebsim::sim
