#pragma once
/** The security check a management node runs on a proposal's trades for its own area
 * (security-constrained clearing among management nodes, seed 003 Fig. 5): pure functions of the
 * grid, the areas and the trades. */
#include <cstdint>
#include <vector>

#include "models/consensus/consortium_messages.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/clearing_rule.hpp"

namespace ebsim::consensus {

/** The overloads that management node `area` objects to: on a bus-branch grid, branches over
 * their rating that touch a bus of one of its subjects or no subject's bus at all (every node
 * watches those); on a zonal grid, the congested tie-lines touching one of its subjects' zones or
 * no subject's zone. `participant_area[i]` is participant i's management node. */
std::vector<VoteBody::Objection> check_area_flows(const grid::GridView& grid,
                                                  const std::vector<std::uint32_t>& participant_area,
                                                  std::uint32_t area, const std::vector<market::Trade>& trades);

}  // namespace ebsim::consensus
