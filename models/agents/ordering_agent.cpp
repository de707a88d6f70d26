#include "models/agents/ordering_agent.hpp"

#include <algorithm>

namespace ebsim::agents {

using market::OrderStatus;
using market::Side;

OrderingAgent::OrderingAgent(AgentParams params) : params_(std::move(params)), meters_(params_.timing.intervals) {
  if (params_.consortium) {
    consortium_.emplace(*params_.consortium, params_.id, params_.market_node, params_.bid_bytes, params_.timing,
                        static_cast<ConsortiumOrderOwner&>(*this));
  }
}

void OrderingAgent::on_start(NodeContext& ctx) {
  if (params_.timing.intervals > 0) schedule_order(ctx, 0);
}

void OrderingAgent::schedule_order(NodeContext& ctx, IntervalIndex k) {
  const double send_at_s = params_.timing.market_open_s(k) + ctx.rng().uniform(0.0, params_.timing.bid_window_s);
  ctx.start_timer(std::max(0.0, send_at_s - ctx.now_s()), k);
}

double OrderingAgent::limit_price_per_kwh(NodeContext& ctx, Side side, double quantity_kwh) {
  return params_.strategy->limit_price_per_kwh(side, quantity_kwh, params_.prices, ctx.rng());
}

void OrderingAgent::on_timer(NodeContext& ctx, TimerId, std::uint64_t tag) {
  if (tag & kQueryTag) {
    if (consortium_) consortium_->on_query_timer(ctx, static_cast<IntervalIndex>(tag & 0xFFFFFFFFull));
    return;
  }
  const auto k = static_cast<IntervalIndex>(tag);
  // Perfect foresight of the own interval: the order covers the metered residual.
  const double residual_kwh = meter_interval(k, meters_[k]);
  if (residual_kwh > kMinOrderKwh || residual_kwh < -kMinOrderKwh) place_order(ctx, k, residual_kwh);
  if (k + 1 < params_.timing.intervals) schedule_order(ctx, k + 1);
}

void OrderingAgent::place_order(NodeContext& ctx, IntervalIndex k, double residual_kwh) {
  market::Order order;
  order.id = order_id_of(params_, k);
  order.participant = params_.id;
  order.interval = k;
  order.side = residual_kwh > 0 ? Side::kBuy : Side::kSell;
  order.quantity_kwh = residual_kwh > 0 ? residual_kwh : -residual_kwh;
  order.limit_price_per_kwh = limit_price_per_kwh(ctx, order.side, order.quantity_kwh);
  order.submitted_s = ctx.now_s();
  pending_[order.id] = OrderOutcome{order};
  if (consortium_) {
    consortium_->send_order(ctx, order);
    return;
  }
  auto body = std::make_shared<market::BidBody>();
  body->order = order;
  ctx.send(params_.market_node, Message{MessageType::kBid, kNoNode, kNoNode, params_.bid_bytes, 0.0, body});
}

void OrderingAgent::on_result(NodeContext& ctx, const Message& msg) {
  const auto& result = msg.as<market::ResultBody>();
  for (const market::OrderFill& fill : result.fills) {
    const auto it = pending_.find(fill.order);
    if (it == pending_.end()) continue;
    if (consortium_) {
      consortium_->on_result(ctx, fill, result.interval);
      continue;
    }
    it->second.order.arrived_s = fill.arrived_s;
    it->second.status = OrderStatus::kAccepted;
    it->second.matched_kwh = fill.matched_kwh;
    it->second.result_received_s = ctx.now_s();
    order_completed.emit(it->second);
    pending_.erase(it);
  }
}

void OrderingAgent::on_message(NodeContext& ctx, const Message& msg) {
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
        if (consortium_) consortium_->forget(ack.order);
      } else if (consortium_) {
        consortium_->on_accepted(ack.order);
      }
      return;
    }
    case MessageType::kResult: on_result(ctx, msg); return;
    case MessageType::kSync:
      if (consortium_) consortium_->on_sync(ctx, msg);
      return;
    case MessageType::kDisputeReply:
      if (consortium_) consortium_->on_dispute_reply(ctx, msg);
      return;
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

const market::Order* OrderingAgent::pending_order(OrderId id) const {
  const auto it = pending_.find(id);
  return it == pending_.end() ? nullptr : &it->second.order;
}

void OrderingAgent::complete(NodeContext& ctx, OrderId id, const market::OrderFill& fill, bool disputed,
                             bool upheld) {
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
  if (consortium_) consortium_->on_final(id, outcome.order.interval);
  pending_.erase(it);
}

}  // namespace ebsim::agents
