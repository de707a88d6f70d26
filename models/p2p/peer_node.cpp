#include "models/p2p/peer_node.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "models/market/messages.hpp"

namespace ebsim::p2p {

PeerNode::PeerNode(PeerNodeParams params)
    : params_(std::move(params)), inner_(params_.node), finals_(params_.timing->intervals) {
  inner_.tip_changed.connect([this](const TipChange&) { tip_moved_ = true; });
}

void PeerNode::on_message(NodeContext& ctx, const Message& msg) {
  if (msg.type == MessageType::kBid) {
    submit(ctx, msg.as<market::BidBody>().order);
    return;
  }
  if (msg.type == MessageType::kQuery) {
    serve_light_client(ctx, msg.from, msg.as<LightQueryBody>().order);
    return;
  }
  inner_.on_message(ctx, msg);
  check_finality_if_tip_moved(ctx);
}

void PeerNode::on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) {
  if (stopped_) return;  // the miner has stopped: its mining (or slot) timers end here
  inner_.on_timer(ctx, id, tag);
  check_finality_if_tip_moved(ctx);
}

void PeerNode::serve_light_client(NodeContext& ctx, NodeId client, const market::Order& order) {
  const IntervalIndex k = order.interval;
  if (k < next_) {
    const auto closing = closing_height(inner_.tree(), params_.timing->gate_closure_time_s(k));
    if (closing) {
      answer_light_client(ctx, LightQuery{client, order}, k, *closing);
      return;
    }
  }
  light_queries_[k].push_back(LightQuery{client, order});
}

void PeerNode::answer_light_client(NodeContext& ctx, const LightQuery& query, IntervalIndex k, std::uint64_t closing) {
  const BlockTree& tree = inner_.tree();
  Message outcome = outcome_of(query.order, k, closing);
  auto answer = std::make_shared<LightAnswerBody>();
  answer->outcome_type = outcome.type;
  answer->outcome = outcome.body;
  answer->outcome_bytes = outcome.size_bytes;
  answer->interval = k;
  answer->gate_block = tree.best_chain()[closing - 1];
  std::uint64_t& synced = client_synced_height_[query.client];
  const std::uint64_t new_headers = tree.height() - std::min(synced, tree.height());
  synced = std::max(synced, tree.height());
  std::optional<std::size_t> block_transactions;
  if (const auto block = tree.block_of(query.order.id)) block_transactions = tree.find(*block)->transactions.size();
  const double proof_bytes = light_proof_bytes(params_.node.sizes.block_header_bytes, new_headers, block_transactions);
  ctx.send(query.client, Message{MessageType::kResult, kNoNode, kNoNode, outcome.size_bytes + proof_bytes, 0.0, answer});
}

void PeerNode::submit(NodeContext& ctx, market::Order order) {
  order.arrived_s = ctx.now_s();
  orders_[order.interval] = order;
  Transaction tx;
  tx.id = order.id;
  tx.sender = order.participant;
  tx.order = order;
  tx.fee = params_.fee;
  tx.size_bytes = params_.transaction_bytes;
  tx.created_s = ctx.now_s();
  inner_.submit_transaction(ctx, std::move(tx));
}

void PeerNode::check_finality_if_tip_moved(NodeContext& ctx) {
  if (!tip_moved_) return;
  tip_moved_ = false;
  check_finality(ctx);
}

void PeerNode::check_finality(NodeContext& ctx) {
  const BlockTree& tree = inner_.tree();
  const market::MarketTiming& timing = *params_.timing;
  while (next_ < timing.intervals) {
    const auto closing = closing_height(tree, timing.gate_closure_time_s(next_));
    if (!closing || !is_final(tree, *closing, params_.confirmations)) break;
    finalise(ctx, next_, *closing);
    ++next_;
  }
  if (params_.miner && !stopped_ && next_ == timing.intervals && timing.intervals > 0) {
    const auto closing = closing_height(tree, timing.gate_closure_time_s(timing.intervals - 1));
    if (closing && is_final(tree, *closing, params_.confirmations + params_.tail_blocks)) stopped_ = true;
  }
}

void PeerNode::finalise(NodeContext& ctx, IntervalIndex k, std::uint64_t closing) {
  const BlockTree& tree = inner_.tree();
  const BlockId gate = tree.best_chain()[closing - 1];
  finals_[k] = NodeFinal{gate, ctx.now_s()};
  if (const auto waiting = light_queries_.find(k); waiting != light_queries_.end()) {
    for (const LightQuery& query : waiting->second) answer_light_client(ctx, query, k, closing);
    light_queries_.erase(waiting);
  }
  if (!params_.owner) return;
  const auto own = orders_.find(k);
  if (own == orders_.end()) return;
  ctx.send(*params_.owner, outcome_of(own->second, k, closing));
}

Message PeerNode::outcome_of(const market::Order& order, IntervalIndex k, std::uint64_t closing) {
  const BlockTree& tree = inner_.tree();
  const auto block = tree.block_of(order.id);
  const bool in_time = block && tree.find(*block)->height < closing;
  if (!in_time) {
    auto ack = std::make_shared<market::AckBody>();
    ack->order = order.id;
    ack->status = market::OrderStatus::kLate;
    ack->arrived_s = order.arrived_s;
    return Message{MessageType::kAck, kNoNode, kNoNode, params_.ack_bytes, 0.0, ack};
  }
  const ContractClearing& clearing = params_.contract->clear(tree, closing - 1, k, params_.timing->market_open_s(k));
  const ContractFill got = contract_fill(clearing, order.id, tree.find(*block)->mined_s);
  auto result = std::make_shared<market::ResultBody>();
  result->interval = k;
  result->fills.push_back(got.fill);
  result->trade_count = got.trades;
  return Message{MessageType::kResult, kNoNode, kNoNode, params_.result_bytes, 0.0, result};
}

const PeerNode& heaviest_peer(const std::vector<PeerNode*>& peers) {
  const PeerNode* best = peers.front();
  for (const PeerNode* peer : peers) {
    const auto& t = peer->inner().tree();
    const auto& b = best->inner().tree();
    if (t.tip_work() > b.tip_work() || (t.tip_work() == b.tip_work() && t.tip()->id < b.tip()->id)) best = peer;
  }
  return *best;
}

}  // namespace ebsim::p2p
