#pragma once
/** One node's view of the chain: every valid block it has seen, arranged as a tree under the
 * genesis block, with the best chain chosen by most cumulative work (SPEC §5).
 *
 * FORK CHOICE: the tip is the block with the most cumulative work (sum of `work` from genesis).
 * Ties: the block seen first stays (Bitcoin's rule: a node keeps mining on the first of two
 * equal branches it received). Under constant difficulty "most work" is "longest chain".
 *
 * ORPHANS vs STALE: a block whose parent is not yet known is an ORPHAN; it waits in a pool and
 * joins the tree as soon as its parent does (the caller should ask a peer for the parent). A
 * block in the tree but not on the best chain is STALE (it lost a fork race).
 *
 * VALIDATION (structural, what this model can check): parent known, height = parent's + 1,
 * work > 0, size_bytes = header + transactions and <= max_block_bytes, no transaction twice in
 * the block. Transactions are not checked against the rest of their branch: honest miners take
 * them from a mempool that follows their tip (mempool.hpp), so a branch never holds one twice.
 */
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <memory>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "models/p2p/block.hpp"

namespace ebsim::p2p {

/** Which blocks hold each transaction. Blocks are immutable, so this is the same at every node
 * and one locator can serve every tree of a run: why it exists, since a per-node transaction
 * index costs nodes x transactions (10,000 nodes and a day of orders: ~10^10 entries). */
class TxLocator {
 public:
  /** Note `block`'s transactions (a block noted before is ignored). */
  void add(const Block& block);
  /** The blocks noted as holding `tx`, in the order they were noted (usually one; more when
   * competing branches both hold it); nullptr if none. */
  const std::vector<BlockId>* blocks_of(TxId tx) const;

 private:
  absl::flat_hash_set<BlockId> noted_;
  absl::flat_hash_map<TxId, std::vector<BlockId>> blocks_;
};

struct BlockTreeParams {
  double max_block_bytes = ChainDefaults{}.max_block_bytes;  // largest valid block, header included
};

/** What add() did with a block. */
enum class AddStatus : std::uint8_t {
  kExtendedTip = 0,  // the best chain grew; nothing was disconnected
  kReorganised = 1,  // the best chain switched branch: blocks were disconnected and connected
  kSideBranch = 2,   // valid, in the tree, not on the best chain (a stale block, for now)
  kOrphan = 3,       // parent unknown: held until the parent arrives (see missing_parent)
  kDuplicate = 4,    // already in the tree or in the orphan pool: ignored
  kInvalid = 5,      // failed validation (see reason): dropped
};

/** The outcome of one add(): the block itself may also have adopted waiting orphans. */
struct AddResult {
  AddStatus status = AddStatus::kDuplicate;
  /** Blocks that left the best chain, old tip first, down to (not including) the fork point. */
  std::vector<BlockPtr> disconnected;
  /** Blocks that joined the best chain, from just above the fork point up to the new tip. */
  std::vector<BlockPtr> connected;
  /** Every block that joined the tree in this call, in the order it joined (the block, then
   * orphans that were waiting for it, breadth first in arrival order). */
  std::vector<BlockPtr> accepted;
  /** kOrphan: the parent to ask a peer for. */
  BlockId missing_parent = kGenesisBlockId;
  /** kInvalid: why. */
  std::string reason;
};

class BlockTree {
 public:
  /** A tree holding only `genesis`. `locator`: shared by the trees of a run (nullptr: its own).
   * REQUIRES: genesis != nullptr. */
  explicit BlockTree(BlockPtr genesis, BlockTreeParams params = {}, std::shared_ptr<TxLocator> locator = nullptr);

  /** Validate and insert `block`; switch the best chain if a branch now has strictly more work. */
  AddResult add(const BlockPtr& block);

  /** In the tree (not counting orphans). */
  bool contains(BlockId id) const;
  /** Waiting in the orphan pool for its parent. */
  bool is_orphan(BlockId id) const;
  /** The block, or nullptr if it is not in the tree. */
  BlockPtr find(BlockId id) const;

  const BlockPtr& genesis() const;
  const BlockPtr& tip() const;
  /** Height of the tip. */
  std::uint64_t height() const;
  /** Cumulative work of the tip. */
  double tip_work() const;
  /** Cumulative work of a block in the tree. REQUIRES: contains(id). */
  double chain_work(BlockId id) const;
  /** Block ids of the best chain, genesis first. */
  const std::vector<BlockId>& best_chain() const;
  bool on_best_chain(BlockId id) const;

  /** Confirmations of a block: 1 for the tip, tip height - height + 1 on the best chain, 0 off it. */
  std::uint64_t confirmations(BlockId id) const;
  /** The best-chain block holding transaction `tx`, if any. */
  std::optional<BlockId> block_of(TxId tx) const;
  /** confirmations(block_of(tx)), 0 if the transaction is not on the best chain. */
  std::uint64_t tx_confirmations(TxId tx) const;

  /** Blocks in the tree, genesis included. */
  std::size_t size() const;
  /** Blocks in the tree off the best chain (stale). */
  std::size_t stale_count() const;
  /** Blocks waiting for their parent. */
  std::size_t orphan_count() const;
  /** Reorganisations so far, and the deepest (most blocks disconnected at once). */
  std::uint64_t reorg_count() const;
  std::uint64_t max_reorg_depth() const;

 private:
  struct Entry {
    BlockPtr block;
    double chain_work = 0.0;
  };
  std::string validate(const Block& block, const Entry& parent) const;
  void switch_tip(BlockId new_tip, AddResult& result);

  BlockTreeParams params_;
  absl::flat_hash_map<BlockId, Entry> entries_;                // lookup only, never iterated
  std::map<BlockId, std::vector<BlockPtr>> orphans_by_parent_;  // arrival order per parent
  std::unordered_map<BlockId, BlockId> orphan_parent_;          // orphan id -> parent id
  std::vector<BlockId> best_chain_;                             // index = height
  std::shared_ptr<TxLocator> locator_;                          // every tree block's transactions
  BlockPtr genesis_;
  BlockPtr tip_;
  std::uint64_t reorgs_ = 0;
  std::uint64_t max_reorg_depth_ = 0;
};

}  // namespace ebsim::p2p
