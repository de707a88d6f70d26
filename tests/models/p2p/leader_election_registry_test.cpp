// The leader-election registry and its two elections (models/p2p/leader_election.hpp, pow.cpp,
// pos.cpp): names, refusal of unknown names, block work, trace codes, costs and timers.
#include "models/p2p/leader_election.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/core/rng.hpp"

namespace ebsim::p2p {
namespace {

LeaderElectionParams params(std::optional<std::size_t> maker) {
  LeaderElectionParams p;
  p.block_interval_s = 600.0;
  p.network_hash_rate_hps = 1.0e12;
  p.joules_per_hash = 1.0e-10;
  p.shares = {0.0, 1.0};
  p.maker = maker;
  return p;
}

TEST(P2pLeaderElectionRegistry, HoldsExactlyPowAndPos) {
  EXPECT_EQ(LeaderElectionRegistry::instance().names(), (std::vector<std::string>{"pos", "pow"}));
}

TEST(P2pLeaderElectionRegistry, RefusesAnUnknownName) {
  EXPECT_EQ(LeaderElectionRegistry::instance().create("poa", params(0)), nullptr);
  EXPECT_EQ(LeaderElectionRegistry::instance().create("", params(0)), nullptr);
}

TEST(P2pLeaderElectionRegistry, ProofOfWorkBlockWorkIsHashRateTimesInterval) {
  const auto pow = LeaderElectionRegistry::instance().create("pow", params(std::nullopt));
  ASSERT_NE(pow, nullptr);
  EXPECT_EQ(pow->name(), "pow");
  EXPECT_EQ(pow->trace_code(), 0);
  EXPECT_DOUBLE_EQ(pow->block_work(), 6.0e14);  // 1e12 H/s x 600 s (pow.hpp hashes_per_block)
  const auto cost = pow->cost(3);
  ASSERT_TRUE(cost.has_value());
  EXPECT_DOUBLE_EQ(cost->hashes, 1.8e15);   // 3 blocks x 6e14
  EXPECT_DOUBLE_EQ(cost->energy_j, 1.8e5);  // x 1e-10 J per hash
}

TEST(P2pLeaderElectionRegistry, ProofOfStakeBlocksHaveWorkOneAndNoCost) {
  const auto pos = LeaderElectionRegistry::instance().create("pos", params(std::nullopt));
  ASSERT_NE(pos, nullptr);
  EXPECT_EQ(pos->name(), "pos");
  EXPECT_EQ(pos->trace_code(), 1);
  EXPECT_DOUBLE_EQ(pos->block_work(), 1.0);
  EXPECT_FALSE(pos->cost(3).has_value());
}

TEST(P2pProofOfWork, OnlyAMakerWithAShareMinesAndATimerOfAnOldTipIsStale) {
  Rng rng(5, "test/pow_election", 0);
  EXPECT_FALSE(LeaderElectionRegistry::instance().create("pow", params(std::nullopt))->start(0.0, rng));
  EXPECT_FALSE(LeaderElectionRegistry::instance().create("pow", params(0))->start(0.0, rng));  // share 0
  const auto pow = LeaderElectionRegistry::instance().create("pow", params(1));
  const auto first = pow->start(0.0, rng);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->payload, 0u);
  EXPECT_GT(first->delay_s, 0.0);
  const auto second = pow->tip_changed(rng);  // a new tip: a new draw for generation 1
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->payload, 1u);
  const ElectionStep stale = pow->on_timer(0, 10.0);
  EXPECT_TRUE(stale.stale);
  EXPECT_FALSE(stale.make_in_slot.has_value());
  const ElectionStep live = pow->on_timer(1, 10.0);
  EXPECT_FALSE(live.stale);
  EXPECT_EQ(live.make_in_slot, std::optional<std::uint64_t>(0));
  EXPECT_FALSE(live.next.has_value());  // the block it makes changes the tip, which draws again
}

TEST(P2pProofOfStake, TheLeaderForgesInItsSlotAndEveryValidatorWakesAtTheNextSlot) {
  // Stakes {0, 1}: validator 1 leads every slot. Slots of 600 s; started at 900 s, slot 1 is
  // under way, so the first wake-up is slot 2 at 1200 s (300 s later).
  Rng rng(5, "test/pos_election", 0);
  EXPECT_FALSE(LeaderElectionRegistry::instance().create("pos", params(std::nullopt))->start(900.0, rng));
  const auto leader = LeaderElectionRegistry::instance().create("pos", params(1));
  const auto first = leader->start(900.0, rng);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->payload, 2u);
  EXPECT_DOUBLE_EQ(first->delay_s, 300.0);
  EXPECT_FALSE(leader->tip_changed(rng).has_value());
  const ElectionStep step = leader->on_timer(2, 1200.0);
  EXPECT_EQ(step.make_in_slot, std::optional<std::uint64_t>(2));
  ASSERT_TRUE(step.next.has_value());
  EXPECT_EQ(step.next->payload, 3u);
  EXPECT_DOUBLE_EQ(step.next->delay_s, 600.0);
  const auto other = LeaderElectionRegistry::instance().create("pos", params(0));
  const ElectionStep idle = other->on_timer(2, 1200.0);
  EXPECT_FALSE(idle.make_in_slot.has_value());
  ASSERT_TRUE(idle.next.has_value());
  EXPECT_EQ(idle.next->payload, 3u);
}

}  // namespace
}  // namespace ebsim::p2p
