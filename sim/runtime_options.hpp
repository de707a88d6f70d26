#pragma once
/** How the runtime hosts nodes on SimGrid (sim/runtime.hpp), in a header without SimGrid so that
 * the scenario can take its defaults from here. */
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ebsim::sim {

/** The runtime's parameters. */
struct RuntimeOptions {
  std::uint64_t seed = 1;                // of the nodes' random streams
  std::size_t max_parallel_sends = 16;   // messages one node keeps on the wire at once; more wait in its queue
  double uncontended_bytes = 0.0;        // messages up to this size skip bandwidth sharing (0: none do)
  bool progress = false;                 // progress bar on stderr (after 1 s of wall time)
  double progress_end_s = 0.0;           // simulated time the bar counts to
  std::vector<std::string> role_names{"node"};  // kinds of node, for traffic by link (role 0 by default)
};

}  // namespace ebsim::sim
