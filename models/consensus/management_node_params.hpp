#pragma once
/** The parameters of a consortium management node (plain data, filled by sim/ from the scenario)
 * and the records it emits through its signals. Kept apart from management_node.hpp so that the
 * node's collaborators (bid_intake, chain_store, primary_role, ...) need not see the node shell. */
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/consensus/consortium_params.hpp"
#include "models/core/message.hpp"
#include "models/grid/grid_view.hpp"
#include "models/ledger/chain_verify.hpp"
#include "models/ledger/crypto_suite.hpp"
#include "models/market/exchange.hpp"
#include "models/market/security_check.hpp"
#include "models/market/settlement.hpp"
#include "models/market/timing.hpp"

namespace ebsim::consensus {

/** Everything a management node is told at construction. */
struct ManagementNodeParams {
  std::uint32_t index = 0;                        // this node's management index (scenario order)
  std::vector<NodeId> management_nodes;           // node id of management node m
  std::vector<NodeId> participant_nodes;          // node id of participant i (all participants)
  std::vector<std::uint32_t> participant_area;    // management index that admitted participant i
  std::vector<std::uint32_t> primary_by_interval; // scheduled primary of each interval's round
  std::vector<std::uint32_t> rotation_order;      // management indexes in rotation order (for failover)
  market::MarketTiming timing;                    // intervals, gate closures, delivery
  market::Tariffs tariffs;                        // for the settlement statements
  std::string agreement = kDefaultAgreementProtocol;  // a name in AgreementProtocolRegistry (agreement.hpp)
  CryptoMode crypto_mode = CryptoMode::kReal;     // real or only charged per-bid cryptography
  ChainSync sync = ChainSync::kHeaders;           // what the subjects are sent of each block
  SecurityOption security = SecurityOption::kNone;  // security-constrained clearing among the nodes
  const ledger::CryptoSuite* suite = nullptr;      // shared by every node of the run (must outlive it)
  ledger::KeyPair signing_key;                     // this node's
  ledger::KeyPair encryption_key;                  // this node's
  std::vector<ledger::Bytes> management_encryption_keys;  // public, per management index
  std::shared_ptr<const ledger::LedgerDirectory> directory;  // public signing keys and areas
  double query_delay_s = 0.0;                      // unused here; participants' (documentation)
  double ack_bytes = market::ReplySizes{}.ack_bytes;  // replies to subjects
  double result_bytes = market::ReplySizes{}.result_bytes;
  double result_per_trade_bytes = market::ReplySizes{}.result_per_trade_bytes;
  double settlement_bytes = market::ReplySizes{}.settlement_bytes;
  ConsortiumSizes sizes;                           // message sizes among management nodes
  ConsortiumTimeouts timeouts;                     // waits, failover, round limits
  std::vector<CrashFault> crashes;                 // this node's own crash schedule
  std::vector<ByzantineFault> byzantine;           // this node's own Byzantine periods
  std::vector<MisreportFault> misreports;          // this node's own misreporting periods
  const grid::GridView* grid = nullptr;            // with security != kNone: the grid (participants at buses)
  std::uint64_t seed = 1;                          // the scenario seed (clearing streams)
  std::function<std::string(IntervalIndex)> interval_label;  // names an interval in error messages
  market::Exchange::MeterSource meters;            // what participants metered (for settlement statements)
};

/** A round's outcome as the primary that finalised it saw it. */
struct RoundOutcome {
  market::ClearedInterval cleared;     // the final clearing (after security cancellations)
  std::uint32_t primary = 0;           // management index that finalised the round
  std::uint32_t scheduled_primary = 0; // the schedule's primary of the round
  std::uint32_t attempts = 1;          // proposals made (1 + re-proposals after refusals/objections/disputes)
  std::uint32_t bundles_received = 0;  // bundles in the final clearing input (own included)
  std::uint32_t bundles_expected = 0;  // management nodes
  double proposal_s = 0.0;             // first proposal
  double final_s = 0.0;                // block published (rotating) / committed at the primary (PBFT)
  std::uint64_t height = 0;            // the block's height
};

/** A management node refused a proposal. */
struct Refusal {
  IntervalIndex interval = 0;   // the round
  std::uint32_t node = 0;       // who refused
  std::uint32_t primary = 0;    // whose proposal
  double at_s = 0.0;            // when
  std::string reason;           // e.g. "re-clearing differs: trade 12 price"
};

/** One iteration of the security check among management nodes. */
struct SecurityObjection {
  market::SecurityIteration iteration;  // what was cancelled
  IntervalIndex interval = 0;           // the round
  std::uint32_t node = 0;       // the management node that objected (its area or tie-line)
  SecurityOption option = SecurityOption::kCancelLast;  // how the objection was resolved
};

/** A participant's dispute of its result, as the primary that answered it saw it. */
struct DisputeRecord {
  IntervalIndex interval = 0;  // the disputed round
  ParticipantId participant = 0;  // who disputed
  OrderId order = 0;           // which order's result
  double raised_s = 0.0;       // participant sent it
  double resolved_s = -1.0;    // participant received the reply; -1: never
  std::uint32_t rounds = 0;    // re-clearings it caused
  bool upheld = false;         // the result was wrong and was corrected
};

/** A failed (silent or refused) primary was replaced. */
struct FailoverRecord {
  IntervalIndex interval = 0;      // the round
  std::uint32_t failed_primary = 0;  // who was replaced
  std::uint32_t new_primary = 0;     // who took over (the emitting node)
  double detected_s = 0.0;     // when the new primary took over
};

/** CPU time charged (seconds on the calibration machine). */
struct CpuUse {
  double crypto_s = 0.0;    // signatures, encryption, hashing
  double clearing_s = 0.0;  // clearing and re-clearing
};

}  // namespace ebsim::consensus
