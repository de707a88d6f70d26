#include "models/p2p/overlay.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <limits>
#include <set>

#include "models/core/rng.hpp"

namespace ebsim::p2p {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

Graph to_graph(const Overlay& overlay) {
  Graph g(overlay.size());
  for (std::size_t i = 0; i < overlay.size(); ++i) {
    for (std::uint32_t j : overlay[i]) {
      if (i < j) boost::add_edge(i, j, g);
    }
  }
  return g;
}

/** Component number of each node, components numbered by their lowest node (Boost numbers them
 * in vertex order of discovery, which for vecS is already this; renumbered to be explicit). */
std::vector<std::size_t> components(const Overlay& overlay, std::size_t& count) {
  const Graph g = to_graph(overlay);
  std::vector<int> raw(overlay.size());
  count = overlay.empty() ? 0 : static_cast<std::size_t>(boost::connected_components(g, raw.data()));
  std::vector<std::size_t> renumber(count, std::numeric_limits<std::size_t>::max());
  std::vector<std::size_t> out(overlay.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < overlay.size(); ++i) {
    auto& r = renumber[static_cast<std::size_t>(raw[i])];
    if (r == std::numeric_limits<std::size_t>::max()) r = next++;
    out[i] = r;
  }
  return out;
}

}  // namespace

Overlay random_overlay(std::size_t n, std::size_t k, std::uint64_t seed) {
  std::vector<std::set<std::uint32_t>> peers(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t want = std::min(k, n - 1);
    Rng rng(seed, "p2p/overlay", i);
    std::set<std::uint32_t> chosen;
    // Rejection sampling of distinct peers: cheap when k << n; when k is close to n it still
    // ends (each draw succeeds with probability >= 1/n).
    while (chosen.size() < want) {
      const auto j = static_cast<std::uint32_t>(rng.below(n));
      if (j != i) chosen.insert(j);
    }
    for (std::uint32_t j : chosen) {
      peers[i].insert(j);
      peers[j].insert(static_cast<std::uint32_t>(i));
    }
  }
  Overlay overlay(n);
  for (std::size_t i = 0; i < n; ++i) overlay[i].assign(peers[i].begin(), peers[i].end());

  std::size_t count = 0;
  const std::vector<std::size_t> component = components(overlay, count);
  if (count > 1) {
    std::vector<std::uint32_t> lowest(count, std::numeric_limits<std::uint32_t>::max());
    for (std::size_t i = 0; i < n; ++i) {
      lowest[component[i]] = std::min(lowest[component[i]], static_cast<std::uint32_t>(i));
    }
    for (std::size_t c = 1; c < count; ++c) {
      peers[lowest[c]].insert(lowest[c - 1]);
      peers[lowest[c - 1]].insert(lowest[c]);
    }
    for (std::size_t i = 0; i < n; ++i) overlay[i].assign(peers[i].begin(), peers[i].end());
  }
  return overlay;
}

bool is_connected(const Overlay& overlay) {
  std::size_t count = 0;
  components(overlay, count);
  return count <= 1;
}

std::vector<std::size_t> hop_distances(const Overlay& overlay, std::uint32_t source) {
  std::vector<std::size_t> hops(overlay.size(), std::numeric_limits<std::size_t>::max());
  if (source >= overlay.size()) return hops;
  const Graph g = to_graph(overlay);
  hops[source] = 0;
  boost::breadth_first_search(
      g, source, boost::visitor(boost::make_bfs_visitor(boost::record_distances(hops.data(), boost::on_tree_edge()))));
  return hops;
}

}  // namespace ebsim::p2p
