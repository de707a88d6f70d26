#include "models/p2p/selfish_mining.hpp"

#include <cmath>
#include <vector>

#include "models/core/rng.hpp"

namespace ebsim::p2p {

double selfish_revenue_closed_form(double alpha, double gamma) {
  const double a = alpha;
  const double numerator = a * (1 - a) * (1 - a) * (4 * a + gamma * (1 - 2 * a)) - a * a * a;
  const double denominator = 1 - a * (1 + (2 - a) * a);
  return numerator / denominator;
}

SelfishMiningResult simulate_selfish_mining(const SelfishMiningParams& params) {
  Rng rng(params.seed, "p2p/selfish", 0);
  constexpr std::int64_t kRace = -1;  // state 0'
  std::int64_t lead = 0;
  const std::uint64_t per_batch = params.steps / params.batches;

  SelfishMiningResult out;
  std::vector<double> batch_revenue;
  std::uint64_t batch_pool = 0, batch_honest = 0;
  for (std::uint64_t step = 0; step < per_batch * params.batches; ++step) {
    std::uint64_t pool = 0, honest = 0;
    const bool pool_found = rng.uniform() < params.alpha;
    if (lead == kRace) {
      if (pool_found) {
        pool = 2;
      } else if (rng.uniform() < params.gamma) {
        pool = 1;
        honest = 1;
      } else {
        honest = 2;
      }
      lead = 0;
    } else if (pool_found) {
      ++lead;
    } else if (lead == 0) {
      honest = 1;
    } else if (lead == 1) {
      lead = kRace;
    } else if (lead == 2) {
      pool = 2;
      lead = 0;
    } else {
      pool = 1;
      --lead;
    }
    batch_pool += pool;
    batch_honest += honest;
    if ((step + 1) % per_batch == 0) {
      out.pool_blocks += batch_pool;
      out.honest_blocks += batch_honest;
      const std::uint64_t total = batch_pool + batch_honest;
      batch_revenue.push_back(total > 0 ? static_cast<double>(batch_pool) / static_cast<double>(total) : 0.0);
      batch_pool = batch_honest = 0;
    }
  }
  const std::uint64_t total = out.pool_blocks + out.honest_blocks;
  if (total > 0) out.relative_revenue = static_cast<double>(out.pool_blocks) / static_cast<double>(total);
  if (batch_revenue.size() >= 2) {
    double mean = 0.0;
    for (double r : batch_revenue) mean += r;
    mean /= static_cast<double>(batch_revenue.size());
    double ss = 0.0;
    for (double r : batch_revenue) ss += (r - mean) * (r - mean);
    const double n = static_cast<double>(batch_revenue.size());
    out.standard_error = std::sqrt(ss / (n - 1.0) / n);
  }
  return out;
}

}  // namespace ebsim::p2p
