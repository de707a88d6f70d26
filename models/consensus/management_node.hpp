#pragma once
/** A consortium management node (SPEC §4; seed 003 §2–4): admits its area's participants,
 * collects and checks their sealed bids, forwards one signed bundle per round to the primary,
 * clears when it is primary, re-runs and co-signs (or refuses) the primary's proposals, checks
 * line flows in its area (security-constrained clearing), keeps its copy of the chain, answers
 * its subjects' result queries, relays disputes, syncs the chain to its subjects and settles
 * them after delivery. Primaries rotate per the schedule; a failed primary is replaced by the
 * next live one in the rotation after a detection timeout. */
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/consensus/consortium_params.hpp"
#include "models/core/node.hpp"
#include "models/core/signal.hpp"
#include "models/grid/grid_view.hpp"
#include "models/ledger/block.hpp"
#include "models/ledger/chain_verify.hpp"
#include "models/ledger/crypto_costs.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/exchange.hpp"
#include "models/market/settlement.hpp"
#include "models/market/timing.hpp"

namespace ebsim::consensus {

struct ManagementNodeParams {
  std::uint32_t index = 0;                        // this node's management index (scenario order)
  std::vector<NodeId> management_nodes;           // node id of management node m
  std::vector<NodeId> participant_nodes;          // node id of participant i (all participants)
  std::vector<std::uint32_t> participant_area;    // management index that admitted participant i
  std::vector<std::uint32_t> primary_by_interval; // scheduled primary of each interval's round
  std::vector<std::uint32_t> rotation_order;      // management indexes in rotation order (for failover)
  market::MarketTiming timing;
  market::Tariffs tariffs;
  AgreementProtocol agreement = AgreementProtocol::kRotatingPrimary;
  CryptoMode crypto_mode = CryptoMode::kReal;
  ChainSync sync = ChainSync::kHeaders;
  SecurityOption security = SecurityOption::kNone;
  const ledger::CryptoSuite* suite = nullptr;      // shared by every node of the run (must outlive it)
  ledger::KeyPair signing_key;                     // this node's
  ledger::KeyPair encryption_key;                  // this node's
  std::vector<ledger::Bytes> management_encryption_keys;  // public, per management index
  std::shared_ptr<const ledger::LedgerDirectory> directory;  // public signing keys and areas
  double query_delay_s = 0.0;                      // unused here; participants' (documentation)
  double ack_bytes = 120, result_bytes = 300, result_per_trade_bytes = 60, settlement_bytes = 350;
  ConsortiumSizes sizes;
  ConsortiumTimeouts timeouts;
  std::vector<CrashFault> crashes;                 // this node's own crash schedule
  std::vector<ByzantineFault> byzantine;           // this node's own Byzantine periods
  std::vector<MisreportFault> misreports;          // this node's own misreporting periods
  const grid::GridView* grid = nullptr;            // with security != kNone: the grid (participants at buses)
  std::uint64_t seed = 1;
  std::function<std::string(IntervalIndex)> interval_label;
  market::Exchange::MeterSource meters;            // what participants metered (for settlement statements)
};

/** A round's outcome as the primary that finalised it saw it. */
struct RoundOutcome {
  market::ClearedInterval cleared;     // the final clearing (after security cancellations)
  std::uint32_t primary = 0;           // management index that finalised the round
  std::uint32_t scheduled_primary = 0;
  std::uint32_t attempts = 1;          // proposals made (1 + re-proposals after refusals/objections/disputes)
  std::uint32_t bundles_received = 0;
  std::uint32_t bundles_expected = 0;
  double proposal_s = 0.0;             // first proposal
  double final_s = 0.0;                // block published (rotating) / committed at the primary (PBFT)
  std::uint64_t height = 0;            // the block's height
};

/** A management node refused a proposal. */
struct Refusal {
  IntervalIndex interval = 0;
  std::uint32_t node = 0;       // who refused
  std::uint32_t primary = 0;    // whose proposal
  double at_s = 0.0;
  std::string reason;           // e.g. "re-clearing differs: trade 12 price"
};

/** One iteration of the security check among management nodes. */
struct SecurityObjection {
  market::SecurityIteration iteration;
  IntervalIndex interval = 0;
  std::uint32_t node = 0;       // the management node that objected (its area or tie-line)
  SecurityOption option = SecurityOption::kCancelLast;
};

struct DisputeRecord {
  IntervalIndex interval = 0;
  ParticipantId participant = 0;
  OrderId order = 0;
  double raised_s = 0.0;       // participant sent it
  double resolved_s = -1.0;    // participant received the reply; -1: never
  std::uint32_t rounds = 0;    // re-clearings it caused
  bool upheld = false;         // the result was wrong and was corrected
};

struct FailoverRecord {
  IntervalIndex interval = 0;
  std::uint32_t failed_primary = 0;
  std::uint32_t new_primary = 0;
  double detected_s = 0.0;     // when the new primary took over
};

/** CPU time charged (seconds on the calibration machine). */
struct CpuUse {
  double crypto_s = 0.0;
  double clearing_s = 0.0;
};

class ManagementNode final : public Node {
 public:
  ManagementNode(ManagementNodeParams params, const market::ClearingRule& rule);
  ~ManagementNode() override;

  void on_start(NodeContext& ctx) override;
  void on_message(NodeContext& ctx, const Message& msg) override;
  void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) override;

  /** This node appended `block` to its chain at `at_s` (also during catch-up). */
  Signal<std::uint32_t, ledger::Block, double> block_appended;
  /** Emitted once per interval, by the primary that finalised the round. */
  Signal<RoundOutcome> round_final;
  Signal<Refusal> refused;
  Signal<SecurityObjection> objected;
  Signal<DisputeRecord> dispute_closed;
  Signal<FailoverRecord> failover;
  /** An order this node acknowledged as accepted was not in its interval's final clearing input
   * (e.g. the node was down when the bundle was due); its owner was told (result with 0 matched). */
  Signal<market::Order> order_missed_round;

  const std::vector<ledger::Block>& chain() const;
  const CpuUse& cpu() const;
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
