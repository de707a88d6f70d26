// Proof of work (block times, energy, stale rate), proof of stake (slot leaders) and selfish mining
// (models/p2p/pow.hpp, pos.hpp, selfish_mining.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "models/core/rng.hpp"
#include "models/p2p/pos.hpp"
#include "models/p2p/pow.hpp"
#include "models/p2p/selfish_mining.hpp"

namespace ebsim::p2p {
namespace {

TEST(P2pPow, BlockDelayIsExponentialWithMeanIntervalOverShare) {
  // Mean of n exponentials with mean m: standard error m / sqrt(n); 4 standard errors of tolerance.
  Rng rng(7, "test/pow", 0);
  const int n = 200000;
  const double share = 0.25, interval_s = 600.0, mean_s = interval_s / share;
  double sum = 0.0, sum_sq = 0.0;
  for (int i = 0; i < n; ++i) {
    const double d = next_block_delay_s(rng, share, interval_s);
    sum += d;
    sum_sq += d * d;
  }
  EXPECT_NEAR(sum / n, mean_s, 4 * mean_s / std::sqrt(n));
  // Exponential: variance = mean^2 (so E[d^2] = 2 mean^2); relative se of E[d^2] is sqrt(20/n).
  EXPECT_NEAR(sum_sq / n / (2 * mean_s * mean_s), 1.0, 4 * std::sqrt(20.0 / n));
}

TEST(P2pPow, NoHashPowerNeverFindsABlockAndDrawsNothing) {
  Rng a(1, "test/pow", 0), b(1, "test/pow", 0);
  EXPECT_EQ(next_block_delay_s(a, 0.0, 600.0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(a.next_u64(), b.next_u64());  // the stream did not move
}

TEST(P2pPow, EnergyIsHashesPerBlockTimesBlocksTimesJoulesPerHash) {
  // 100 EH/s at 600 s: 6e22 hashes per block; Bitcoin difficulty 6e22 / 2^32 ~ 1.397e13.
  PowParams p;
  p.network_hash_rate_hps = 1.0e20;
  p.block_interval_s = 600.0;
  p.joules_per_hash = 3.0e-11;  // ~30 J/TH, a 2020s ASIC
  EXPECT_DOUBLE_EQ(hashes_per_block(p), 6.0e22);
  EXPECT_NEAR(bitcoin_difficulty(p), 6.0e22 / 4294967296.0, 1.0);
  EXPECT_DOUBLE_EQ(consensus_hashes(p, 144), 144 * 6.0e22);
  // A day of blocks: 144 * 6e22 * 3e-11 J = 2.592e14 J = 72 GWh (= 3 GW continuous).
  EXPECT_NEAR(consensus_energy_j(p, 144), 2.592e14, 1e3);
}

TEST(P2pPow, StaleRateIsOneMinusExpOfDelayOverInterval) {
  EXPECT_DOUBLE_EQ(stale_rate(0.0, 600.0), 0.0);
  EXPECT_NEAR(stale_rate(600.0, 600.0), 1 - std::exp(-1.0), 1e-15);
  // Bitcoin-like: 2 s against 600 s -> ~0.333 %; Ethereum-PoW-like: 1 s against 15 s -> ~6.45 % (1 - e^(-1/300) and 1 - e^(-1/15)).
  EXPECT_NEAR(stale_rate(2.0, 600.0), 0.0033277839, 1e-9);
  EXPECT_NEAR(stale_rate(1.0, 15.0), 0.0644930150, 1e-9);
}

TEST(P2pPos, SlotLeaderIsDeterministicAndSkipsZeroStake) {
  const std::vector<double> stakes{0.0, 5.0, 0.0};
  for (std::uint64_t slot = 0; slot < 100; ++slot) {
    EXPECT_EQ(pos_slot_leader(stakes, 3, slot), std::optional<std::size_t>(1));
  }
  EXPECT_EQ(pos_slot_leader(std::vector<double>{0.0, 0.0}, 3, 1), std::nullopt);
  EXPECT_EQ(pos_slot_leader(std::vector<double>{}, 3, 1), std::nullopt);
  const std::vector<double> three{1.0, 2.0, 3.0};
  for (std::uint64_t slot = 0; slot < 50; ++slot) {
    EXPECT_EQ(pos_slot_leader(three, 11, slot), pos_slot_leader(three, 11, slot));  // any node, same answer
  }
}

TEST(P2pPos, LeadersAreDrawnInProportionToStake) {
  // Stakes 1:2:3:4 over 200k slots: each count within 4 binomial standard deviations.
  const std::vector<double> stakes{1.0, 2.0, 3.0, 4.0};
  std::vector<double> count(4, 0.0);
  const int n = 200000;
  for (int slot = 0; slot < n; ++slot) count[*pos_slot_leader(stakes, 99, slot)] += 1.0;
  for (std::size_t i = 0; i < 4; ++i) {
    const double share = stakes[i] / 10.0;
    EXPECT_NEAR(count[i], n * share, 4 * std::sqrt(n * share * (1 - share))) << "validator " << i;
  }
}

TEST(P2pPos, SlotAtCutsTimeIntoSlots) {
  EXPECT_EQ(slot_at(0.0, 12.0), 0u);
  EXPECT_EQ(slot_at(11.999, 12.0), 0u);
  EXPECT_EQ(slot_at(12.0, 12.0), 1u);
  EXPECT_EQ(slot_at(125.0, 12.0), 10u);
}

TEST(P2pSelfishMining, ClosedFormThresholds) {
  // Eyal–Sirer: with gamma = 0 selfish mining pays above alpha = 1/3, with gamma = 1/2 above 1/4,
  // with gamma = 1 above 0. At the threshold the revenue equals the fair share.
  EXPECT_NEAR(selfish_revenue_closed_form(1.0 / 3.0, 0.0), 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(selfish_revenue_closed_form(0.25, 0.5), 0.25, 1e-15);
  EXPECT_LT(selfish_revenue_closed_form(0.3, 0.0), 0.3);
  EXPECT_GT(selfish_revenue_closed_form(0.1, 1.0), 0.1);
}

TEST(P2pSelfishMining, MonteCarloMatchesTheClosedForm) {
  // 1e6 blocks per point; tolerance 4 batch-means standard errors (and the error must be small
  // enough for the check to mean something: < 0.002).
  for (double alpha : {0.1, 0.25, 1.0 / 3.0, 0.4}) {
    for (double gamma : {0.0, 0.5, 1.0}) {
      SelfishMiningParams params;
      params.alpha = alpha;
      params.gamma = gamma;
      params.steps = 1000000;
      params.seed = 5;
      const SelfishMiningResult r = simulate_selfish_mining(params);
      const double expected = selfish_revenue_closed_form(alpha, gamma);
      EXPECT_LT(r.standard_error, 0.002);
      EXPECT_NEAR(r.relative_revenue, expected, 4 * r.standard_error) << "alpha=" << alpha << " gamma=" << gamma;
    }
  }
}

TEST(P2pSelfishMining, HonestPoolEarnsNothingWithoutHashPower) {
  SelfishMiningParams params;
  params.alpha = 0.0;
  params.steps = 1000;
  params.batches = 10;
  const SelfishMiningResult r = simulate_selfish_mining(params);
  EXPECT_EQ(r.pool_blocks, 0u);
  EXPECT_EQ(r.honest_blocks, 1000u);
  EXPECT_DOUBLE_EQ(r.relative_revenue, 0.0);
}

}  // namespace
}  // namespace ebsim::p2p
