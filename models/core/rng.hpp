#pragma once
/** Deterministic random streams derived from the scenario seed.
 *
 * Why not std::uniform_real_distribution: its output is implementation-defined,
 * so traces would differ between standard libraries. Every draw here is defined
 * bit for bit by this file (SplitMix64 seeding, xoshiro256** generator).
 * Streams are named ("load/prosumers", "strategy") and indexed (participant id),
 * so adding a participant or a new random purpose never shifts other streams.
 */
#include <array>
#include <cstdint>
#include <string_view>

namespace ebsim {

class Rng {
 public:
  /** A stream identified by (seed, name, index). */
  Rng(std::uint64_t seed, std::string_view stream_name, std::uint64_t index = 0);

  /** Next raw 64-bit value. */
  std::uint64_t next_u64();
  /** Uniform in [0, 1) with 53 random bits. */
  double uniform();
  /** Uniform in [lo, hi). REQUIRES: lo <= hi. */
  double uniform(double lo, double hi);
  /** Uniform integer in [0, n). REQUIRES: n > 0. */
  std::uint64_t below(std::uint64_t n);
  /** Standard normal (Box-Muller, one value per call, deterministic). */
  double normal();
  /** Exponential with the given mean. */
  double exponential(double mean);

 private:
  std::array<std::uint64_t, 4> s_{};
};

/** 64-bit FNV-1a of a string: stable stream-name hashing. */
std::uint64_t fnv1a64(std::string_view text);

}  // namespace ebsim
