#pragma once
/** The participants of a run: every group's members built by their kind (sim/participant_kind.hpp)
 * as runtime nodes 0..N-1 in scenario group order (node id == participant id), with their rows
 * in /groups, /participants and /orders. */
#include <vector>

#include "models/agents/market_agent.hpp"
#include "models/market/timing.hpp"
#include "sim/market_design.hpp"

namespace ebsim::sim {

/** Build and add every participant; the design configures each (where orders go) before it is built. */
std::vector<agents::MarketAgent*> add_participants(const Scenario& sc, const market::MarketTiming& timing,
                                                   DesignRun& design, Runtime& runtime, const Platform& platform,
                                                   trace::TraceWriter& writer);

}  // namespace ebsim::sim
