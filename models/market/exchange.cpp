#include "models/market/exchange.hpp"

#include <cmath>
#include <memory>
#include <unordered_map>

#include "models/core/invariant.hpp"
#include "models/market/messages.hpp"
#include "models/market/nodal.hpp"

namespace ebsim::market {

Exchange::Exchange(ExchangeParams params, const ClearingRule& rule, std::vector<NodeId> participant_nodes,
                   MeterSource meters)
    : params_(std::move(params)), rule_(rule), participant_nodes_(std::move(participant_nodes)),
      meters_(std::move(meters)) {}

void Exchange::on_start(NodeContext& ctx) {
  if (params_.timing.intervals == 0) return;
  ctx.start_timer(params_.timing.gate_closure_time_s(0) - ctx.now_s(), tag(0, kGateClosure));
  ctx.start_timer(params_.timing.delivery_end_s(0) - ctx.now_s(), tag(0, kSettlement));
}

void Exchange::on_timer(NodeContext& ctx, TimerId, std::uint64_t timer_tag) {
  const auto k = static_cast<IntervalIndex>(timer_tag / 2);
  const bool has_next = k + 1 < params_.timing.intervals;
  switch (static_cast<TimerKind>(timer_tag % 2)) {
    case kGateClosure:
      close_and_clear(ctx, k);
      if (has_next) ctx.start_timer(params_.timing.gate_closure_time_s(k + 1) - ctx.now_s(), tag(k + 1, kGateClosure));
      return;
    case kSettlement:
      settle(ctx, k);
      if (has_next) ctx.start_timer(params_.timing.delivery_end_s(k + 1) - ctx.now_s(), tag(k + 1, kSettlement));
      return;
  }
}

void Exchange::on_message(NodeContext& ctx, const Message& msg) {
  if (msg.type == MessageType::kBid) receive_order(ctx, msg);
}

void Exchange::receive_order(NodeContext& ctx, const Message& msg) {
  Order order = msg.as<BidBody>().order;
  order.arrived_s = ctx.now_s();
  const bool after_gate = ctx.now_s() > params_.timing.gate_closure_time_s(order.interval);
  if (order.interval >= params_.timing.intervals) {
    // No market exists for it: rejected, counted only in the order table.
    send_ack(ctx, msg.from, order, OrderStatus::kUnknownInterval);
    return;
  }
  auto it = open_.find(order.interval);
  if (it == open_.end() && after_gate) {
    // Later than the settlement of its interval: rejected, counted only in the order table.
    send_ack(ctx, msg.from, order, OrderStatus::kLate);
    return;
  }
  IntervalState& state = it != open_.end() ? it->second : open_[order.interval];
  OrderStatus status = OrderStatus::kAccepted;
  if (state.closed || after_gate) {
    status = OrderStatus::kLate;
    ++state.cleared.rejected_late;
  } else if (!(order.quantity_kwh > 0.0)) {
    status = OrderStatus::kZeroQuantity;
    ++state.cleared.rejected_other;
  } else if (!std::isfinite(order.quantity_kwh)) {
    status = OrderStatus::kInvalidQuantity;
    ++state.cleared.rejected_other;
  } else if (!std::isfinite(order.limit_price_per_kwh)) {
    status = OrderStatus::kInvalidPrice;
    ++state.cleared.rejected_other;
  } else {
    state.book.add(order);
  }
  send_ack(ctx, msg.from, order, status);
}

void Exchange::send_ack(NodeContext& ctx, NodeId to, const Order& order, OrderStatus status) {
  auto ack = std::make_shared<AckBody>();
  ack->order = order.id;
  ack->status = status;
  ack->arrived_s = order.arrived_s;
  ctx.send(to, Message{MessageType::kAck, kNoNode, kNoNode, params_.ack_bytes, 0.0, ack});
}

void Exchange::close_and_clear(NodeContext& ctx, IntervalIndex k) {
  IntervalState& state = open_[k];
  state.closed = true;
  state.book.interval = k;
  Rng rng(params_.seed, "clearing", k);
  ClearedInterval& c = state.cleared;
  c.interval = k;
  c.gate_closure_s = ctx.now_s();
  c.bids = static_cast<std::uint32_t>(state.book.bids.size());
  c.offers = static_cast<std::uint32_t>(state.book.offers.size());
  try {
    c.result = rule_.clear(state.book, params_.grid, rng);
  } catch (const std::exception& e) {
    // A rule that cannot clear (e.g. nodal's OPF without an optimum) ends the run.
    const std::string label = params_.interval_label ? params_.interval_label(k) : "interval " + std::to_string(k);
    throw InvariantViolation(label + ": clearing with " + std::string(rule_.name()) + " failed: " + e.what());
  }
  if (params_.grid != nullptr && params_.security_check != SecurityCheck::kNone && rule_.name() != Nodal::kName) {
    apply_security_check(state.book, c);
  }
  cleared.emit(c);

  // One result per admitted order's owner (one order per participant and interval).
  std::unordered_map<OrderId, OrderFill> fills;  // lookups only
  std::unordered_map<OrderId, std::size_t> trade_counts;
  for (const Trade& t : c.result.trades) {
    OrderFill& b = fills[t.buy_order];
    b.matched_kwh += t.quantity_kwh;
    b.payment += t.quantity_kwh * t.price_per_kwh;
    OrderFill& s = fills[t.sell_order];
    s.matched_kwh += t.quantity_kwh;
    s.payment -= t.quantity_kwh * t.seller_price_per_kwh;
    ++trade_counts[t.buy_order];
    ++trade_counts[t.sell_order];
  }
  for (const auto* side : {&state.book.bids, &state.book.offers}) {
    for (const Order& order : *side) {
      auto body = std::make_shared<ResultBody>();
      body->interval = k;
      OrderFill fill = fills[order.id];
      fill.order = order.id;
      fill.arrived_s = order.arrived_s;
      body->fills.push_back(fill);
      body->trade_count = trade_counts[order.id];
      const double size = params_.result_bytes + params_.result_per_trade_bytes * body->trade_count;
      ctx.send(participant_nodes_.at(order.participant), Message{MessageType::kResult, kNoNode, kNoNode, size, 0.0, body});
    }
  }
  state.book = OrderBook{};  // the orders live on in the result; free the book
}

void Exchange::apply_security_check(const OrderBook& book, ClearedInterval& c) const {
  SecurityCheckResult checked = security_check(c.result.trades, book.bids, book.offers, *params_.grid,
                                               params_.security_check);
  if (checked.iterations.empty()) return;
  std::unordered_map<OrderId, double> limit_per_kwh;  // lookups only
  for (const auto* side : {&book.bids, &book.offers}) {
    for (const Order& order : *side) limit_per_kwh[order.id] = order.limit_price_per_kwh;
  }
  // The cancelled quantity is simply not traded: it falls back to the utility in settlement.
  for (const SecurityIteration& it : checked.iterations) {
    const Trade& t = it.cancelled;
    c.result.cleared_kwh -= t.quantity_kwh;
    c.result.declared_welfare -= (limit_per_kwh[t.buy_order] - limit_per_kwh[t.sell_order]) * t.quantity_kwh;
  }
  c.result.trades = std::move(checked.kept);
  if (c.result.trades.empty()) {
    c.result = ClearingResult{};  // nothing left: no price, no volume
  }
  c.security_iterations = std::move(checked.iterations);
}

void Exchange::settle(NodeContext& ctx, IntervalIndex k) {
  IntervalState& state = open_[k];
  std::vector<MeterReading> readings(participant_nodes_.size());
  for (ParticipantId i = 0; i < readings.size(); ++i) readings[i] = meters_(i, k);
  IntervalSettlement settlement = settle_interval(k, readings, state.cleared.result.trades, params_.tariffs);
  check_conservation(settlement, params_.interval_label ? params_.interval_label(k) : "interval " + std::to_string(k));
  settled.emit(state.cleared, settlement);
  for (const SettlementLine& line : settlement.lines) {
    auto body = std::make_shared<SettlementBody>();
    body->interval = k;
    body->total_payment = line.total_payment;
    ctx.send(participant_nodes_[line.participant],
             Message{MessageType::kSettlement, kNoNode, kNoNode, params_.settlement_bytes, 0.0, body});
  }
  open_.erase(k);
}

}  // namespace ebsim::market
