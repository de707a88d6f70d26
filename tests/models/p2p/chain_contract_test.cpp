// The contract's finality rule and outcome (models/p2p/chain_contract.hpp) and the light-client
// protocol's sizes and participants (models/p2p/light_client.hpp).
#include "models/p2p/chain_contract.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "models/p2p/light_client.hpp"

namespace ebsim::p2p {
namespace {

/** A block `id` on `parent`, found at `mined_s`, with no transactions. */
BlockPtr found_on(const BlockPtr& parent, BlockId id, double mined_s) {
  auto b = std::make_shared<Block>();
  b->id = id;
  b->parent = parent->id;
  b->height = parent->height + 1;
  b->work = 1.0;
  b->mined_s = mined_s;
  b->header_bytes = 80.0;
  b->size_bytes = 80.0;
  return b;
}

/** A chain of blocks found at 10, 20, ..., 10 n seconds. */
BlockTree chain_of(std::size_t n) {
  BlockTree tree(make_genesis());
  BlockPtr tip = tree.tip();
  for (std::size_t h = 1; h <= n; ++h) {
    tip = found_on(tip, 100 + h, 10.0 * static_cast<double>(h));
    tree.add(tip);
  }
  return tree;
}

TEST(P2pFinality, TheClosingBlockIsTheFirstFoundAfterGateClosure) {
  const BlockTree tree = chain_of(5);  // heights 1..5 found at 10..50 s
  EXPECT_EQ(closing_height(tree, 25.0), std::optional<std::uint64_t>(3));  // 30 s is the first after 25 s
  EXPECT_EQ(closing_height(tree, 30.0), std::optional<std::uint64_t>(4));  // found at gate closure: still in the set
  EXPECT_EQ(closing_height(tree, 0.0), std::optional<std::uint64_t>(1));
  EXPECT_EQ(closing_height(tree, 50.0), std::nullopt);  // nothing after it yet
}

TEST(P2pFinality, FinalWhenTheClosingBlockHasZConfirmations) {
  const BlockTree tree = chain_of(5);
  // Closing block at height 3 on a chain of height 5: confirmations 5 + 1 - 3 = 3.
  EXPECT_TRUE(is_final(tree, 3, 3));
  EXPECT_FALSE(is_final(tree, 3, 4));
  EXPECT_TRUE(is_final(tree, 5, 1));  // the tip itself has one confirmation
  EXPECT_FALSE(is_final(tree, 5, 2));
}

TEST(P2pContractFill, SumsTheOrdersTradesAtBuyerAndSellerPrices) {
  ContractClearing clearing;
  // Order 1 buys 2 kWh from order 2 (buyer pays 0.20, seller gets 0.15) and 1 kWh from order 3 at 0.30.
  clearing.result.trades = {market::Trade{1, 2, 0, 1, 2.0, 0.20, 0.15}, market::Trade{1, 3, 0, 2, 1.0, 0.30, 0.30}};
  const ContractFill buyer = contract_fill(clearing, 1, 42.0);
  EXPECT_EQ(buyer.fill.order, 1u);
  EXPECT_DOUBLE_EQ(buyer.fill.arrived_s, 42.0);
  EXPECT_DOUBLE_EQ(buyer.fill.matched_kwh, 3.0);
  EXPECT_DOUBLE_EQ(buyer.fill.payment, 0.7);  // 2 x 0.20 + 1 x 0.30
  EXPECT_EQ(buyer.trades, 2u);
  const ContractFill seller = contract_fill(clearing, 2, 42.0);
  EXPECT_DOUBLE_EQ(seller.fill.matched_kwh, 2.0);
  EXPECT_DOUBLE_EQ(seller.fill.payment, -0.3);  // receives 2 x 0.15
  EXPECT_EQ(seller.trades, 1u);
  const ContractFill absent = contract_fill(clearing, 9, 42.0);
  EXPECT_DOUBLE_EQ(absent.fill.matched_kwh, 0.0);
  EXPECT_EQ(absent.trades, 0u);
}

TEST(P2pLightClient, MerkleBranchIs32BytesPerLevel) {
  EXPECT_DOUBLE_EQ(merkle_branch_bytes(0), 0.0);
  EXPECT_DOUBLE_EQ(merkle_branch_bytes(1), 0.0);     // the root is the transaction's hash
  EXPECT_DOUBLE_EQ(merkle_branch_bytes(2), 32.0);
  EXPECT_DOUBLE_EQ(merkle_branch_bytes(3), 64.0);    // ceil(log2 3) = 2 levels
  EXPECT_DOUBLE_EQ(merkle_branch_bytes(4), 64.0);
  EXPECT_DOUBLE_EQ(merkle_branch_bytes(5), 96.0);
  EXPECT_DOUBLE_EQ(merkle_branch_bytes(1000), 320.0);  // 2^10 = 1024 >= 1000: 10 levels
}

TEST(P2pLightClient, ProofIsTheMissingHeadersAndTheBranch) {
  // 6 headers of 80 B and the branch in a block of 1000 transactions: 480 + 320.
  EXPECT_DOUBLE_EQ(light_proof_bytes(80.0, 6, 1000), 800.0);
  EXPECT_DOUBLE_EQ(light_proof_bytes(80.0, 0, 2), 32.0);      // client already synced: the branch only
  EXPECT_DOUBLE_EQ(light_proof_bytes(80.0, 3, std::nullopt), 240.0);  // order not included: headers only
}

TEST(P2pLightClient, ChoosesRoundShareTimesNParticipantsFromTheSeed) {
  const auto count = [](const std::vector<bool>& v) { return std::count(v.begin(), v.end(), true); };
  EXPECT_EQ(count(choose_light_participants(10, 0.25, 1)), 3);  // round(2.5) = 3 (half away from zero)
  EXPECT_EQ(count(choose_light_participants(10, 0.0, 1)), 0);
  EXPECT_EQ(count(choose_light_participants(10, 1.0, 1)), 10);
  EXPECT_EQ(choose_light_participants(100, 0.3, 7), choose_light_participants(100, 0.3, 7));
  EXPECT_NE(choose_light_participants(100, 0.3, 7), choose_light_participants(100, 0.3, 8));
}

}  // namespace
}  // namespace ebsim::p2p
