#pragma once
/** A management node's copy of the chain (on disk: it survives a crash), with the order ids of
 * each block's clearing input, the blocks that arrived ahead of their predecessors, and the
 * catch-up exchange with the other management nodes. */
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "models/consensus/consortium_messages.hpp"
#include "models/consensus/management_common.hpp"
#include "models/core/signal.hpp"
#include "models/ledger/block.hpp"

namespace ebsim::consensus {

/** What the chain store tells its node as blocks are appended. */
class ChainListener {
 public:
  virtual ~ChainListener() = default;
  /** Interval `k`'s block was appended (block_appended already emitted). */
  virtual void on_block_final(NodeContext& ctx, IntervalIndex k) = 0;
  /** An append (and the blocks it let follow) is done: a finalisation waiting for it may go on. */
  virtual void on_chain_grown(NodeContext& ctx) = 0;
};

/** The chain of one management node. */
class ChainStore {
 public:
  /** Emits `appended` (this node's index, the block, the time) per block. REQUIRES: both outlive this. */
  ChainStore(ManagementCommon& node, Signal<std::uint32_t, ledger::Block, double>& appended)
      : node_(node), appended_(appended) {}
  /** Who hears of appended blocks (the node shell). REQUIRES: set before the first append. */
  void set_listener(ChainListener& listener) { listener_ = &listener; }

  /** The blocks, by height. */
  const std::vector<ledger::Block>& blocks() const { return chain_; }
  /** Number of blocks. */
  std::uint64_t height() const { return chain_.size(); }
  /** Does the chain hold interval `k`'s block? */
  bool is_final(IntervalIndex k) const { return final_height_.count(k) != 0; }
  /** Interval `k`'s block. REQUIRES: is_final(k). */
  const ledger::Block& final_block(IntervalIndex k) const { return chain_[final_height_.at(k)]; }
  /** The ids of the orders in `k`'s clearing input, sorted. REQUIRES: is_final(k). */
  const std::vector<OrderId>& final_book(IntervalIndex k) const { return chain_books_[final_height_.at(k)]; }
  /** Interval -> height of every block held. */
  const std::map<IntervalIndex, std::uint64_t>& final_heights() const { return final_height_; }
  /** Blocks received that failed ledger::verify_block (never appended). */
  std::uint64_t blocks_rejected() const { return blocks_rejected_; }

  /** A block from `from` (kNoNode: from this node's agreement): append it, or keep it and ask
   * `from` for the missing ones if it is ahead. */
  void offer(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body, NodeId from);
  /** Append `body` if it is the next block (checking it with ledger::verify_block if `verify`),
   * then the kept blocks that follow it. False if it was not appended. */
  bool append(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body, bool verify);
  /** Ask the other management nodes (or only node `only`) for the blocks after this chain's. */
  void request_catch_up(NodeContext& ctx, NodeId only);
  /** kCatchUp: send the asker the blocks it lacks. */
  void receive_catch_up(NodeContext& ctx, const Message& msg);
  /** kCatchUpReply: append (or keep) the blocks. */
  void receive_catch_up_reply(NodeContext& ctx, const Message& msg);
  /** A crash: the blocks kept ahead of their predecessors are lost (the chain is not). */
  void forget_future() { future_blocks_.clear(); }

 private:
  ManagementCommon& node_;
  Signal<std::uint32_t, ledger::Block, double>& appended_;
  ChainListener* listener_ = nullptr;
  std::vector<ledger::Block> chain_;
  std::vector<std::vector<OrderId>> chain_books_;  // per height: ids of the orders in the clearing input (sorted)
  std::map<IntervalIndex, std::uint64_t> final_height_;  // interval -> height
  std::uint64_t blocks_rejected_ = 0;
  std::map<std::uint64_t, std::shared_ptr<const BlockBody>> future_blocks_;  // volatile: by height
};

}  // namespace ebsim::consensus
