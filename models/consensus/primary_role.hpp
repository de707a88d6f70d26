#pragma once
/** Steps 3 and 5 of a consortium round at the acting primary: it collects the management nodes'
 * bundles, clears their orders, proposes the result (altered while it is Byzantine), decides on
 * the votes (re-proposing after objections, dropping silent areas at the vote timeout), forms the
 * block from the co-signed proposal and hands it to the agreement protocol. */
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "models/consensus/agreement.hpp"
#include "models/consensus/bid_intake.hpp"
#include "models/consensus/chain_store.hpp"
#include "models/consensus/co_signer.hpp"
#include "models/consensus/management_common.hpp"
#include "models/consensus/round_state.hpp"
#include "models/core/signal.hpp"

namespace ebsim::consensus {

/** A management node's work as acting primary of a round. */
class PrimaryRole {
 public:
  /** Emits `objected` per security cancellation. REQUIRES: every argument outlives this. */
  PrimaryRole(ManagementCommon& node, RoundTable& rounds, BidIntake& intake, ChainStore& chain, CoSigner& co_signer,
              AgreementProtocol& agreement, Signal<SecurityObjection>& objected)
      : node_(node), rounds_(rounds), intake_(intake), chain_(chain), co_signer_(co_signer), agreement_(agreement),
        objected_(objected) {}

  /** As acting primary of `k`: start collecting bundles (own and those already received). */
  void begin_collecting(NodeContext& ctx, IntervalIndex k);
  /** kBundle: verify it and keep it; as acting primary, collect it (proposing once all are in). */
  void receive_bundle(NodeContext& ctx, const Message& msg);
  /** Clear the bundles collected and send the proposal (with this node's own vote). */
  void propose(NodeContext& ctx, IntervalIndex k);
  /** Decide on the votes so far (`timed_out`: the vote wait is over). */
  void decide(NodeContext& ctx, IntervalIndex k, bool timed_out);
  /** Form the block of the co-signed proposal and hand it to the agreement protocol (after
   * fetching earlier blocks if the chain lacks them). */
  void finalize(NodeContext& ctx, IntervalIndex k);

 private:
  /** While Byzantine: alter the trades before proposing them. */
  void alter(std::vector<market::Trade>& trades, ByzantineFault::Behaviour behaviour) const;
  /** Emit the security cancellations new in this attempt. */
  void emit_objections(IntervalIndex k, RoundState& r);
  /** The block of round k's co-signed proposal, signed by this node. */
  std::shared_ptr<ledger::Block> make_block(NodeContext& ctx, IntervalIndex k, const RoundState& r,
                                            const std::unordered_map<OrderId, const BundledOrder*>& orders);
  /** The round's outcome as this primary saw it. */
  RoundOutcome outcome_of(NodeContext& ctx, IntervalIndex k, const RoundState& r, std::uint64_t height) const;

  ManagementCommon& node_;
  RoundTable& rounds_;
  BidIntake& intake_;
  ChainStore& chain_;
  CoSigner& co_signer_;
  AgreementProtocol& agreement_;
  Signal<SecurityObjection>& objected_;
};

}  // namespace ebsim::consensus
