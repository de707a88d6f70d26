#pragma once
/** A peer of the public chain (SPEC §5): gossips transactions and blocks with its overlay peers,
 * keeps a block tree and a mempool, mines (proof of work) or forges in its slots (proof of
 * stake), validates and relays blocks, reorganises, and answers its owner's questions
 * (confirmations of a transaction, the tip, the chain).
 *
 * GOSSIP: announce / request / deliver, as Bitcoin's inv / getdata / tx|block (issue 5 lets us
 * choose; this one is chosen because a full block then crosses each link about once, so
 * propagation time depends on block size, bandwidth and hops as it should, while duplicates cost
 * only the small announcements). A node relays every valid block the first time it accepts it
 * (side branches too), and every new transaction it admits to its mempool, to every peer except
 * the one it got it from; a peer requests the ids it neither knows nor has asked for yet from the
 * first announcer, which delivers them. A block whose parent is unknown is kept as an orphan and
 * the parent is requested from the peer that delivered the child. Links are assumed reliable (no
 * request timeouts).
 * BLOCKS are announced at once, one id per announcement. TRANSACTIONS trickle, as in Bitcoin
 * (its INVENTORY_BROADCAST_INTERVAL): with tx_relay_interval_s > 0 a node queues the ids it is to
 * announce per peer and sends each peer one announcement listing them all when its relay timer
 * fires; the timer is drawn exponential with that mean when the first id is queued. A request
 * lists every wanted id of one announcement, and one delivery carries every requested
 * transaction. With tx_relay_interval_s = 0 every transaction is announced alone at once. Why
 * trickle: one message per transaction per link is what made large networks infeasible to
 * simulate (docs/performance.md), and it is also what Bitcoin avoids for the same reason.
 *
 * COMPACT BLOCKS (compact_blocks, Bitcoin's BIP 152 in its low-bandwidth mode): the announce /
 * request round stays, but the block is delivered as its header and a 6-byte short id per
 * transaction. The receiver rebuilds it from the transactions it holds (mempool or best chain);
 * if some are missing it asks the deliverer for exactly those (kBlockTxRequest) and accepts the
 * block when they arrive (kBlockTxs). Why: peers have already seen almost every transaction of a
 * block through the transaction gossip, so a full block sends them all a second time; compact
 * relay is what makes Bitcoin's propagation fast, and at 10,000 nodes full blocks were half the
 * bytes of a run.
 *
 * MESSAGE SIZES (bytes, P2pSizes): announcement and request = message header + one inventory
 * entry per id (24 + 36 n; one id: 60, Bitcoin's); a delivery of n transactions = the sum of
 * (message header + tx size_bytes) over them, the bytes of Bitcoin's n tx messages (simulated as
 * one flow); block = message header + block size_bytes (= header_bytes + the transactions' bytes).
 * Compact block = message header + header_bytes + compact_extra_bytes + short_id_bytes per
 * transaction; its transaction request = message header + 32 (block hash) + 3 (count) + 1 per
 * missing transaction (BIP 152's differential indexes); the answer = message header + 32 + 3 +
 * the missing transactions' bytes.
 *
 * MAKING BLOCKS is up to the node's leader election (leader_election.hpp, chosen by name): it
 * says when to make a block and what each block's work is. When told to, the node builds a block
 * on its tip from the mempool (mempool.hpp, room max_block_bytes - header_bytes), accepts it and
 * announces it.
 * MINING (PoW, pow.cpp): a maker with hash share h = shares[maker] > 0 draws the delay to its next
 * block from next_block_delay_s (exponential, mean block_interval_s / h) and redraws whenever its
 * tip changes (memoryless; a stale timer is recognised by its generation and ignored). Work per
 * block is hashes_per_block (constant difficulty, so most work = longest chain).
 * FORGING (PoS, pos.cpp): a validator (maker set) wakes at every slot boundary k * slot_s
 * (block_interval_s); if pos_slot_leader(shares, schedule_seed, k) is itself it builds a block
 * (work 1). Slot 0 (time 0) is skipped: the first slot is 1.
 */
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "models/core/node.hpp"
#include "models/core/signal.hpp"
#include "models/p2p/block.hpp"
#include "models/p2p/block_tree.hpp"
#include "models/p2p/leader_election.hpp"
#include "models/p2p/mempool.hpp"

namespace ebsim::p2p {

/** Simulated sizes of the gossip messages (bytes). */
struct P2pSizes {
  double message_header_bytes = 24.0;   // every message (Bitcoin's P2P header)
  double inventory_entry_bytes = 36.0;  // one id in an announcement or request (type + 32-byte hash)
  double block_header_bytes = 80.0;     // a block's header (Bitcoin's)
  double short_id_bytes = 6.0;          // compact block: one transaction (BIP 152's short id)
  double compact_extra_bytes = 12.0;    // compact block: nonce (8) and the two list lengths
  double block_txs_fixed_bytes = 35.0;  // compact block's transaction request / answer: block hash (32) + list length (3)
  double tx_index_bytes = 1.0;          // one position in that request (differential, BIP 152)
};

/** One node of the chain; the run's nodes share genesis and tx_locator. */
struct P2pNodeParams {
  std::vector<NodeId> peers;                               // overlay neighbours (overlay.hpp), node ids
  std::string election = "pow";                            // leader election, by registered name (leader_election.hpp)
  LeaderElectionParams election_params;                    // what the election reads (shares, this node's maker index, ...)
  double max_block_bytes = ChainDefaults{}.max_block_bytes;                          // block size limit, header included
  double tx_relay_interval_s = 0.0;                        // mean trickle delay of transaction announcements (0: at once)
  bool compact_blocks = false;                             // deliver blocks as header + short ids (BIP 152)
  P2pSizes sizes;
  double verify_flops_per_block = 0.0;                     // CPU charged to check a received block
  double verify_flops_per_tx = 0.0;                        // CPU charged per transaction checked (received or in a block)
  BlockPtr genesis;                                        // the run's genesis block (nullptr: make_genesis(sizes.block_header_bytes))
  std::shared_ptr<TxLocator> tx_locator;                   // shared by the run's nodes (nullptr: the node's own)
};

/** Message bodies of the gossip (MessageType kTxAnnounce ... kP2pBlock). */
struct InventoryBody final : MessageBody {
  std::vector<std::uint64_t> ids;  // TxIds (kTxAnnounce, kTxRequest) or one BlockId (kBlockAnnounce, kBlockRequest)
};
struct TxBody final : MessageBody {
  std::vector<TxPtr> txs;
};
struct BlockBody final : MessageBody {
  BlockPtr block;
  bool compact = false;  // sent as header + short ids: the receiver must rebuild it from what it holds
};
/** kBlockTxRequest: the positions (in block order) of the compact block's transactions wanted. */
struct BlockTxRequestBody final : MessageBody {
  BlockId block = kGenesisBlockId;
  std::vector<std::uint32_t> indexes;
};
/** kBlockTxs: the block and the requested transactions (the block pointer stands for the
 * rebuilt block, which the receiver now holds in full). */
struct BlockTxsBody final : MessageBody {
  BlockPtr block;
  std::vector<TxPtr> txs;
};

/** The best chain changed at this node. */
struct TipChange {
  BlockPtr old_tip;
  BlockPtr new_tip;
  std::vector<BlockPtr> disconnected;  // old tip first (empty: the chain just grew)
  std::vector<BlockPtr> connected;     // fork point + 1 up to the new tip
  std::vector<TxPtr> returned;         // transactions of disconnected blocks put back in the mempool
  double at_s = 0.0;
};

/** Counters of one node. */
struct P2pNodeStats {
  std::uint64_t blocks_made = 0;       // mined (PoW) or forged (PoS) here
  std::uint64_t blocks_received = 0;   // block deliveries (duplicates included)
  std::uint64_t blocks_invalid = 0;    // deliveries that failed validation
  std::uint64_t orphans_received = 0;  // deliveries whose parent was unknown
  std::uint64_t txs_received = 0;      // transactions delivered (duplicates included)
  std::uint64_t compact_incomplete = 0; // compact blocks that lacked transactions here (one more round trip)
  std::uint64_t stale_timers = 0;      // mining timers that fired after the tip had changed (ignored)
};

class P2pNode final : public Node {
 public:
  /** Throws std::invalid_argument if params.election names no registered election. */
  explicit P2pNode(P2pNodeParams params);

  void on_start(NodeContext& ctx) override;
  void on_message(NodeContext& ctx, const Message& msg) override;
  void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) override;

  /** The owner submits a transaction: it enters this node's mempool (arrival now) and is
   * announced to every peer. Returns it as shared; false-y (nullptr) if its id is already known. */
  TxPtr submit_transaction(NodeContext& ctx, Transaction tx);

  /** Confirmations of transaction `tx` on this node's best chain (0: not on it). */
  std::uint64_t confirmations(TxId tx) const;
  /** True once `tx` has at least `z` confirmations here. */
  bool is_final(TxId tx, std::uint64_t z) const { return confirmations(tx) >= z; }

  const BlockTree& tree() const { return tree_; }
  const Mempool& mempool() const { return mempool_; }
  const P2pNodeStats& stats() const { return stats_; }
  const P2pNodeParams& params() const { return params_; }

  /** This node made `block` (before announcing it). */
  Signal<BlockPtr, double> block_made;
  /** This node accepted `block` into its tree for the first time at `at_s` (its own included):
   * the per-node receipt time that gives propagation delays. */
  Signal<BlockPtr, double> block_accepted;
  /** The best chain changed (extension or reorganisation). */
  Signal<TipChange> tip_changed;
  /** A delivered block failed validation: (block, reason). */
  Signal<BlockPtr, std::string> block_rejected;

 private:
  void receive_inventory(NodeContext& ctx, const Message& msg, bool is_block);
  void receive_request(NodeContext& ctx, const Message& msg, bool is_block);
  void receive_tx(NodeContext& ctx, const Message& msg);
  void receive_block(NodeContext& ctx, const Message& msg);
  void receive_block_tx_request(NodeContext& ctx, const Message& msg);
  void receive_block_txs(NodeContext& ctx, const Message& msg);
  /** Validate (CPU) and accept a block now held in full. */
  void complete_block(NodeContext& ctx, const BlockPtr& block, NodeId from);
  /** A delivery of `block` to send to a peer: full or compact (params_.compact_blocks). */
  Message block_message(BlockPtr block) const;
  bool holds_tx(TxId id) const { return mempool_.contains(id) || tree_.block_of(id).has_value(); }
  void accept_block(NodeContext& ctx, const BlockPtr& block, NodeId from);
  void make_block(NodeContext& ctx, std::uint64_t slot);
  /** Arm the election's timer, if it asked for one. */
  void arm(NodeContext& ctx, const std::optional<ElectionTimer>& timer);
  void announce_block(NodeContext& ctx, BlockId id, NodeId except);
  /** Queue `id` for every peer but `except`; sent at once or when the relay timer fires. */
  void relay_transaction(NodeContext& ctx, TxId id, NodeId except);
  void flush_transaction_announcements(NodeContext& ctx);
  void send_inventory(NodeContext& ctx, NodeId to, MessageType type, std::vector<std::uint64_t> ids);
  TxPtr find_tx(TxId id) const;

  P2pNodeParams params_;
  BlockTree tree_;
  Mempool mempool_;
  P2pNodeStats stats_;
  std::set<BlockId> blocks_requested_;  // asked for, not yet delivered
  absl::flat_hash_set<TxId> txs_requested_;
  absl::flat_hash_set<BlockId> compact_awaiting_;  // compact blocks waiting for their missing transactions
  std::vector<std::vector<TxId>> tx_announcements_due_;  // per peer (params_.peers order): ids not yet announced
  bool relay_timer_armed_ = false;
  std::unique_ptr<LeaderElection> election_;  // this node's part in choosing block makers
  double block_work_ = 1.0;                   // election_->block_work(), read once
  std::uint64_t blocks_made_seq_ = 0;
};

}  // namespace ebsim::p2p
