#pragma once
/** Who is acting primary of each round at a management node, and moving on: the gate closure
 * starts a round (bundle to the acting primary, or collecting as it), a primary silent past its
 * deadline or refused by a majority is replaced by the next live one in the rotation, a
 * successor's proposal is adopted, and proposals and votes are routed to the co-signer and the
 * primary role. */
#include <cstdint>

#include "models/consensus/bid_intake.hpp"
#include "models/consensus/chain_store.hpp"
#include "models/consensus/co_signer.hpp"
#include "models/consensus/management_common.hpp"
#include "models/consensus/primary_role.hpp"
#include "models/consensus/round_state.hpp"
#include "models/core/signal.hpp"

namespace ebsim::consensus {

/** A management node's view of the rotation of its rounds. */
class Rotation {
 public:
  /** Emits `failover` when this node takes over a round. REQUIRES: every argument outlives this. */
  Rotation(ManagementCommon& node, RoundTable& rounds, BidIntake& intake, ChainStore& chain, CoSigner& co_signer,
           PrimaryRole& primary, Signal<FailoverRecord>& failover)
      : node_(node), rounds_(rounds), intake_(intake), chain_(chain), co_signer_(co_signer), primary_(primary),
        failover_(failover) {}

  /** Gate closure of `k`: arm the next one, then send the bundle or start collecting. */
  void gate_closure(NodeContext& ctx, IntervalIndex k);
  /** kProposal: check it (adopting a successor primary), vote on it. */
  void receive_proposal(NodeContext& ctx, const Message& msg);
  /** kVote: count a refusal; hand a vote on this node's proposal to the primary role. */
  void receive_vote(NodeContext& ctx, const Message& msg);
  /** The bundle wait of generation `gen` is over: propose with the bundles there are. */
  void on_bundle_wait(NodeContext& ctx, IntervalIndex k, std::uint32_t gen);
  /** The vote wait of generation `gen` is over: decide. */
  void on_vote_wait(NodeContext& ctx, IntervalIndex k, std::uint32_t gen);
  /** The failover deadline of generation `gen` passed without a block: fail over (or ask first). */
  void on_deadline(NodeContext& ctx, IntervalIndex k, std::uint32_t gen);
  /** After a crash at `now_s`: skip the gate closures missed and watch the unfinished rounds again. */
  void resume(NodeContext& ctx, double now_s);

 private:
  /** Send this node's sealed bundle of `k` to the acting primary. */
  void send_bundle(NodeContext& ctx, IntervalIndex k);
  /** Move round k's acting primary to rotation shift `shift` (failover or majority refusal). */
  void advance_to(NodeContext& ctx, IntervalIndex k, std::uint32_t shift);
  /** `voter` refused `primary`'s proposal for `k`: a majority moves the rotation on. */
  void note_refusal(NodeContext& ctx, IntervalIndex k, std::uint32_t primary, std::uint32_t voter);

  ManagementCommon& node_;
  RoundTable& rounds_;
  BidIntake& intake_;
  ChainStore& chain_;
  CoSigner& co_signer_;
  PrimaryRole& primary_;
  Signal<FailoverRecord>& failover_;
};

}  // namespace ebsim::consensus
