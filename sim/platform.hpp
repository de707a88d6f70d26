#pragma once
/** The SimGrid platform, built in code from the scenario (no XML).
 *
 * Centralized design: a star. Every participant host has its own access link
 * (scenario latency and bandwidth); the exchange reaches the star's centre over
 * its own access link and the shared backbone. A message from participant i to the
 * exchange crosses access_i, the backbone and the exchange link, sharing bandwidth
 * max-min fairly with the other flows on each (CM02), so contention is modelled.
 *
 * Consortium design: one star zone per area (the management node and the participants it
 * admitted, each on its own access link; the management node is the area's gateway), inside a
 * full zone in which every pair of management nodes has its own mesh link (SPEC §4: fully
 * meshed trading centres). A participant reaches its node over its access link and the node's
 * access link; traffic between areas crosses the two gateways' mesh link.
 *
 * Peer-to-peer design: a star. Every participant host (where its full node runs, next to its
 * own agent) and every miner host has its own access link; a message between two peers crosses
 * the sender's and the receiver's access links, so the overlay's latency and bandwidth are
 * those of the hosts' links, shared max-min fairly by the gossip flows.
 */
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "sim/scenario.hpp"

namespace ebsim::sim {

struct Platform {
  simgrid::s4u::Host* control = nullptr;   // runs the runtime's actors; never carries traffic
  simgrid::s4u::Host* exchange = nullptr;        // centralized design
  std::vector<simgrid::s4u::Host*> management_nodes;  // consortium design, scenario order
  std::vector<simgrid::s4u::Host*> participants;  // index = participant id
  std::vector<simgrid::s4u::Host*> miners;        // p2p design: extra miner nodes, scenario order
  std::string network_model;
};

/** Set the engine options a run depends on (network model, actor contexts). Call before
 * build_platform and before any actor exists. */
void configure_engine(const Scenario& scenario);

/** Create hosts, links and routes for the scenario (its design's builder, by the registry). */
Platform build_platform(const Scenario& scenario);
/** The centralized design's star. */
Platform build_centralized_platform(const Scenario& scenario);
/** The consortium design's areas and mesh. */
Platform build_consortium_platform(const Scenario& scenario);
/** The peer-to-peer design's star of full nodes and miners. */
Platform build_p2p_platform(const Scenario& scenario);

}  // namespace ebsim::sim
