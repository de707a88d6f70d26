#include "models/p2p/pos.hpp"

#include <cmath>

#include "models/core/rng.hpp"

namespace ebsim::p2p {

std::optional<std::size_t> pos_slot_leader(std::span<const double> stakes, std::uint64_t seed, std::uint64_t slot) {
  double total = 0.0;
  for (double stake : stakes) total += stake > 0.0 ? stake : 0.0;
  if (!(total > 0.0)) return std::nullopt;
  Rng rng(seed, "p2p/pos_slot", slot);
  const double target = rng.uniform() * total;
  double cumulative = 0.0;
  std::optional<std::size_t> last_positive;
  for (std::size_t i = 0; i < stakes.size(); ++i) {
    if (!(stakes[i] > 0.0)) continue;
    cumulative += stakes[i];
    last_positive = i;
    if (target < cumulative) return i;
  }
  return last_positive;  // rounding: target can land on the total itself
}

std::uint64_t slot_at(double t_s, double slot_s) { return static_cast<std::uint64_t>(std::floor(t_s / slot_s)); }

}  // namespace ebsim::p2p
