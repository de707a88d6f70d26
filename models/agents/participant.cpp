#include "models/agents/participant.hpp"

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
    auto body = std::make_shared<market::BidBody>();
    body->order = order;
    ctx.send(params_.market_node, Message{MessageType::kBid, kNoNode, kNoNode, params_.bid_bytes, 0.0, body});
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
      }
      return;
    }
    case MessageType::kResult: {
      for (const market::OrderFill& fill : msg.as<market::ResultBody>().fills) {
        const auto it = pending_.find(fill.order);
        if (it == pending_.end()) continue;
        it->second.order.arrived_s = fill.arrived_s;
        it->second.status = OrderStatus::kAccepted;
        it->second.matched_kwh = fill.matched_kwh;
        it->second.result_received_s = ctx.now_s();
        order_completed.emit(it->second);
        pending_.erase(it);
      }
      return;
    }
    case MessageType::kSettlement:
      return;  // the statement is informational: settlement is recorded by the market
    case MessageType::kBid:
      return;  // participants do not take orders
  }
}

}  // namespace ebsim::agents
