#pragma once
/** Selfish mining (Eyal and Sirer 2014, "Majority is not enough"), as a pure Monte Carlo of
 * their state machine, and their closed form for the pool's relative revenue.
 *
 * THE STATE MACHINE (Eyal–Sirer Algorithm 1; one step = one block found, the pool's with
 * probability alpha). State = the pool's private lead; 0' = two public branches of length 1
 * racing (after the pool revealed its only block when the honest network found one). Revenue
 * is counted when it is decided:
 *   0:  pool finds  -> 1                 | others find -> 0, others +1
 *   1:  pool finds  -> 2                 | others find -> 0' (pool reveals its block)
 *   0': pool finds  -> 0, pool +2        | others on the pool's branch (share gamma) -> 0, pool +1,
 *                                          others +1; others on their own branch -> 0, others +2
 *   2:  pool finds  -> 3                 | others find -> 0, pool +2 (it reveals both and wins)
 *   n >= 3: pool finds -> n+1            | others find -> n-1, pool +1 (it reveals one block)
 * gamma is the share of honest miners that mine on the pool's block during a race (0: none,
 * 1: all; it stands for how much faster the pool's block propagates).
 */
#include <cstdint>

namespace ebsim::p2p {

/** Eyal–Sirer closed form of the pool's relative revenue:
 * [a(1-a)^2(4a + g(1-2a)) - a^3] / [1 - a(1 + (2-a)a)]. REQUIRES: 0 <= alpha < 1/2, 0 <= gamma <= 1. */
double selfish_revenue_closed_form(double alpha, double gamma);

struct SelfishMiningParams {
  double alpha = 0.3;              // the selfish pool's share of the hash rate
  double gamma = 0.0;              // share of honest miners that mine on the pool's branch in a race
  std::uint64_t steps = 1000000;   // blocks found (state-machine steps)
  std::uint64_t batches = 100;     // for the batch-means standard error (steps / batches per batch)
  std::uint64_t seed = 1;          // stream (seed, "p2p/selfish", 0)
};

struct SelfishMiningResult {
  std::uint64_t pool_blocks = 0;     // pool blocks that ended in the main chain (decided ones)
  std::uint64_t honest_blocks = 0;   // others' blocks that ended in the main chain
  double relative_revenue = 0.0;     // pool_blocks / (pool_blocks + honest_blocks)
  double standard_error = 0.0;       // batch means: sd of the batches' revenue / sqrt(batches)
};

/** Run the state machine above for `steps` blocks. Blocks still private at the end (the lead)
 * are not counted. Deterministic for a given seed. REQUIRES: batches >= 2, steps >= batches. */
SelfishMiningResult simulate_selfish_mining(const SelfishMiningParams& params);

}  // namespace ebsim::p2p
