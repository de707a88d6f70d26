#include "models/agents/consortium_client.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "models/consensus/consortium_messages.hpp"
#include "models/ledger/block.hpp"
#include "models/ledger/crypto_costs.hpp"

namespace ebsim::agents {

using market::Side;

ConsortiumClient::ConsortiumClient(ConsortiumAccess access, ParticipantId self, NodeId management_node,
                                   double bid_bytes, market::MarketTiming timing, ConsortiumOrderOwner& owner)
    : access_(std::move(access)),
      self_(self),
      management_node_(management_node),
      bid_bytes_(bid_bytes),
      timing_(timing),
      owner_(owner) {}

void ConsortiumClient::send_order(NodeContext& ctx, const market::Order& order) {
  auto body = std::make_shared<consensus::SealedBidBody>();
  body->order = order;
  const ledger::Bytes plain = ledger::order_bytes(order);
  if (access_.suite != nullptr) {
    const ledger::CryptoCosts& costs = ledger::crypto_costs(access_.suite->id());
    const double n = static_cast<double>(plain.size());
    const double seconds = costs.hash_s(n) + costs.sign_s + costs.encrypt_s(n);
    crypto_cpu_s_ += seconds;
    ctx.compute(seconds * ledger::kReferenceFlops);
    if (access_.crypto_mode == consensus::CryptoMode::kReal) {
      body->signature = access_.suite->sign(access_.signing_key, plain);
      body->ciphertext = access_.suite->encrypt(access_.management_encryption_key, plain);
    }
  }
  orders_[order.id] = PendingOrder{};
  const double size = bid_bytes_ + access_.sizes.signature_bytes + access_.sizes.envelope_bytes;
  ctx.send(management_node_, Message{MessageType::kBid, kNoNode, kNoNode, size, 0.0, body});
  const double query_at = timing_.gate_closure_time_s(order.interval) + access_.query_delay_s;
  ctx.start_timer(std::max(0.0, query_at - ctx.now_s()), kQueryTag | order.interval);
}

void ConsortiumClient::on_accepted(OrderId id) { orders_[id].acked = true; }

void ConsortiumClient::on_result(NodeContext& ctx, const market::OrderFill& fill, IntervalIndex k) {
  const auto c = orders_.find(fill.order);
  if (c == orders_.end() || c->second.disputing || c->second.result_held) return;
  c->second.acked = true;
  if (access_.check_against_sync && synced_.count(k) == 0) {
    c->second.result_held = true;
    c->second.held = fill;
    return;
  }
  check_result(ctx, fill.order, fill, k);
}

void ConsortiumClient::on_sync(NodeContext& ctx, const Message& msg) {
  const auto& sync = msg.as<consensus::SyncBody>();
  ++synced_blocks_;
  synced_bytes_ += msg.size_bytes;
  const OrderId id = order_id(sync.interval);
  if (sync.interval >= timing_.intervals || owner_.pending_order(id) == nullptr) return;
  OwnTrades own;
  auto add = [&](const ledger::TradeTx& t) {
    if (t.buyer == self_ && t.buy_order.id == id) {
      own.matched_kwh += t.quantity_kwh;
      own.payment += t.quantity_kwh * t.price_per_kwh;
    }
    if (t.seller == self_ && t.sell_order.id == id) {
      own.matched_kwh += t.quantity_kwh;
      own.payment -= t.quantity_kwh * t.seller_price_per_kwh;
    }
  };
  if (sync.block) {
    for (const auto& tx : sync.block->transactions) add(tx.trade);
  } else {
    for (const auto& t : sync.own_trades) add(t);
  }
  synced_[sync.interval] = own;
  const auto c = orders_.find(id);
  if (c != orders_.end() && c->second.result_held) {
    c->second.result_held = false;
    check_result(ctx, id, c->second.held, sync.interval);
  }
}

void ConsortiumClient::on_dispute_reply(NodeContext& ctx, const Message& msg) {
  const auto& reply = msg.as<consensus::DisputeReplyBody>();
  const auto c = orders_.find(reply.fill.order);
  if (c == orders_.end() || !c->second.disputing) return;
  owner_.complete(ctx, reply.fill.order, reply.fill, true, reply.upheld);
}

void ConsortiumClient::on_query_timer(NodeContext& ctx, IntervalIndex k) {
  const OrderId id = order_id(k);
  const auto c = orders_.find(id);
  if (c == orders_.end() || owner_.pending_order(id) == nullptr) return;
  if (c->second.result_held) {
    // Answered, but the interval's chain sync has not come (lost?): check against the bid alone.
    c->second.result_held = false;
    check_result(ctx, id, c->second.held, k);
    return;
  }
  if (c->second.disputing) {
    send_dispute(ctx, id, k);
  } else {
    // Also without an acknowledgement (lost, or the node was down): the answer is the result, or
    // an ack with status kUnacknowledged once the round is final.
    auto q = std::make_shared<consensus::QueryBody>();
    q->interval = k;
    q->order = id;
    ctx.send(management_node_, Message{MessageType::kQuery, kNoNode, kNoNode, access_.sizes.query_bytes, 0.0, q});
  }
  ctx.start_timer(access_.query_retry_s, kQueryTag | k);
}

void ConsortiumClient::check_result(NodeContext& ctx, OrderId id, const market::OrderFill& fill, IntervalIndex k) {
  constexpr double kTol = 1e-9;
  const market::Order& order = *owner_.pending_order(id);
  bool contradicted = fill.matched_kwh > order.quantity_kwh + kTol || fill.matched_kwh < -kTol;
  if (fill.matched_kwh > kTol) {
    const double per_kwh = fill.payment / fill.matched_kwh;
    if (order.side == Side::kBuy) contradicted |= per_kwh > order.limit_price_per_kwh + kTol;
    else contradicted |= -per_kwh < order.limit_price_per_kwh - kTol;
  }
  if (const auto s = synced_.find(k); s != synced_.end()) {
    contradicted |= std::abs(s->second.matched_kwh - fill.matched_kwh) > kTol ||
                    std::abs(s->second.payment - fill.payment) > kTol;
  }
  if (!contradicted) {
    owner_.complete(ctx, id, fill, false, false);
    return;
  }
  PendingOrder& c = orders_.at(id);
  c.disputing = true;
  c.held = fill;
  c.dispute_raised_s = ctx.now_s();
  send_dispute(ctx, id, k);
}

void ConsortiumClient::send_dispute(NodeContext& ctx, OrderId id, IntervalIndex k) {
  const PendingOrder& c = orders_.at(id);
  auto d = std::make_shared<consensus::DisputeBody>();
  d->interval = k;
  d->order = *owner_.pending_order(id);
  d->reported = c.held;
  d->raised_s = c.dispute_raised_s;
  d->participant_node = ctx.self();
  if (access_.suite != nullptr) {
    const ledger::CryptoCosts& costs = ledger::crypto_costs(access_.suite->id());
    const double seconds = costs.sign_s + costs.encrypt_s(access_.sizes.control_bytes);
    crypto_cpu_s_ += seconds;
    ctx.compute(seconds * ledger::kReferenceFlops);
  }
  const double size = access_.sizes.control_bytes + access_.sizes.signature_bytes + access_.sizes.envelope_bytes;
  ctx.send(management_node_, Message{MessageType::kDispute, kNoNode, kNoNode, size, 0.0, d});
}

void ConsortiumClient::on_final(OrderId id, IntervalIndex k) {
  synced_.erase(k);
  orders_.erase(id);
}

}  // namespace ebsim::agents
