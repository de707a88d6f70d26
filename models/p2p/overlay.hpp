#pragma once
/** The peer-to-peer overlay (SPEC §2.2): a connected random graph drawn from the seed.
 *
 * THE DRAW (Bitcoin-like outbound connections): node i, in order 0..n-1, picks k distinct peers
 * other than itself uniformly from stream (seed, "p2p/overlay", i); every link is undirected
 * (a connection carries traffic both ways), duplicates merge. So each node has degree >= k
 * (>= n-1 when k >= n-1: the complete graph). If the draw is not connected (possible for small
 * k), the components (found with Boost.Graph, numbered by their lowest node) are chained:
 * the lowest node of component c+1 is linked to the lowest node of component c. Deterministic.
 */
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/core/ids.hpp"

namespace ebsim::p2p {

/** Peer lists of nodes 0..n-1 (indexes, not NodeIds), each sorted ascending, symmetric. */
using Overlay = std::vector<std::vector<std::uint32_t>>;

/** The overlay of the file comment. n = 0 gives an empty overlay, n = 1 one node without peers. */
Overlay random_overlay(std::size_t n, std::size_t k, std::uint64_t seed);

/** True if every node can reach every other (Boost.Graph connected components). */
bool is_connected(const Overlay& overlay);

/** Hops from `source` to every node (breadth first); unreachable: SIZE_MAX. */
std::vector<std::size_t> hop_distances(const Overlay& overlay, std::uint32_t source);

}  // namespace ebsim::p2p
