// Block tree: fork choice by most work (ties: first seen), reorganisations, orphans, confirmations,
// stale count, validation (models/p2p/block_tree.hpp).
#include "models/p2p/block_tree.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "tests/models/p2p/p2p_builders.hpp"

namespace ebsim::p2p {
namespace {

using test_p2p::block_on;
using test_p2p::ids;
using test_p2p::tx;

TEST(P2pBlockTree, StartsAtGenesis) {
  const BlockPtr g = make_genesis();
  const BlockTree tree(g);
  EXPECT_EQ(tree.tip(), g);
  EXPECT_EQ(tree.height(), 0u);
  EXPECT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree.stale_count(), 0u);
  EXPECT_EQ(tree.confirmations(kGenesisBlockId), 1u);
}

TEST(P2pBlockTree, ExtendingTheTipCountsConfirmations) {
  const BlockPtr g = make_genesis();
  BlockTree tree(g);
  const BlockPtr a1 = block_on(g, 11, {tx(1), tx(2)});
  const BlockPtr a2 = block_on(a1, 12, {tx(3)});
  const AddResult r1 = tree.add(a1);
  EXPECT_EQ(r1.status, AddStatus::kExtendedTip);
  EXPECT_EQ(ids(r1.connected), (std::vector<BlockId>{11}));
  EXPECT_TRUE(r1.disconnected.empty());
  EXPECT_EQ(tree.add(a2).status, AddStatus::kExtendedTip);
  EXPECT_EQ(tree.height(), 2u);
  EXPECT_EQ(tree.tip_work(), 2.0);
  EXPECT_EQ(tree.confirmations(11), 2u);
  EXPECT_EQ(tree.confirmations(12), 1u);
  EXPECT_EQ(tree.tx_confirmations(1), 2u);
  EXPECT_EQ(tree.tx_confirmations(3), 1u);
  EXPECT_EQ(tree.tx_confirmations(99), 0u);
  EXPECT_EQ(tree.block_of(2), std::optional<BlockId>(11));
  EXPECT_EQ(tree.add(a2).status, AddStatus::kDuplicate);
}

TEST(P2pBlockTree, EqualWorkKeepsTheFirstSeenThenMoreWorkReorganises) {
  //        g
  //       / \    (two children of genesis)
  //     a1   b1        a1 seen first: tie at work 1 keeps a1 (b1 stale)
  //           \   (b2 on b1)
  //            b2      b1-b2 has work 2 > 1: reorganise; a1 disconnected, b1 b2 connected
  const BlockPtr g = make_genesis();
  BlockTree tree(g);
  const BlockPtr a1 = block_on(g, 11, {tx(1), tx(2)});
  const BlockPtr b1 = block_on(g, 21, {tx(2)});
  const BlockPtr b2 = block_on(b1, 22);
  tree.add(a1);
  EXPECT_EQ(tree.add(b1).status, AddStatus::kSideBranch);
  EXPECT_EQ(tree.tip()->id, 11u);
  EXPECT_EQ(tree.stale_count(), 1u);
  EXPECT_EQ(tree.confirmations(21), 0u);

  const AddResult r = tree.add(b2);
  EXPECT_EQ(r.status, AddStatus::kReorganised);
  EXPECT_EQ(ids(r.disconnected), (std::vector<BlockId>{11}));
  EXPECT_EQ(ids(r.connected), (std::vector<BlockId>{21, 22}));
  EXPECT_EQ(tree.tip()->id, 22u);
  EXPECT_EQ(tree.best_chain(), (std::vector<BlockId>{0, 21, 22}));
  EXPECT_EQ(tree.stale_count(), 1u);  // now a1
  EXPECT_EQ(tree.confirmations(11), 0u);
  EXPECT_EQ(tree.tx_confirmations(1), 0u);  // only in a1: off the chain
  EXPECT_EQ(tree.tx_confirmations(2), 2u);  // in b1 too
  EXPECT_EQ(tree.reorg_count(), 1u);
  EXPECT_EQ(tree.max_reorg_depth(), 1u);
}

TEST(P2pBlockTree, TreesSharingALocatorSeeOnlyTheirOwnBestChain) {
  // Trees x and y share one locator. x holds a1 {1, 2}; y holds the competing b1 {2}. Each
  // answers block_of from its own best chain: x knows nothing of b1, y nothing of a1 (tx 1 is on
  // no block of y's), and once y reorganises onto a1 + a2, tx 2 is in a1 for y too.
  const BlockPtr g = make_genesis();
  auto locator = std::make_shared<TxLocator>();
  BlockTree x(g, {}, locator), y(g, {}, locator);
  const BlockPtr a1 = block_on(g, 11, {tx(1), tx(2)});
  const BlockPtr b1 = block_on(g, 21, {tx(2)});
  const BlockPtr a2 = block_on(a1, 12);
  x.add(a1);
  y.add(b1);
  EXPECT_EQ(x.block_of(2), std::optional<BlockId>(11));
  EXPECT_EQ(y.block_of(2), std::optional<BlockId>(21));
  EXPECT_EQ(x.block_of(1), std::optional<BlockId>(11));
  EXPECT_EQ(y.block_of(1), std::nullopt);
  ASSERT_NE(locator->blocks_of(2), nullptr);
  EXPECT_EQ(*locator->blocks_of(2), (std::vector<BlockId>{11, 21}));
  y.add(a1);  // equal work: y stays on b1
  EXPECT_EQ(y.block_of(2), std::optional<BlockId>(21));
  y.add(a2);  // more work: reorganise
  EXPECT_EQ(y.block_of(2), std::optional<BlockId>(11));
  EXPECT_EQ(y.tx_confirmations(1), 2u);
  EXPECT_EQ(*locator->blocks_of(2), (std::vector<BlockId>{11, 21})) << "a block is noted once";
}

TEST(P2pBlockTree, MostWorkNotMostBlocksWins) {
  // g - a1 - a2 (work 1 each, total 2) against g - h1 (work 3): h1 wins although shorter.
  const BlockPtr g = make_genesis();
  BlockTree tree(g);
  const BlockPtr a1 = block_on(g, 11);
  tree.add(a1);
  tree.add(block_on(a1, 12));
  const AddResult r = tree.add(block_on(g, 31, {}, 3.0));
  EXPECT_EQ(r.status, AddStatus::kReorganised);
  EXPECT_EQ(ids(r.disconnected), (std::vector<BlockId>{12, 11}));  // old tip first
  EXPECT_EQ(tree.tip()->id, 31u);
  EXPECT_EQ(tree.height(), 1u);
  EXPECT_EQ(tree.max_reorg_depth(), 2u);
}

TEST(P2pBlockTree, OrphansWaitForTheirParentThenConnect) {
  const BlockPtr g = make_genesis();
  BlockTree tree(g);
  const BlockPtr a1 = block_on(g, 11);
  const BlockPtr a2 = block_on(a1, 12);
  const BlockPtr a3 = block_on(a2, 13);
  const AddResult o3 = tree.add(a3);
  EXPECT_EQ(o3.status, AddStatus::kOrphan);
  EXPECT_EQ(o3.missing_parent, 12u);
  EXPECT_EQ(tree.add(a2).status, AddStatus::kOrphan);
  EXPECT_EQ(tree.orphan_count(), 2u);
  EXPECT_TRUE(tree.is_orphan(13));
  EXPECT_EQ(tree.add(a3).status, AddStatus::kDuplicate);  // already waiting

  const AddResult r = tree.add(a1);
  EXPECT_EQ(r.status, AddStatus::kExtendedTip);
  EXPECT_EQ(ids(r.accepted), (std::vector<BlockId>{11, 12, 13}));
  EXPECT_EQ(ids(r.connected), (std::vector<BlockId>{11, 12, 13}));
  EXPECT_EQ(tree.orphan_count(), 0u);
  EXPECT_EQ(tree.height(), 3u);
}

TEST(P2pBlockTree, InvalidBlocksAreDropped) {
  const BlockPtr g = make_genesis();
  BlockTree tree(g, BlockTreeParams{1000.0});
  auto wrong_height = std::make_shared<Block>(*block_on(g, 11));
  wrong_height->height = 5;
  EXPECT_EQ(tree.add(wrong_height).status, AddStatus::kInvalid);
  auto no_work = std::make_shared<Block>(*block_on(g, 12));
  no_work->work = 0.0;
  EXPECT_EQ(tree.add(no_work).status, AddStatus::kInvalid);
  // 80 + 4 * 250 = 1080 > 1000.
  EXPECT_EQ(tree.add(block_on(g, 13, {tx(1), tx(2), tx(3), tx(4)})).status, AddStatus::kInvalid);
  const AddResult twice = tree.add(block_on(g, 14, {tx(1), tx(1)}));
  EXPECT_EQ(twice.status, AddStatus::kInvalid);
  EXPECT_EQ(twice.reason, "a transaction appears twice");
  auto lying_size = std::make_shared<Block>(*block_on(g, 15, {tx(1)}));
  lying_size->size_bytes = 100.0;
  EXPECT_EQ(tree.add(lying_size).status, AddStatus::kInvalid);
  EXPECT_EQ(tree.size(), 1u);
  // 80 + 3 * 250 = 830 fits.
  EXPECT_EQ(tree.add(block_on(g, 16, {tx(1), tx(2), tx(3)})).status, AddStatus::kExtendedTip);
}

}  // namespace
}  // namespace ebsim::p2p
