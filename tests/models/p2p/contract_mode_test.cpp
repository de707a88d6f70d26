// The contract-mode registry and its two modes (models/p2p/contract_mode.hpp, call_contract.cpp,
// continuous_contract.cpp), and the shared clearings over a chain (chain_contract.hpp ContractCache).
#include "models/p2p/contract_mode.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/market/pay_as_clear.hpp"
#include "models/p2p/chain_contract.hpp"
#include "tests/models/p2p/p2p_builders.hpp"

namespace ebsim::p2p {
namespace {

using market::Side;
using test_p2p::block_on;
using test_p2p::tx;

TEST(P2pContractModeRegistry, HoldsExactlyCallAndContinuous) {
  EXPECT_EQ(ContractModeRegistry::instance().names(), (std::vector<std::string>{"call", "continuous"}));
  EXPECT_EQ(ContractModeRegistry::instance().create("per_block"), nullptr);
}

TEST(P2pContractModeRegistry, TraceCodesAndRequirements) {
  const auto call = ContractModeRegistry::instance().create("call");
  const auto continuous = ContractModeRegistry::instance().create("continuous");
  ASSERT_NE(call, nullptr);
  ASSERT_NE(continuous, nullptr);
  EXPECT_EQ(call->trace_code(), 0);
  EXPECT_EQ(continuous->trace_code(), 1);
  EXPECT_FALSE(call->requirement().has_value());
  ASSERT_TRUE(continuous->requirement().has_value());
  EXPECT_EQ(continuous->requirement()->clearing_rule, "cda");
}

TEST(P2pContractMode, CallClearsOneBookOfTheIntervalsOrdersOverTheBlocks) {
  // Blocks 1 and 2 hold interval 0's bid 1 (0.30 x 2) and offer 11 (0.10 x 1), and interval 1's
  // offer 12, which interval 0's book leaves out. Pay as clear: 1 kWh trades.
  const BlockPtr g = make_genesis();
  const BlockPtr b1 = block_on(g, 1, {tx(1, 1.0, 250.0, Side::kBuy, 0.30, 2.0, 0)});
  const BlockPtr b2 = block_on(b1, 2, {tx(11, 1.0, 250.0, Side::kSell, 0.10, 1.0, 0), tx(12, 1.0, 250.0, Side::kSell, 0.05, 5.0, 1)});
  const std::vector<BlockPtr> blocks{b1, b2};
  const market::PayAsClear rule;
  const ContractClearing c = ContractModeRegistry::instance().create("call")->clear(blocks, 2, 0, rule, nullptr, 1);
  EXPECT_EQ(c.interval, 0u);
  EXPECT_EQ(c.bids, 1u);
  EXPECT_EQ(c.offers, 1u);
  ASSERT_EQ(c.result.trades.size(), 1u);
  EXPECT_EQ(c.result.trades[0].sell_order, 11u);
  EXPECT_DOUBLE_EQ(c.result.cleared_kwh, 1.0);
  const ContractClearing empty = ContractModeRegistry::instance().create("call")->clear(blocks, 2, 3, rule, nullptr, 1);
  EXPECT_EQ(empty.interval, 3u);  // no orders for interval 3: an empty clearing of it
  EXPECT_TRUE(empty.result.trades.empty());
}

TEST(P2pContractCache, ClearsOverTheBestChainFromTheMarketOpening) {
  // Block 1 (found at 5 s, before interval 0's market opens at 10 s) is skipped; block 2 holds
  // the interval's two orders. The second call is served from the cache (same object).
  BlockTree tree(make_genesis());
  auto early = std::make_shared<Block>(*block_on(tree.tip(), 1, {tx(3, 1.0, 250.0, Side::kBuy, 0.50, 1.0, 0)}));
  early->mined_s = 5.0;
  tree.add(early);
  auto late = std::make_shared<Block>(*block_on(tree.tip(), 2, {tx(1, 1.0, 250.0, Side::kBuy, 0.30, 2.0, 0),
                                                                tx(11, 1.0, 250.0, Side::kSell, 0.10, 1.0, 0)}));
  late->mined_s = 20.0;
  tree.add(late);
  const auto call = ContractModeRegistry::instance().create("call");
  const market::PayAsClear rule;
  ContractCache cache(*call, rule, nullptr, 1);
  const ContractClearing& c = cache.clear(tree, 2, 0, 10.0);
  EXPECT_EQ(c.bids, 1u);  // order 3 in block 1 is before the opening
  EXPECT_EQ(c.offers, 1u);
  EXPECT_EQ(&cache.clear(tree, 2, 0, 10.0), &c);
}

}  // namespace
}  // namespace ebsim::p2p
