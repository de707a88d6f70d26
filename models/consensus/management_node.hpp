#pragma once
/** A consortium management node (SPEC §4; seed 003 §2–4): admits its area's participants,
 * collects and checks their sealed bids, forwards one signed bundle per round to the primary,
 * clears when it is primary, re-runs and co-signs (or refuses) the primary's proposals, checks
 * line flows in its area (security-constrained clearing), keeps its copy of the chain, answers
 * its subjects' result queries, relays disputes, syncs the chain to its subjects and settles
 * them after delivery. Primaries rotate per the schedule; a failed primary is replaced by the
 * next live one in the rotation after a detection timeout. How a co-signed block becomes final
 * at every node is the agreement protocol named in the parameters (agreement.hpp).
 *
 * This is the node shell: it routes messages and timers to its collaborators (bid_intake,
 * rotation, primary_role, co_signer, chain_store, subject_desk, dispute_desk, the agreement
 * protocol) and handles crashes and recovery. */
#include <cstdint>
#include <memory>
#include <vector>

#include "models/consensus/management_node_params.hpp"
#include "models/core/node.hpp"
#include "models/core/signal.hpp"
#include "models/ledger/block.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/order.hpp"

namespace ebsim::consensus {

/** One management node of the consortium. */
class ManagementNode final : public Node {
 public:
  /** Throws std::invalid_argument if `params` lacks the suite, the directory or a complete
   * rotation, or names an agreement protocol that is not registered. REQUIRES: `rule` outlives it. */
  ManagementNode(ManagementNodeParams params, const market::ClearingRule& rule);
  ~ManagementNode() override;

  /** Arms the first gate closure and this node's crash schedule. */
  void on_start(NodeContext& ctx) override;
  /** Routes a message to the collaborator that handles its type (none while down). */
  void on_message(NodeContext& ctx, const Message& msg) override;
  /** Routes a timer (only recovery while down). */
  void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) override;

  /** This node appended `block` to its chain at `at_s` (also during catch-up). */
  Signal<std::uint32_t, ledger::Block, double> block_appended;
  /** Emitted once per interval, by the primary that finalised the round. */
  Signal<RoundOutcome> round_final;
  /** This node refused a proposal. */
  Signal<Refusal> refused;
  /** A security cancellation of this node's round as primary. */
  Signal<SecurityObjection> objected;
  /** A dispute this node answered as primary. */
  Signal<DisputeRecord> dispute_closed;
  /** This node took over a round from a failed primary. */
  Signal<FailoverRecord> failover;
  /** An order this node acknowledged as accepted was not in its interval's final clearing input
   * (e.g. the node was down when the bundle was due); its owner was told (result with 0 matched). */
  Signal<market::Order> order_missed_round;

  /** This node's copy of the chain. */
  const std::vector<ledger::Block>& chain() const;
  /** CPU charged so far. */
  const CpuUse& cpu() const;
  /** This node's management index. */
  std::uint32_t index() const;
  /** True while crashed (CrashFault). */
  bool is_down() const;
  /** Blocks received that failed ledger::verify_block (never appended). */
  std::uint64_t blocks_rejected() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ebsim::consensus
