#include "models/consensus/chain_store.hpp"

#include <iterator>

#include "models/ledger/chain_verify.hpp"

namespace ebsim::consensus {

void ChainStore::offer(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body, NodeId from) {
  const std::uint64_t h = body->block->header.height;
  if (h < chain_.size()) return;  // already have it
  if (h > chain_.size()) {
    future_blocks_[h] = body;
    request_catch_up(ctx, from);
    return;
  }
  append(ctx, body, true);
}

bool ChainStore::append(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body, bool verify) {
  const ManagementNodeParams& p = node_.params();
  const ledger::Block& block = *body->block;
  const IntervalIndex k = block.header.interval;
  if (block.header.height != chain_.size() || is_final(k) || k >= p.timing.intervals) return false;
  if (verify) {
    double sigs = 1.0 + block.confirmations.size();
    for (const auto& tx : block.transactions) sigs += 2.0 + tx.management_signatures.size();
    node_.charge_crypto(ctx, node_.costs().verify_s * sigs + node_.costs().hash_s(node_.block_size(block)));
    const auto problem = ledger::verify_block(*p.suite, *p.directory, block, chain_.empty() ? nullptr : &chain_.back().header,
                                              chain_.size());
    if (problem) {
      ++blocks_rejected_;
      return false;
    }
  }
  chain_.push_back(block);
  chain_books_.push_back(body->book_orders);
  final_height_[k] = block.header.height;
  appended_.emit(p.index, block, ctx.now_s());
  listener_->on_block_final(ctx, k);
  // Blocks that arrived early, and a finalisation that waited for this one.
  while (true) {
    auto it = future_blocks_.find(chain_.size());
    if (it == future_blocks_.end()) break;
    auto next = it->second;
    future_blocks_.erase(future_blocks_.begin(), std::next(it));
    if (!append(ctx, next, true)) break;
  }
  listener_->on_chain_grown(ctx);
  return true;
}

void ChainStore::request_catch_up(NodeContext& ctx, NodeId only) {
  const ManagementNodeParams& p = node_.params();
  auto body = std::make_shared<CatchUpBody>();
  body->from_height = chain_.size();
  for (std::uint32_t m = 0; m < node_.count(); ++m) {
    if (m == p.index) continue;
    if (only != kNoNode && node_.node_of(m) != only) continue;
    node_.send(ctx, node_.node_of(m), MessageType::kCatchUp, p.sizes.control_bytes + p.sizes.signature_bytes, body);
  }
}

void ChainStore::receive_catch_up(NodeContext& ctx, const Message& msg) {
  const auto& req = msg.as<CatchUpBody>();
  if (req.from_height >= chain_.size()) return;
  auto reply = std::make_shared<CatchUpReplyBody>();
  double size = node_.params().sizes.control_bytes;
  for (std::uint64_t h = req.from_height; h < chain_.size(); ++h) {
    auto b = std::make_shared<BlockBody>();
    b->block = std::make_shared<const ledger::Block>(chain_[h]);
    b->book_orders = chain_books_[h];
    size += node_.block_size(chain_[h]);
    reply->blocks.push_back(std::move(b));
  }
  node_.send(ctx, msg.from, MessageType::kCatchUpReply, size, reply);
}

void ChainStore::receive_catch_up_reply(NodeContext& ctx, const Message& msg) {
  const auto& reply = msg.as<CatchUpReplyBody>();
  for (const auto& b : reply.blocks) {
    const std::uint64_t h = b->block->header.height;
    if (h < chain_.size()) continue;
    if (h > chain_.size()) {
      future_blocks_[h] = b;
      continue;
    }
    if (!append(ctx, b, true)) break;
  }
}

}  // namespace ebsim::consensus
