#pragma once
/** Proof of work as a block-event process (SPEC §5), its energy, and the stale-rate estimate.
 *
 * Why exponential: every hash is an independent lottery ticket with a tiny winning chance, so a
 * miner with share h of the network hash rate finds blocks as a Poisson process of rate h / T
 * (T: target block interval, which the difficulty keeps the whole network at). The process is
 * memoryless: when a new tip arrives, work on the old one is worthless and the delay to the
 * next block can be redrawn without changing its law. Difficulty is constant within a run.
 *
 * Units: seconds, hashes, hashes per second, joules.
 *
 * pow.cpp also registers the "pow" leader election (leader_election.hpp) built on these.
 */
#include <cstdint>

#include "models/core/rng.hpp"

namespace ebsim::p2p {

/** Delay until a miner with hash share `hash_share` of the network finds a block: Exponential
 * with mean block_interval_s / hash_share. +infinity (never) if hash_share <= 0.
 * REQUIRES: block_interval_s > 0. Draws exactly one rng value when hash_share > 0, none else. */
double next_block_delay_s(Rng& rng, double hash_share, double block_interval_s);

/** Proof-of-work energy parameters. */
struct PowParams {
  double network_hash_rate_hps = 1.0e12;  // hashes per second of all miners together
  double block_interval_s = 600.0;        // target interval T the difficulty maintains
  double joules_per_hash = 1.0e-10;       // efficiency of the mining hardware (J per hash)
};

/** Expected hashes to find one block at the difficulty that gives interval T:
 * network_hash_rate_hps * block_interval_s (the "work" of each block). */
double hashes_per_block(const PowParams& params);

/** Bitcoin-style difficulty of that target: hashes_per_block / 2^32. */
double bitcoin_difficulty(const PowParams& params);

/** Hashes spent to mine `blocks_mined` blocks (stale ones included: they cost the same):
 * hashes_per_block * blocks_mined. */
double consensus_hashes(const PowParams& params, std::uint64_t blocks_mined);

/** Energy of those hashes, joules: consensus_hashes * joules_per_hash. */
double consensus_energy_j(const PowParams& params, std::uint64_t blocks_mined);

/** Analytical stale (orphan) rate when a block takes `propagation_delay_s` (tau) to reach the
 * other miners and blocks come every `block_interval_s` (T): the chance that another block is
 * found within tau of it, 1 - exp(-tau / T). REQUIRES: block_interval_s > 0, tau >= 0. */
double stale_rate(double propagation_delay_s, double block_interval_s);

}  // namespace ebsim::p2p
