#pragma once
/** Step 4 of a consortium round at a management node: it re-runs the clearing on the primary's
 * proposal, checks line flows in its area, and answers with its co-signatures of the trades that
 * touch its area, an objection (overloads) or a refusal (the clearing differs). The primary uses
 * the same clearing and its own co-signatures. */
#include <cstdint>
#include <memory>
#include <vector>

#include "models/consensus/consortium_messages.hpp"
#include "models/consensus/consortium_rounds.hpp"
#include "models/consensus/management_common.hpp"
#include "models/core/signal.hpp"
#include "models/market/clearing_rule.hpp"

namespace ebsim::consensus {

/** A management node's checking and co-signing of proposals. */
class CoSigner {
 public:
  /** Emits `refused` for each refusal it sends. REQUIRES: all three outlive this. */
  CoSigner(ManagementCommon& node, const market::ClearingRule& rule, Signal<Refusal>& refused)
      : node_(node), rule_(rule), refused_(refused) {}

  /** The deterministic clearing of `book` with the security rounds so far (charged as clearing CPU). */
  RoundOutcomeData clear(NodeContext& ctx, IntervalIndex k, const std::vector<BundledOrder>& book,
                         const std::vector<std::vector<std::size_t>>& security_rounds);
  /** This node's objection to the proposal's trades (overloads it watches), or null if none or
   * the security check is off. */
  std::shared_ptr<VoteBody> objection(const ProposalBody& prop) const;
  /** This node's co-signatures of the proposal's trades that touch its area. */
  std::shared_ptr<VoteBody> co_sign(NodeContext& ctx, const ProposalBody& prop);
  /** Re-run the clearing on the proposal's book and check security for this node's area: its vote. */
  std::shared_ptr<VoteBody> validate(NodeContext& ctx, const ProposalBody& prop);
  /** Send `vote` on `prop`: to its primary; a refusal to every other management node (and emitted). */
  void send_vote(NodeContext& ctx, const ProposalBody& prop, const std::shared_ptr<VoteBody>& vote);

 private:
  /** An empty vote of `kind` by this node on `prop`. */
  std::shared_ptr<VoteBody> make_vote(const ProposalBody& prop, VoteBody::Kind kind) const;

  ManagementCommon& node_;
  const market::ClearingRule& rule_;
  Signal<Refusal>& refused_;
};

}  // namespace ebsim::consensus
