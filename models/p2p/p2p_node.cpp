#include "models/p2p/p2p_node.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>


namespace ebsim::p2p {
namespace {

// Timer tags: the kind in the top byte, the payload (mining generation or slot) below it.
constexpr std::uint64_t kKindShift = 56;
constexpr std::uint64_t kPayloadMask = (std::uint64_t{1} << kKindShift) - 1;
constexpr std::uint64_t kElectionTimer = 1;
constexpr std::uint64_t kRelayTimer = 3;

std::uint64_t make_tag(std::uint64_t kind, std::uint64_t payload) { return (kind << kKindShift) | (payload & kPayloadMask); }

/** A transaction the model can carry: positive finite size, finite non-negative fee. */
bool is_well_formed(const Transaction& tx) {
  return tx.size_bytes > 0.0 && std::isfinite(tx.size_bytes) && tx.fee >= 0.0 && std::isfinite(tx.fee);
}

BlockTreeParams tree_params(const P2pNodeParams& p) { return BlockTreeParams{p.max_block_bytes}; }

BlockPtr genesis_of(const P2pNodeParams& p) { return p.genesis ? p.genesis : make_genesis(p.sizes.block_header_bytes); }

std::unique_ptr<LeaderElection> election_of(const P2pNodeParams& p) {
  auto election = LeaderElectionRegistry::instance().create(p.election, p.election_params);
  if (!election) throw std::invalid_argument("p2p node: no leader election called '" + p.election + "'");
  return election;
}

}  // namespace

P2pNode::P2pNode(P2pNodeParams params)
    : params_(std::move(params)),
      tree_(genesis_of(params_), tree_params(params_), params_.tx_locator),
      tx_announcements_due_(params_.peers.size()),
      election_(election_of(params_)),
      block_work_(election_->block_work()) {}

void P2pNode::on_start(NodeContext& ctx) { arm(ctx, election_->start(ctx.now_s(), ctx.rng())); }

void P2pNode::on_message(NodeContext& ctx, const Message& msg) {
  switch (msg.type) {
    case MessageType::kTxAnnounce: receive_inventory(ctx, msg, false); return;
    case MessageType::kBlockAnnounce: receive_inventory(ctx, msg, true); return;
    case MessageType::kTxRequest: receive_request(ctx, msg, false); return;
    case MessageType::kBlockRequest: receive_request(ctx, msg, true); return;
    case MessageType::kTx: receive_tx(ctx, msg); return;
    case MessageType::kP2pBlock: receive_block(ctx, msg); return;
    case MessageType::kBlockTxRequest: receive_block_tx_request(ctx, msg); return;
    case MessageType::kBlockTxs: receive_block_txs(ctx, msg); return;
    case MessageType::kBid:
    case MessageType::kAck:
    case MessageType::kResult:
    case MessageType::kSettlement:
    case MessageType::kQuery:
    case MessageType::kBundle:
    case MessageType::kProposal:
    case MessageType::kVote:
    case MessageType::kBlock:
    case MessageType::kSync:
    case MessageType::kDispute:
    case MessageType::kDisputeReply:
    case MessageType::kCatchUp:
    case MessageType::kCatchUpReply:
    case MessageType::kPbftPrePrepare:
    case MessageType::kPbftPrepare:
    case MessageType::kPbftCommit:
    case MessageType::kPbftViewChange:
    case MessageType::kPbftNewView:
    case MessageType::kReopen: return;  // other designs' messages
  }
}

void P2pNode::on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) {
  const std::uint64_t kind = tag >> kKindShift;
  const std::uint64_t payload = tag & kPayloadMask;
  if (kind == kElectionTimer) {
    const ElectionStep step = election_->on_timer(payload, ctx.now_s());
    if (step.stale) ++stats_.stale_timers;
    if (step.make_in_slot) make_block(ctx, *step.make_in_slot);
    arm(ctx, step.next);
  } else if (kind == kRelayTimer) {
    relay_timer_armed_ = false;
    flush_transaction_announcements(ctx);
  }
}

TxPtr P2pNode::submit_transaction(NodeContext& ctx, Transaction tx) {
  if (find_tx(tx.id) || tree_.block_of(tx.id)) return nullptr;
  auto shared = std::make_shared<const Transaction>(std::move(tx));
  mempool_.add(shared, ctx.now_s());
  relay_transaction(ctx, shared->id, kNoNode);
  return shared;
}

std::uint64_t P2pNode::confirmations(TxId tx) const { return tree_.tx_confirmations(tx); }

void P2pNode::receive_inventory(NodeContext& ctx, const Message& msg, bool is_block) {
  std::vector<std::uint64_t> wanted;
  for (const std::uint64_t id : msg.as<InventoryBody>().ids) {
    const bool known = is_block ? tree_.contains(id) || tree_.is_orphan(id) || compact_awaiting_.contains(id) : holds_tx(id);
    if (known) continue;
    if (is_block ? blocks_requested_.insert(id).second : txs_requested_.insert(id).second) wanted.push_back(id);
  }
  if (wanted.empty()) return;
  send_inventory(ctx, msg.from, is_block ? MessageType::kBlockRequest : MessageType::kTxRequest, std::move(wanted));
}

void P2pNode::receive_request(NodeContext& ctx, const Message& msg, bool is_block) {
  const std::vector<std::uint64_t>& ids = msg.as<InventoryBody>().ids;
  Message reply;
  if (is_block) {
    for (const BlockId id : ids) {
      BlockPtr block = tree_.find(id);
      if (!block) continue;  // only blocks in the tree are served (orphans are not yet valid)
      ctx.send(msg.from, block_message(std::move(block)));
    }
    return;
  }
  auto body = std::make_shared<TxBody>();
  for (const TxId id : ids) {
    TxPtr tx = find_tx(id);
    if (!tx) continue;
    reply.size_bytes += params_.sizes.message_header_bytes + tx->size_bytes;
    body->txs.push_back(std::move(tx));
  }
  if (body->txs.empty()) return;
  reply.type = MessageType::kTx;
  reply.body = std::move(body);
  ctx.send(msg.from, std::move(reply));
}

void P2pNode::receive_tx(NodeContext& ctx, const Message& msg) {
  for (const TxPtr& tx : msg.as<TxBody>().txs) {
    ++stats_.txs_received;
    txs_requested_.erase(tx->id);
    if (holds_tx(tx->id)) continue;
    ctx.compute(params_.verify_flops_per_tx);
    if (!is_well_formed(*tx)) continue;
    mempool_.add(tx, ctx.now_s());
    relay_transaction(ctx, tx->id, msg.from);
  }
}

Message P2pNode::block_message(BlockPtr block) const {
  const P2pSizes& sizes = params_.sizes;
  Message msg;
  msg.type = MessageType::kP2pBlock;
  auto body = std::make_shared<BlockBody>();
  body->compact = params_.compact_blocks;
  msg.size_bytes = sizes.message_header_bytes +
                   (body->compact ? block->header_bytes + sizes.compact_extra_bytes +
                                        sizes.short_id_bytes * static_cast<double>(block->transactions.size())
                                  : block->size_bytes);
  body->block = std::move(block);
  msg.body = std::move(body);
  return msg;
}

void P2pNode::receive_block(NodeContext& ctx, const Message& msg) {
  const BlockBody& body = msg.as<BlockBody>();
  const BlockPtr& block = body.block;
  ++stats_.blocks_received;
  blocks_requested_.erase(block->id);
  if (tree_.contains(block->id) || tree_.is_orphan(block->id)) return;
  if (body.compact) {
    if (compact_awaiting_.contains(block->id)) return;  // already rebuilding it from another delivery
    auto request = std::make_shared<BlockTxRequestBody>();
    request->block = block->id;
    for (std::size_t i = 0; i < block->transactions.size(); ++i) {
      if (!holds_tx(block->transactions[i]->id)) request->indexes.push_back(static_cast<std::uint32_t>(i));
    }
    if (!request->indexes.empty()) {
      ++stats_.compact_incomplete;
      compact_awaiting_.insert(block->id);
      const P2pSizes& sizes = params_.sizes;
      const double bytes = sizes.message_header_bytes + sizes.block_txs_fixed_bytes +
                           sizes.tx_index_bytes * static_cast<double>(request->indexes.size());
      ctx.send(msg.from, Message{MessageType::kBlockTxRequest, kNoNode, kNoNode, bytes, 0.0, std::move(request)});
      return;
    }
  }
  complete_block(ctx, block, msg.from);
}

void P2pNode::receive_block_tx_request(NodeContext& ctx, const Message& msg) {
  const BlockTxRequestBody& request = msg.as<BlockTxRequestBody>();
  BlockPtr block = tree_.find(request.block);
  if (!block) return;  // it sent the compact block, so it holds it; nothing else asks
  auto answer = std::make_shared<BlockTxsBody>();
  double bytes = params_.sizes.message_header_bytes + params_.sizes.block_txs_fixed_bytes;
  for (const std::uint32_t i : request.indexes) {
    if (i >= block->transactions.size()) continue;
    bytes += block->transactions[i]->size_bytes;
    answer->txs.push_back(block->transactions[i]);
  }
  answer->block = std::move(block);
  ctx.send(msg.from, Message{MessageType::kBlockTxs, kNoNode, kNoNode, bytes, 0.0, std::move(answer)});
}

void P2pNode::receive_block_txs(NodeContext& ctx, const Message& msg) {
  const BlockPtr& block = msg.as<BlockTxsBody>().block;
  if (compact_awaiting_.erase(block->id) == 0) return;
  stats_.txs_received += msg.as<BlockTxsBody>().txs.size();
  if (tree_.contains(block->id) || tree_.is_orphan(block->id)) return;
  complete_block(ctx, block, msg.from);
}

void P2pNode::complete_block(NodeContext& ctx, const BlockPtr& block, NodeId from) {
  ctx.compute(params_.verify_flops_per_block +
              params_.verify_flops_per_tx * static_cast<double>(block->transactions.size()));
  accept_block(ctx, block, from);
}

void P2pNode::accept_block(NodeContext& ctx, const BlockPtr& block, NodeId from) {
  const BlockPtr old_tip = tree_.tip();
  AddResult result = tree_.add(block);
  switch (result.status) {
    case AddStatus::kDuplicate: return;
    case AddStatus::kInvalid:
      ++stats_.blocks_invalid;
      block_rejected.emit(block, result.reason);
      return;
    case AddStatus::kOrphan:
      ++stats_.orphans_received;
      if (!tree_.contains(result.missing_parent) && !tree_.is_orphan(result.missing_parent) &&
          blocks_requested_.insert(result.missing_parent).second && from != kNoNode) {
        send_inventory(ctx, from, MessageType::kBlockRequest, {result.missing_parent});
      }
      return;
    case AddStatus::kExtendedTip:
    case AddStatus::kReorganised:
    case AddStatus::kSideBranch: break;
  }
  for (const auto& accepted : result.accepted) {
    block_accepted.emit(accepted, ctx.now_s());
    announce_block(ctx, accepted->id, accepted == block ? from : kNoNode);
  }
  if (result.status == AddStatus::kSideBranch) return;

  TipChange change;
  change.old_tip = old_tip;
  change.new_tip = tree_.tip();
  change.returned = mempool_.apply_chain_change(result.disconnected, result.connected, ctx.now_s());
  change.disconnected = std::move(result.disconnected);
  change.connected = std::move(result.connected);
  change.at_s = ctx.now_s();
  arm(ctx, election_->tip_changed(ctx.rng()));
  tip_changed.emit(change);
}

void P2pNode::make_block(NodeContext& ctx, std::uint64_t slot) {
  auto block = std::make_shared<Block>();
  const BlockPtr& tip = tree_.tip();
  block->id = make_block_id(ctx.self(), ++blocks_made_seq_);
  block->parent = tip->id;
  block->height = tip->height + 1;
  block->work = block_work_;
  block->miner = ctx.self();
  block->mined_s = ctx.now_s();
  block->slot = slot;
  block->header_bytes = params_.sizes.block_header_bytes;
  block->transactions = mempool_.select(params_.max_block_bytes - block->header_bytes);
  block->size_bytes = block_size_bytes(block->header_bytes, block->transactions);
  ++stats_.blocks_made;
  BlockPtr made = std::move(block);
  block_made.emit(made, ctx.now_s());
  accept_block(ctx, made, kNoNode);
}

void P2pNode::arm(NodeContext& ctx, const std::optional<ElectionTimer>& timer) {
  if (timer) ctx.start_timer(timer->delay_s, make_tag(kElectionTimer, timer->payload));
}

void P2pNode::announce_block(NodeContext& ctx, BlockId id, NodeId except) {
  for (NodeId peer : params_.peers) {
    if (peer != except) send_inventory(ctx, peer, MessageType::kBlockAnnounce, {id});
  }
}

void P2pNode::relay_transaction(NodeContext& ctx, TxId id, NodeId except) {
  for (std::size_t i = 0; i < params_.peers.size(); ++i) {
    if (params_.peers[i] != except) tx_announcements_due_[i].push_back(id);
  }
  if (!(params_.tx_relay_interval_s > 0.0)) {
    flush_transaction_announcements(ctx);
  } else if (!relay_timer_armed_) {
    ctx.start_timer(ctx.rng().exponential(params_.tx_relay_interval_s), make_tag(kRelayTimer, 0));
    relay_timer_armed_ = true;
  }
}

void P2pNode::flush_transaction_announcements(NodeContext& ctx) {
  for (std::size_t i = 0; i < params_.peers.size(); ++i) {
    if (tx_announcements_due_[i].empty()) continue;
    send_inventory(ctx, params_.peers[i], MessageType::kTxAnnounce, std::move(tx_announcements_due_[i]));
    tx_announcements_due_[i].clear();
  }
}

void P2pNode::send_inventory(NodeContext& ctx, NodeId to, MessageType type, std::vector<std::uint64_t> ids) {
  Message msg;
  msg.type = type;
  msg.size_bytes = params_.sizes.message_header_bytes +
                   params_.sizes.inventory_entry_bytes * static_cast<double>(ids.size());
  auto body = std::make_shared<InventoryBody>();
  body->ids = std::move(ids);
  msg.body = std::move(body);
  ctx.send(to, std::move(msg));
}

TxPtr P2pNode::find_tx(TxId id) const {
  if (TxPtr tx = mempool_.find(id)) return tx;
  if (const auto block_id = tree_.block_of(id)) {
    for (const auto& tx : tree_.find(*block_id)->transactions) {
      if (tx->id == id) return tx;
    }
  }
  return nullptr;
}

}  // namespace ebsim::p2p
