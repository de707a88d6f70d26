#include "models/p2p/pow.hpp"

#include <cmath>
#include <limits>

namespace ebsim::p2p {

double next_block_delay_s(Rng& rng, double hash_share, double block_interval_s) {
  if (!(hash_share > 0.0)) return std::numeric_limits<double>::infinity();
  return rng.exponential(block_interval_s / hash_share);
}

double hashes_per_block(const PowParams& params) { return params.network_hash_rate_hps * params.block_interval_s; }

double bitcoin_difficulty(const PowParams& params) { return hashes_per_block(params) / 4294967296.0; }

double consensus_hashes(const PowParams& params, std::uint64_t blocks_mined) {
  return hashes_per_block(params) * static_cast<double>(blocks_mined);
}

double consensus_energy_j(const PowParams& params, std::uint64_t blocks_mined) {
  return consensus_hashes(params, blocks_mined) * params.joules_per_hash;
}

double stale_rate(double propagation_delay_s, double block_interval_s) {
  // -expm1 keeps precision when tau << T (the usual case: seconds against minutes).
  return -std::expm1(-propagation_delay_s / block_interval_s);
}

}  // namespace ebsim::p2p
