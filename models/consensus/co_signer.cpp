#include "models/consensus/co_signer.hpp"

#include <string>

#include "models/consensus/area_security.hpp"

namespace ebsim::consensus {

RoundOutcomeData CoSigner::clear(NodeContext& ctx, IntervalIndex k, const std::vector<BundledOrder>& book,
                                 const std::vector<std::vector<std::size_t>>& security_rounds) {
  const ManagementNodeParams& p = node_.params();
  RoundInputs in{k, &book, &security_rounds, &rule_, p.grid, p.seed, p.security, p.timeouts.max_security_rounds};
  RoundOutcomeData out = compute_round(in);
  node_.charge_clearing(ctx, out.orders_cleared);
  return out;
}

std::shared_ptr<VoteBody> CoSigner::make_vote(const ProposalBody& prop, VoteBody::Kind kind) const {
  auto vote = std::make_shared<VoteBody>();
  vote->interval = prop.interval;
  vote->voter = node_.index();
  vote->primary = prop.primary;
  vote->attempt = prop.attempt;
  vote->kind = kind;
  return vote;
}

std::shared_ptr<VoteBody> CoSigner::objection(const ProposalBody& prop) const {
  const ManagementNodeParams& p = node_.params();
  if (p.security == SecurityOption::kNone || p.grid == nullptr || prop.trades.empty()) return nullptr;
  std::vector<VoteBody::Objection> objections = check_area_flows(*p.grid, p.participant_area, p.index, prop.trades);
  if (objections.empty()) return nullptr;
  auto vote = make_vote(prop, VoteBody::Kind::kObject);
  vote->objections = std::move(objections);
  return vote;
}

std::shared_ptr<VoteBody> CoSigner::co_sign(NodeContext& ctx, const ProposalBody& prop) {
  const ManagementNodeParams& p = node_.params();
  auto vote = make_vote(prop, VoteBody::Kind::kCoSign);
  const auto orders = index_orders(prop.book);
  for (std::size_t i = 0; i < prop.trades.size(); ++i) {
    const market::Trade& t = prop.trades[i];
    if (p.participant_area.at(t.buyer) != p.index && p.participant_area.at(t.seller) != p.index) continue;
    const ledger::TradeTx tx = make_trade_tx(prop.interval, t, orders, p.timing);
    const ledger::Bytes bytes = ledger::trade_bytes(tx);
    vote->co_signatures.push_back({i, p.suite->sign(p.signing_key, bytes)});
    node_.charge_crypto(ctx, node_.costs().hash_s(static_cast<double>(bytes.size())) + node_.costs().sign_s);
  }
  return vote;
}

std::shared_ptr<VoteBody> CoSigner::validate(NodeContext& ctx, const ProposalBody& prop) {
  const RoundOutcomeData mine = clear(ctx, prop.interval, prop.book, prop.security_rounds);
  const std::string diff = trades_difference(mine.result.trades, prop.trades);
  if (!diff.empty()) {
    auto vote = make_vote(prop, VoteBody::Kind::kRefuse);
    vote->reason = "re-clearing differs: " + diff;
    return vote;
  }
  if (auto objected = objection(prop)) return objected;
  return co_sign(ctx, prop);
}

void CoSigner::send_vote(NodeContext& ctx, const ProposalBody& prop, const std::shared_ptr<VoteBody>& vote) {
  const ManagementNodeParams& p = node_.params();
  const double size = p.sizes.control_bytes + p.sizes.signature_bytes * (1.0 + vote->co_signatures.size());
  node_.charge_crypto(ctx, node_.costs().sign_s);
  if (vote->kind == VoteBody::Kind::kRefuse) {
    refused_.emit(Refusal{prop.interval, p.index, prop.primary, ctx.now_s(), vote->reason});
    for (std::uint32_t m = 0; m < node_.count(); ++m)
      if (m != p.index) node_.send(ctx, node_.node_of(m), MessageType::kVote, size, vote);
    return;
  }
  node_.send(ctx, node_.node_of(prop.primary), MessageType::kVote, size, vote);
}

}  // namespace ebsim::consensus
