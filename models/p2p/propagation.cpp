#include "models/p2p/propagation.hpp"

#include <algorithm>
#include <cmath>

namespace ebsim::p2p {

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nan("");
  const double pos = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

PropagationStats propagation_stats(const BlockArrivals& a) {
  PropagationStats s;
  s.nodes_reached = static_cast<std::uint32_t>(a.delays_s.size() + 1);
  std::vector<double> sorted = a.delays_s;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0.0;
  for (double d : sorted) sum += d;
  s.mean_s = sorted.empty() ? std::nan("") : sum / static_cast<double>(sorted.size());
  s.miners_mean_s = a.miners == 0 ? std::nan("") : a.miner_delay_sum_s / static_cast<double>(a.miners);
  s.p50_s = percentile(sorted, 0.5);
  s.p90_s = percentile(sorted, 0.9);
  s.max_s = sorted.empty() ? std::nan("") : sorted.back();
  return s;
}

}  // namespace ebsim::p2p
