#include "models/consensus/dispute_desk.hpp"

#include <cmath>
#include <memory>

namespace ebsim::consensus {

namespace {

/** A reported fill differing from the truth by more than this (kWh or money) is wrong. */
constexpr double kFillTolerance = 1e-9;

}  // namespace

void DisputeDesk::receive_dispute(NodeContext& ctx, const Message& msg) {
  const ManagementNodeParams& p = node_.params();
  auto d = std::static_pointer_cast<const DisputeBody>(msg.body);
  const IntervalIndex k = d->interval;
  if (k >= p.timing.intervals) return;
  bool from_management = false;
  for (NodeId n : p.management_nodes) from_management |= (n == msg.from);
  if (!from_management) {
    // From a subject: forward to the primary that finalised the round (or the acting one).
    node_.charge_crypto(ctx, node_.costs().decrypt_s(p.sizes.control_bytes) + node_.costs().verify_s);
    std::uint32_t primary = chain_.is_final(k) ? chain_.final_block(k).header.primary
                                               : node_.acting(k, rounds_.by_interval.count(k) != 0 ? rounds_.by_interval[k].shift : 0);
    if (primary != p.index) {
      node_.charge_crypto(ctx, node_.costs().sign_s + node_.costs().encrypt_s(p.sizes.control_bytes));
      node_.send(ctx, node_.node_of(primary), MessageType::kDispute,
                 p.sizes.control_bytes + p.sizes.envelope_bytes + p.sizes.signature_bytes, d);
      return;
    }
  }
  if (!chain_.is_final(k)) return;  // the participant asks again later
  market::OrderFill truth{d->order.id, 0.0, 0.0, d->reported.arrived_s};
  for (const auto& tx : chain_.final_block(k).transactions) {
    const ledger::TradeTx& t = tx.trade;
    if (t.buy_order.id == d->order.id) {
      truth.matched_kwh += t.quantity_kwh;
      truth.payment += t.quantity_kwh * t.price_per_kwh;
    }
    if (t.sell_order.id == d->order.id) {
      truth.matched_kwh += t.quantity_kwh;
      truth.payment -= t.quantity_kwh * t.seller_price_per_kwh;
    }
  }
  const bool upheld = std::abs(truth.matched_kwh - d->reported.matched_kwh) > kFillTolerance ||
                      std::abs(truth.payment - d->reported.payment) > kFillTolerance;
  auto reply = std::make_shared<DisputeReplyBody>();
  reply->interval = k;
  reply->fill = truth;
  reply->upheld = upheld;
  node_.charge_crypto(ctx, node_.costs().sign_s);
  node_.send(ctx, d->participant_node, MessageType::kDisputeReply, p.result_bytes + p.sizes.signature_bytes, reply);
  if (closed_orders_.insert(d->order.id).second) {
    DisputeRecord rec;
    rec.interval = k;
    rec.participant = d->order.participant;
    rec.order = d->order.id;
    rec.raised_s = d->raised_s;
    rec.resolved_s = ctx.now_s();
    rec.rounds = 0;
    rec.upheld = upheld;
    closed_.emit(rec);
  }
}

}  // namespace ebsim::consensus
