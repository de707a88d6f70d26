#include "models/consensus/bid_intake.hpp"

#include <cmath>

#include "models/consensus/round_state.hpp"
#include "models/market/messages.hpp"

namespace ebsim::consensus {

void BidIntake::receive_bid(NodeContext& ctx, const Message& msg, const RoundTable& rounds) {
  const ManagementNodeParams& p = node_.params();
  const ledger::CryptoCosts& costs = node_.costs();
  const auto& bid = msg.as<SealedBidBody>();
  market::Order order = bid.order;
  const double now = ctx.now_s();
  order.arrived_s = now;
  market::OrderStatus status = market::OrderStatus::kAccepted;
  // Open the envelope and check the signature (real: the work; both: the calibrated cost).
  const ledger::Bytes plain = ledger::order_bytes(bid.order);
  node_.charge_crypto(ctx, costs.decrypt_s(static_cast<double>(plain.size())) + costs.hash_s(static_cast<double>(plain.size())) +
                               costs.verify_s);
  bool authentic = true;
  if (p.crypto_mode == CryptoMode::kReal) {
    const auto opened = p.suite->decrypt(p.encryption_key, bid.ciphertext);
    const ParticipantId who = bid.order.participant;
    authentic = opened.has_value() && *opened == plain && who < p.directory->participant_keys.size() &&
                p.suite->verify(p.directory->participant_keys[who], plain, bid.signature);
  }
  const IntervalIndex k = order.interval;
  if (k >= p.timing.intervals) {
    status = market::OrderStatus::kUnknownInterval;
  } else if (now > p.timing.gate_closure_time_s(k) || rounds.gate_done(k)) {
    status = market::OrderStatus::kLate;
    ++rejected_[k].first;
  } else if (!authentic) {
    status = market::OrderStatus::kBadSignature;
    ++rejected_[k].second;
  } else if (!(order.quantity_kwh > 0.0)) {
    status = market::OrderStatus::kZeroQuantity;
    ++rejected_[k].second;
  } else if (!std::isfinite(order.quantity_kwh)) {
    status = market::OrderStatus::kInvalidQuantity;
    ++rejected_[k].second;
  } else if (!std::isfinite(order.limit_price_per_kwh)) {
    status = market::OrderStatus::kInvalidPrice;
    ++rejected_[k].second;
  } else {
    accepted_[k].push_back(BundledOrder{bid.order, now, bid.signature});
  }
  auto ack = std::make_shared<market::AckBody>();
  ack->order = order.id;
  ack->status = status;
  ack->arrived_s = now;
  node_.send(ctx, msg.from, MessageType::kAck, p.ack_bytes, ack);
}

std::shared_ptr<BundleBody> BidIntake::make_bundle(NodeContext& ctx, IntervalIndex k, std::uint32_t shift,
                                                   std::uint32_t to, bool seal) {
  const ManagementNodeParams& p = node_.params();
  auto b = std::make_shared<BundleBody>();
  b->interval = k;
  b->sender = p.index;
  b->shift = shift;
  if (auto it = accepted_.find(k); it != accepted_.end()) b->orders = it->second;
  if (auto it = rejected_.find(k); it != rejected_.end()) {
    b->rejected_late = it->second.first;
    b->rejected_other = it->second.second;
  }
  if (!seal) return b;
  const ledger::Bytes bytes = bundle_bytes(*b);
  const double n = static_cast<double>(bytes.size());
  b->signature = p.suite->sign(p.signing_key, p.suite->hash(bytes));
  node_.charge_crypto(ctx, node_.costs().hash_s(n) + node_.costs().sign_s + node_.costs().encrypt_s(n));
  if (p.crypto_mode == CryptoMode::kReal) b->ciphertext = p.suite->encrypt(p.management_encryption_keys.at(to), bytes);
  return b;
}

double BidIntake::bundle_size(const BundleBody& b) const {
  const ConsortiumSizes& sizes = node_.params().sizes;
  return sizes.envelope_bytes + sizes.signature_bytes + b.orders.size() * (sizes.bundle_per_order_bytes + sizes.signature_bytes);
}

}  // namespace ebsim::consensus
