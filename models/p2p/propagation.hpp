#pragma once
/** How far and how fast each block spread (the p2p_blocks trace table, docs/p2p.md): per block,
 * the delay from its making to its acceptance at every other node. */
#include <cstdint>
#include <vector>

namespace ebsim::p2p {

/** Where one block arrived, gathered from the nodes' block_accepted signals. */
struct BlockArrivals {
  std::vector<double> delays_s;    // per node other than the maker that accepted the block
  double miner_delay_sum_s = 0.0;  // over the other miners
  std::uint32_t miners = 0;        // other miners that accepted it
};

/** Summary of one block's arrivals; NaN where there is nothing to summarise. */
struct PropagationStats {
  std::uint32_t nodes_reached = 0;  // the maker and every node that accepted it
  double mean_s = 0.0;              // over the other nodes
  double miners_mean_s = 0.0;       // over the other miners (tau of the stale-rate model)
  double p50_s = 0.0;               // median delay
  double p90_s = 0.0;               // 90th percentile delay
  double max_s = 0.0;               // slowest node
};

/** Percentile p in [0, 1] of sorted values (rank p x (n - 1), linear interpolation); NaN if empty. */
double percentile(const std::vector<double>& sorted, double p);

/** The summary of `arrivals`. */
PropagationStats propagation_stats(const BlockArrivals& arrivals);

}  // namespace ebsim::p2p
