#include "models/agents/participant.hpp"

#include <cmath>

#include "models/consensus/consortium_messages.hpp"
#include "models/ledger/block.hpp"
#include "models/ledger/crypto_costs.hpp"
#include "models/market/messages.hpp"

namespace ebsim::agents {

using market::OrderStatus;
using market::Side;

Participant::Participant(ParticipantParams params)
    : params_(std::move(params)), soc_kwh_(params_.initial_soc_kwh), meters_(params_.timing.intervals) {}

void Participant::on_start(NodeContext& ctx) {
  if (params_.timing.intervals > 0) schedule_order(ctx, 0);
}

void Participant::schedule_order(NodeContext& ctx, IntervalIndex k) {
  const double send_at_s = params_.timing.market_open_s(k) + ctx.rng().uniform(0.0, params_.timing.bid_window_s);
  ctx.start_timer(std::max(0.0, send_at_s - ctx.now_s()), k);
}

void Participant::meter_interval(IntervalIndex k) {
  const double h = params_.timing.interval_h();
  market::MeterReading& m = meters_[k];
  m.load_kwh = params_.load_kw[k] * h;
  m.pv_kwh = params_.pv_kw.empty() ? 0.0 : params_.pv_kw[k] * h;
  if (params_.has_battery) {
    const BatteryStep step = self_consumption_step(params_.battery, soc_kwh_, m.load_kwh - m.pv_kwh, h);
    m.battery_charge_kwh = step.charge_kwh;
    m.battery_discharge_kwh = step.discharge_kwh;
    soc_kwh_ = step.soc_end_kwh;
  }
  m.soc_end_kwh = soc_kwh_;
}

void Participant::on_timer(NodeContext& ctx, TimerId, std::uint64_t tag) {
  if (tag & kQueryTag) {
    query_timer(ctx, static_cast<IntervalIndex>(tag & 0xFFFFFFFFull));
    return;
  }
  const auto k = static_cast<IntervalIndex>(tag);
  meter_interval(k);  // perfect foresight of the own interval: the order covers the metered residual
  const market::MeterReading& m = meters_[k];
  const double residual_kwh = m.load_kwh + m.battery_charge_kwh - m.pv_kwh - m.battery_discharge_kwh;
  if (residual_kwh > kMinOrderKwh || residual_kwh < -kMinOrderKwh) {
    market::Order order;
    order.id = static_cast<OrderId>(params_.id) * params_.timing.intervals + k + 1;  // one order per interval
    order.participant = params_.id;
    order.interval = k;
    order.side = residual_kwh > 0 ? Side::kBuy : Side::kSell;
    order.quantity_kwh = residual_kwh > 0 ? residual_kwh : -residual_kwh;
    order.limit_price_per_kwh =
        params_.strategy->limit_price_per_kwh(order.side, order.quantity_kwh, params_.prices, ctx.rng());
    order.submitted_s = ctx.now_s();
    pending_[order.id] = OrderOutcome{order};
    if (params_.consortium) {
      send_sealed(ctx, order);
    } else {
      auto body = std::make_shared<market::BidBody>();
      body->order = order;
      ctx.send(params_.market_node, Message{MessageType::kBid, kNoNode, kNoNode, params_.bid_bytes, 0.0, body});
    }
  }
  if (k + 1 < params_.timing.intervals) schedule_order(ctx, k + 1);
}

void Participant::on_message(NodeContext& ctx, const Message& msg) {
  switch (msg.type) {
    case MessageType::kAck: {
      const auto& ack = msg.as<market::AckBody>();
      const auto it = pending_.find(ack.order);
      if (it == pending_.end()) return;  // the result overtook the acknowledgement
      it->second.order.arrived_s = ack.arrived_s;
      if (ack.status != OrderStatus::kAccepted) {
        it->second.status = ack.status;
        order_completed.emit(it->second);
        pending_.erase(it);
        consortium_.erase(ack.order);
      } else if (params_.consortium) {
        consortium_[ack.order].acked = true;
      }
      return;
    }
    case MessageType::kResult: {
      const auto& result = msg.as<market::ResultBody>();
      for (const market::OrderFill& fill : result.fills) {
        const auto it = pending_.find(fill.order);
        if (it == pending_.end()) continue;
        if (params_.consortium) {
          consortium_result(ctx, fill, result.interval);
          continue;
        }
        it->second.order.arrived_s = fill.arrived_s;
        it->second.status = OrderStatus::kAccepted;
        it->second.matched_kwh = fill.matched_kwh;
        it->second.result_received_s = ctx.now_s();
        order_completed.emit(it->second);
        pending_.erase(it);
      }
      return;
    }
    case MessageType::kSync: {
      const auto& sync = msg.as<consensus::SyncBody>();
      ++synced_blocks_;
      synced_bytes_ += msg.size_bytes;
      const OrderId id = order_id(sync.interval);
      if (sync.interval >= params_.timing.intervals || pending_.count(id) == 0) return;
      OwnTrades own;
      auto add = [&](const ledger::TradeTx& t) {
        if (t.buyer == params_.id && t.buy_order.id == id) {
          own.matched_kwh += t.quantity_kwh;
          own.payment += t.quantity_kwh * t.price_per_kwh;
        }
        if (t.seller == params_.id && t.sell_order.id == id) {
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
      const auto c = consortium_.find(id);
      if (c != consortium_.end() && c->second.result_held) {
        c->second.result_held = false;
        check_result(ctx, id, c->second.held, sync.interval);
      }
      return;
    }
    case MessageType::kDisputeReply: {
      const auto& reply = msg.as<consensus::DisputeReplyBody>();
      const auto c = consortium_.find(reply.fill.order);
      if (c == consortium_.end() || !c->second.disputing) return;
      complete(ctx, reply.fill.order, reply.fill, true, reply.upheld);
      return;
    }
    case MessageType::kSettlement:
      return;  // the statement is informational: settlement is recorded by the market
    case MessageType::kReopen:
      return;  // informational: the remainder was re-cleared by the management nodes
    case MessageType::kBid:
    case MessageType::kQuery:
    case MessageType::kBundle:
    case MessageType::kProposal:
    case MessageType::kVote:
    case MessageType::kBlock:
    case MessageType::kDispute:
    case MessageType::kCatchUp:
    case MessageType::kCatchUpReply:
    case MessageType::kPbftPrePrepare:
    case MessageType::kPbftPrepare:
    case MessageType::kPbftCommit:
    case MessageType::kPbftViewChange:
    case MessageType::kPbftNewView:
    case MessageType::kTxAnnounce:
    case MessageType::kTxRequest:
    case MessageType::kTx:
    case MessageType::kBlockAnnounce:
    case MessageType::kBlockRequest:
    case MessageType::kP2pBlock:
    case MessageType::kBlockTxRequest:
    case MessageType::kBlockTxs:
      return;  // not for participants
  }
}

void Participant::send_sealed(NodeContext& ctx, const market::Order& order) {
  const ConsortiumAccess& access = *params_.consortium;
  auto body = std::make_shared<consensus::SealedBidBody>();
  body->order = order;
  const ledger::Bytes plain = ledger::order_bytes(order);
  if (access.suite != nullptr) {
    const ledger::CryptoCosts& costs = ledger::crypto_costs(access.suite->id());
    const double n = static_cast<double>(plain.size());
    const double seconds = costs.hash_s(n) + costs.sign_s + costs.encrypt_s(n);
    crypto_cpu_s_ += seconds;
    ctx.compute(seconds * ledger::kReferenceFlops);
    if (access.crypto_mode == consensus::CryptoMode::kReal) {
      body->signature = access.suite->sign(access.signing_key, plain);
      body->ciphertext = access.suite->encrypt(access.management_encryption_key, plain);
    }
  }
  consortium_[order.id] = ConsortiumOrder{};
  const double size = params_.bid_bytes + access.sizes.signature_bytes + access.sizes.envelope_bytes;
  ctx.send(params_.market_node, Message{MessageType::kBid, kNoNode, kNoNode, size, 0.0, body});
  const double query_at = params_.timing.gate_closure_time_s(order.interval) + access.query_delay_s;
  ctx.start_timer(std::max(0.0, query_at - ctx.now_s()), kQueryTag | order.interval);
}

void Participant::query_timer(NodeContext& ctx, IntervalIndex k) {
  const OrderId id = order_id(k);
  const auto c = consortium_.find(id);
  if (c == consortium_.end() || pending_.count(id) == 0) return;
  const ConsortiumAccess& access = *params_.consortium;
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
    ctx.send(params_.market_node, Message{MessageType::kQuery, kNoNode, kNoNode, access.sizes.query_bytes, 0.0, q});
  }
  ctx.start_timer(access.query_retry_s, kQueryTag | k);
}

void Participant::consortium_result(NodeContext& ctx, const market::OrderFill& fill, IntervalIndex k) {
  const auto c = consortium_.find(fill.order);
  if (c == consortium_.end() || c->second.disputing || c->second.result_held) return;
  c->second.acked = true;
  if (params_.consortium->check_against_sync && synced_.count(k) == 0) {
    c->second.result_held = true;
    c->second.held = fill;
    return;
  }
  check_result(ctx, fill.order, fill, k);
}

void Participant::check_result(NodeContext& ctx, OrderId id, const market::OrderFill& fill, IntervalIndex k) {
  constexpr double kTol = 1e-9;
  const market::Order& order = pending_.at(id).order;
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
    complete(ctx, id, fill, false, false);
    return;
  }
  ConsortiumOrder& c = consortium_.at(id);
  c.disputing = true;
  c.held = fill;
  c.dispute_raised_s = ctx.now_s();
  send_dispute(ctx, id, k);
}

void Participant::send_dispute(NodeContext& ctx, OrderId id, IntervalIndex k) {
  const ConsortiumAccess& access = *params_.consortium;
  const ConsortiumOrder& c = consortium_.at(id);
  auto d = std::make_shared<consensus::DisputeBody>();
  d->interval = k;
  d->order = pending_.at(id).order;
  d->reported = c.held;
  d->raised_s = c.dispute_raised_s;
  d->participant_node = ctx.self();
  if (access.suite != nullptr) {
    const ledger::CryptoCosts& costs = ledger::crypto_costs(access.suite->id());
    const double seconds = costs.sign_s + costs.encrypt_s(access.sizes.control_bytes);
    crypto_cpu_s_ += seconds;
    ctx.compute(seconds * ledger::kReferenceFlops);
  }
  const double size = access.sizes.control_bytes + access.sizes.signature_bytes + access.sizes.envelope_bytes;
  ctx.send(params_.market_node, Message{MessageType::kDispute, kNoNode, kNoNode, size, 0.0, d});
}

void Participant::complete(NodeContext& ctx, OrderId id, const market::OrderFill& fill, bool disputed, bool upheld) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  OrderOutcome& outcome = it->second;
  if (fill.arrived_s > 0.0) outcome.order.arrived_s = fill.arrived_s;
  outcome.status = OrderStatus::kAccepted;
  outcome.matched_kwh = fill.matched_kwh;
  outcome.result_received_s = ctx.now_s();
  outcome.disputed = disputed;
  outcome.dispute_upheld = upheld;
  order_completed.emit(outcome);
  synced_.erase(outcome.order.interval);
  pending_.erase(it);
  consortium_.erase(id);
}

}  // namespace ebsim::agents
