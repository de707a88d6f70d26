// The scenario's p2p section (market.design: p2p): values, defaults and refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace ebsim::sim {
namespace {

using ::testing::HasSubstr;

const std::string kSourceDir = EBSIM_SOURCE_DIR;
const std::string kMinimal = kSourceDir + "/tests/data/scenarios/valid_minimal.yaml";
const std::string kPublicChain = kSourceDir + "/scenarios/p2p/public_chain.yaml";

std::string error_of(const std::string& path, const std::vector<std::string>& overrides) {
  try {
    load_scenario(path, overrides);
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

TEST(P2pScenario, ShippedPublicChainReadsEveryKey) {
  const Scenario s = load_scenario(kPublicChain);
  EXPECT_EQ(s.market.design, "p2p");
  const P2pSpec& p = s.p2p;
  EXPECT_EQ(p.consensus, "pow");
  EXPECT_DOUBLE_EQ(p.block_interval_s, 15.0);
  EXPECT_EQ(p.peers, 6u);
  ASSERT_EQ(p.miner_shares.size(), 4u);
  EXPECT_DOUBLE_EQ(p.miner_shares[0], 0.4);
  EXPECT_DOUBLE_EQ(p.miner_access.latency_s, 0.005);
  EXPECT_DOUBLE_EQ(p.miner_access.bandwidth_bytes_per_s, 12.5e6);
  EXPECT_DOUBLE_EQ(p.fee, 0.0005);
  EXPECT_DOUBLE_EQ(p.transaction_bytes, 250.0);
  EXPECT_DOUBLE_EQ(p.max_block_bytes, 1.0e6);
  EXPECT_EQ(p.contract, "call");
  EXPECT_EQ(p.confirmations, 3u);
  EXPECT_DOUBLE_EQ(p.hash_rate_hps, 1.0e15);
  EXPECT_DOUBLE_EQ(p.joules_per_hash, 3.0e-11);
  EXPECT_FALSE(p.double_spend.present);
  EXPECT_TRUE(s.notes.empty());
}

TEST(P2pScenario, DefaultsWithoutTheSectionAndRelativeShares) {
  const Scenario s = load_scenario(kMinimal, {"market.design=p2p"});
  EXPECT_EQ(s.market.design, "p2p");
  EXPECT_EQ(s.p2p.miner_shares, (std::vector<double>{0.25, 0.25, 0.25, 0.25}));
  EXPECT_EQ(s.p2p.confirmations, 6u);
  const Scenario weighted = load_scenario(kMinimal, {"market.design=p2p", "p2p={miners: {shares: [3, 1]}}"});
  EXPECT_EQ(weighted.p2p.miner_shares, (std::vector<double>{0.75, 0.25}));
  const Scenario counted = load_scenario(kMinimal, {"market.design=p2p", "p2p={miners: {count: 5}}"});
  EXPECT_EQ(counted.p2p.miner_shares.size(), 5u);
}

TEST(P2pScenario, DoubleSpendSection) {
  const Scenario s = load_scenario(kMinimal, {"market.design=p2p", "p2p={double_spend: {q: [0.1, 0.3], z: [0, 6], trials: 1000}}"});
  EXPECT_TRUE(s.p2p.double_spend.present);
  EXPECT_EQ(s.p2p.double_spend.attacker_shares, (std::vector<double>{0.1, 0.3}));
  EXPECT_EQ(s.p2p.double_spend.confirmations, (std::vector<std::uint32_t>{0, 6}));
  EXPECT_EQ(s.p2p.double_spend.trials, 1000u);
}

TEST(P2pScenario, SectionWithAnotherDesignIsCheckedAndNoted) {
  const Scenario s = load_scenario(kPublicChain, {"market.design=centralized"});
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_THAT(s.notes[0], HasSubstr("p2p: not used with market.design: centralized"));
  EXPECT_THAT(error_of(kPublicChain, {"market.design=centralized", "p2p.peers=0"}), HasSubstr("p2p.peers"));
}

TEST(P2pScenario, BadValuesAreRefused) {
  const auto err = [](const std::string& o) { return error_of(kPublicChain, {o}); };
  EXPECT_THAT(err("p2p.consensus=pbft"), HasSubstr("p2p.consensus: expected one of pos, pow"));
  EXPECT_THAT(err("p2p.block_interval=0s"), HasSubstr("p2p.block_interval: expected a duration > 0"));
  EXPECT_THAT(err("p2p.peers=0"), HasSubstr("p2p.peers: expected an integer in [1, 1000]"));
  EXPECT_THAT(err("p2p.miners={count: 3, shares: [1, 2]}"), HasSubstr("p2p.miners.shares: expected a list of 3 shares"));
  EXPECT_THAT(err("p2p.miners={}"), HasSubstr("p2p.miners.count"));
  EXPECT_THAT(err("p2p.max_block_size=100B"), HasSubstr("p2p.max_block_size"));
  EXPECT_THAT(err("p2p.contract=continuous"), HasSubstr("market.clearing: cda"));
  EXPECT_THAT(err("p2p.confirmations=0"), HasSubstr("p2p.confirmations"));
  EXPECT_THAT(err("p2p.hash_rate_hps=-1"), HasSubstr("p2p.hash_rate_hps: expected a number > 0"));
  EXPECT_THAT(err("p2p.double_spend={q: [0.5], z: [1]}"), HasSubstr("p2p.double_spend.q[0]"));
  EXPECT_THAT(err("p2p.double_spend={q: [0.1]}"), HasSubstr("p2p.double_spend.z"));
  EXPECT_THAT(err("p2p.double_spend={q: [0.1], z: [101]}"), HasSubstr("p2p.double_spend.z[0]"));
  EXPECT_THAT(err("p2p.double_spend={q: [0.1], z: [1], trials: 0}"), HasSubstr("p2p.double_spend.trials"));
  EXPECT_THAT(err("p2p.miner=4"), HasSubstr("did you mean 'miners'"));
}

}  // namespace
}  // namespace ebsim::sim
