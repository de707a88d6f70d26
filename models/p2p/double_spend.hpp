#pragma once
/** Double-spend attacks on a proof-of-work chain (SPEC §5; seed 003 formula 1; Nakamoto 2008
 * §11; Rosenfeld 2014, "Analysis of hashrate-based double-spending").
 *
 * THE RACE. The honest network holds hash share p, the attacker q = 1 - p. When the payment
 * is broadcast, the attacker starts a private branch from the block before the one that will
 * hold the payment (so the payment's block is the merchant's first confirmation). Let H be the
 * honest blocks and A the attacker's blocks mined since then. The merchant hands over the goods
 * when H = z. The attacker keeps mining and releases its branch when it is long enough.
 *
 * SUCCESS CONVENTION (the one both Nakamoto's and Rosenfeld's sums use): the attack succeeds
 * iff at some moment H >= z and A >= H. Read it either as "the attacker catches up"
 * (Nakamoto's gambler's ruin: a deficit of k blocks is ever made up with probability
 * (q/p)^k), or as Rosenfeld's "strictly longer, with one block pre-mined before the payment":
 * A + 1 > H is the same event. With z = 0 it succeeds at once (probability 1).
 *
 * NAKAMOTO vs EXACT. While the honest chain mines its z blocks the attacker mines m blocks.
 * Exactly, m is negative-binomial: P(m) = C(m+z-1, m) p^z q^m (attacker successes before the
 * z-th honest one in the Bernoulli sequence of who finds the next block). Nakamoto takes m as
 * Poisson with mean z q/p, i.e. he assumes the honest blocks took exactly their expected time.
 * Both then add the catch-up probability (q/p)^(z-m) (1 for m >= z). Rosenfeld's sum is the
 * exact value of the race; Nakamoto's is an approximation that is low for z >= 2 at q = 0.1
 * (e.g. z = 6: exact 0.000591, Nakamoto 0.000243).
 */
#include <cstdint>

namespace ebsim::p2p {

/** Probability that an attacker ever makes up a deficit of z blocks: 1 if q >= p, else
 * (q/p)^z (gambler's ruin; seed 003 formula 1). REQUIRES: 0 <= q <= 1. */
double catch_up_probability(double q, std::uint32_t z);

/** Nakamoto's double-spend success probability after z confirmations (2008 §11: Poisson
 * weights with lambda = z q / p), computed as in his C listing. 1 if q >= p. REQUIRES: 0 <= q <= 1. */
double nakamoto_success_probability(double q, std::uint32_t z);

/** Rosenfeld's exact success probability after z confirmations:
 * 1 - sum_{m=0}^{z} C(m+z-1, m) (p^z q^m - q^z p^m) for z > 0; 1 for z = 0 or q >= p.
 * REQUIRES: 0 <= q <= 1. */
double rosenfeld_success_probability(double q, std::uint32_t z);

/** Smallest z whose Rosenfeld (exact = true) or Nakamoto (exact = false) probability is below
 * `threshold`, searching z = 0..max_z; returns max_z + 1 if none is. */
std::uint32_t confirmations_needed(double q, double threshold, bool exact, std::uint32_t max_z = 10000);

/** A binomial proportion's confidence interval. */
struct Interval {
  double low = 0.0;
  double high = 1.0;
};

/** Wilson score interval of `successes` in `trials` for the two-sided normal quantile
 * `z_score` (2.5758293035489 for 99 %). REQUIRES: trials > 0, successes <= trials. */
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z_score);

/** Two-sided 99 % normal quantile. */
inline constexpr double kZ99 = 2.5758293035489004;

/** One Monte Carlo experiment of the race above. */
struct DoubleSpendParams {
  double attacker_share = 0.1;       // q, the attacker's share of the hash rate (0 <= q <= 1)
  std::uint32_t confirmations = 6;   // z, blocks the merchant waits for
  std::uint64_t trials = 100000;     // independent races
  std::uint64_t seed = 1;            // stream (seed, "p2p/double_spend", 0)
  double block_interval_s = 600.0;   // T, network mean block interval (only scales the times)
  /** A race is counted as failed once the attacker is this many blocks behind after the
   * merchant's z confirmations. It would still catch up with probability (q/p)^max_deficit
   * (about 2e-15 at q = 0.3, 1e-38 at q = 0.1), the bias per trial. With q >= p the walk does
   * not drift away and the cut biases the estimate low (exact value 1): use it for q < 1/2. */
  std::uint32_t max_deficit = 40;
};

/** Measured against the formulas. */
struct DoubleSpendEstimate {
  std::uint64_t trials = 0;
  std::uint64_t successes = 0;
  double estimate = 0.0;        // successes / trials
  Interval interval_99;         // Wilson, 99 %
  double exact = 0.0;           // rosenfeld_success_probability(q, z)
  double nakamoto = 0.0;        // nakamoto_success_probability(q, z)
  double mean_success_time_s = 0.0;  // mean time from payment to the attacker's win (successful races)
};

/** Monte Carlo of the race, driven by the block-event process of the PoW model (pow.hpp): the
 * honest network and the attacker each draw the delay to their next block from
 * next_block_delay_s (exponential, rate share / T); the earlier one finds the block; both then
 * redraw (memoryless, as every miner does on a new tip). So each block is the attacker's with
 * probability q, independently: the Bernoulli sequence both formulas start from. Each trial
 * follows the success convention of this file's comment. Deterministic for a given seed. */
DoubleSpendEstimate simulate_double_spend(const DoubleSpendParams& params);

}  // namespace ebsim::p2p
