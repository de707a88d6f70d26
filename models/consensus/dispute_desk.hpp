#pragma once
/** Disputes at a management node: a subject that doubts its result disputes it with its node,
 * which forwards it to the primary that finalised the round (or the acting one); the primary
 * answers with the true fill from the block and records the dispute once per order. */
#include <set>

#include "models/consensus/chain_store.hpp"
#include "models/consensus/management_common.hpp"
#include "models/consensus/round_state.hpp"
#include "models/core/signal.hpp"

namespace ebsim::consensus {

/** A management node's handling of disputes. */
class DisputeDesk {
 public:
  /** Emits `closed` per order whose dispute it answered first. REQUIRES: every argument outlives this. */
  DisputeDesk(ManagementCommon& node, RoundTable& rounds, const ChainStore& chain, Signal<DisputeRecord>& closed)
      : node_(node), rounds_(rounds), chain_(chain), closed_(closed) {}

  /** kDispute, from a subject (forwarded to the round's primary) or from a management node. */
  void receive_dispute(NodeContext& ctx, const Message& msg);
  /** A crash: which disputes were recorded is forgotten. */
  void forget() { closed_orders_.clear(); }

 private:
  ManagementCommon& node_;
  RoundTable& rounds_;
  const ChainStore& chain_;
  Signal<DisputeRecord>& closed_;
  std::set<OrderId> closed_orders_;  // volatile: disputes already recorded
};

}  // namespace ebsim::consensus
