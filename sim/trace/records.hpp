#pragma once
/** Rows of the HDF5 trace, one struct per dataset. Plain data with fixed layout:
 * each maps field-for-field onto an HDF5 compound type (sim/trace/table_specs.cpp),
 * and docs/trace-format.md documents every column. Units are in the names.
 * Payments: positive means the participant pays; currency units (Scenario::currency). */
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <tuple>

namespace ebsim::trace {

inline constexpr int kNameLength = 48;  // fixed-length, NUL-padded names in the trace
inline constexpr int kDigestLength = 32;  // hashes (SHA-256, SM3)
inline constexpr int kBlobLength = 80;    // keys and signatures, with a separate *_length column

/** /groups: one row per participant group of the scenario. */
struct GroupRecord {
  std::uint32_t group = 0;
  char name[kNameLength] = {};
  std::uint8_t type = 0;             // 0 prosumer, 1 consumer
  std::uint32_t count = 0;
  std::uint8_t strategy = 0;         // 0 truthful, 1 zero_intelligence
};

/** /participants: one row per participant. */
struct ParticipantRecord {
  std::uint32_t participant = 0;
  std::uint32_t group = 0;
  std::uint32_t node = 0;            // runtime node id
  double pv_peak_kw = 0.0;           // 0 without PV
  double battery_capacity_kwh = 0.0; // 0 without battery
  double battery_power_kw = 0.0;
  double access_latency_s = 0.0;
  double access_bandwidth_bytes_per_s = 0.0;
};

/** /orders: every order sent, admitted or not. */
struct OrderRecord {
  std::uint64_t order = 0;
  std::uint32_t interval = 0;
  std::uint32_t participant = 0;
  std::uint8_t side = 0;             // 0 buy (bid), 1 sell (offer)
  std::uint8_t status = 0;           // market::OrderStatus
  double quantity_kwh = 0.0;
  double limit_price_per_kwh = 0.0;
  double submitted_s = 0.0;          // simulated time sent
  double arrived_s = 0.0;            // simulated time received by the market
  double matched_kwh = 0.0;          // quantity traded locally
  double result_received_s = -1.0;   // when the participant received its result (-1: none, e.g. late)
};

/** /trades: every local trade. */
struct TradeRecord {
  std::uint32_t interval = 0;
  std::uint64_t buy_order = 0;
  std::uint64_t sell_order = 0;
  std::uint32_t buyer = 0;
  std::uint32_t seller = 0;
  double quantity_kwh = 0.0;
  double price_per_kwh = 0.0;         // what the buyer pays per kWh
  double seller_price_per_kwh = 0.0;  // what the seller receives per kWh (differs only under nodal)
};

/** /intervals: one row per delivery interval: market result and totals. */
struct IntervalRecord {
  std::uint32_t interval = 0;
  double delivery_start_s = 0.0;     // simulated time delivery starts
  std::int64_t delivery_start_unix_s = 0;
  double gate_closure_s = 0.0;       // simulated time the book closed
  std::uint32_t bids = 0;            // admitted buy orders
  std::uint32_t offers = 0;          // admitted sell orders
  std::uint32_t rejected_late = 0;
  std::uint32_t rejected_other = 0;
  std::uint32_t trades = 0;
  std::uint8_t has_price = 0;
  double clearing_price_per_kwh = 0.0;  // NaN when nothing cleared
  double cleared_kwh = 0.0;
  double declared_welfare = 0.0;     // currency
  double load_kwh = 0.0;
  double pv_kwh = 0.0;
  double battery_charge_kwh = 0.0;
  double battery_discharge_kwh = 0.0;
  double utility_import_kwh = 0.0;   // sold by the utility to participants
  double utility_export_kwh = 0.0;   // bought by the utility from participants
  double participants_paid = 0.0;    // sum of participants' total payments
  double utility_received = 0.0;     // the utility's net revenue
  double exchange_received = 0.0;    // the exchange's net revenue (fees, nodal congestion rent)
  double grid_party_sold_kwh = 0.0;   // nodal with grid.case_units: include: the case's generators' sales
  double grid_party_bought_kwh = 0.0; // ... and the case's loads' purchases (0 otherwise)
  double grid_party_received = 0.0;   // the grid party's net revenue (0 without it)
  double energy_imbalance_kwh = 0.0; // checked invariant: |.| must be ~0
  double money_imbalance = 0.0;      // checked invariant: |.| must be ~0
};

/** /settlement: one row per participant and interval. */
struct SettlementRecord {
  std::uint32_t interval = 0;
  std::uint32_t participant = 0;
  double load_kwh = 0.0;
  double pv_kwh = 0.0;
  double battery_charge_kwh = 0.0;     // drawn at the meter
  double battery_discharge_kwh = 0.0;  // delivered at the meter
  double soc_end_kwh = 0.0;
  double market_buy_kwh = 0.0;
  double market_sell_kwh = 0.0;
  double utility_import_kwh = 0.0;
  double utility_export_kwh = 0.0;
  double market_payment = 0.0;   // purchases minus sales at the market price
  double fee_payment = 0.0;      // exchange fees
  double utility_payment = 0.0;  // imports at retail minus exports at feed-in
  double total_payment = 0.0;
};

/** /line_flows: with a grid, one row per interval and branch (bus-branch: DC flow of the interval's
 * final trades by PTDF) or tie-line (zonal: a transport pattern carrying the zones' net exports,
 * check_transfers, with capacities lifted when they do not fit, so an overload shows; unique on a
 * radial zone graph, one of many on a meshed one). Only the participants' trades, as the security
 * check sees them. */
struct LineFlowRecord {
  std::uint32_t interval = 0;
  std::uint32_t branch = 0;   // 0-based branch row of the case file, or tie-line position
  std::int64_t from_bus = 0;  // external bus numbers, or zone ids
  std::int64_t to_bus = 0;
  double flow_mw = 0.0;       // from -> to
  double limit_mw = 0.0;      // RATE_A / transfer capacity; 0: unlimited
};

/** /security_checks: one row per iteration of the grid security check (grid.security_check:
 * cancel_last) that found an overloaded branch and cancelled a trade; no rows without overloads. */
struct SecurityCheckRecord {
  std::uint32_t interval = 0;
  std::uint32_t iteration = 0;          // 0, 1, ... within the interval
  std::uint32_t branch = 0;             // 0-based row of the case file's branch matrix
  std::int64_t from_bus = 0;            // the branch's external bus numbers
  std::int64_t to_bus = 0;
  double flow_mw = 0.0;                 // the trades' flow on it before this cancellation (from -> to)
  double limit_mw = 0.0;                // its RATE_A
  std::uint64_t buy_order = 0;          // the cancelled trade
  std::uint64_t sell_order = 0;
  std::uint32_t buyer = 0;
  std::uint32_t seller = 0;
  double quantity_kwh = 0.0;
  std::uint32_t cancelled_in_interval = 0;  // trades the check cancelled in this interval (same in each of its rows)
  std::uint32_t node = 0xFFFFFFFF;          // consortium: the management node that objected; centralized: 0xFFFFFFFF
};

/** /messages: one row per message type. */
struct MessageStatRecord {
  char type[kNameLength] = {};
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  double mean_transfer_s = 0.0;   // send to delivery, mean
  double max_transfer_s = 0.0;
  std::uint64_t lost = 0;         // dropped by a link fault (faults.links)
};

/** /link_messages: traffic by message type and by the kinds of node at both ends. */
struct LinkMessageRecord {
  char type[kNameLength] = {};
  char from_role[kNameLength] = {};  // "participant", "exchange", "management_node"
  char to_role[kNameLength] = {};
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  std::uint64_t lost = 0;
  double mean_transfer_s = 0.0;
  double max_transfer_s = 0.0;
};

/** /cpu: CPU time charged per market node (seconds on the calibration machine, docs/ledger.md). */
struct CpuRecord {
  char role[kNameLength] = {};     // "management_node", "participants" (all participants summed)
  std::uint32_t id = 0;            // management node index; 0 for the participants' row
  double crypto_s = 0.0;
  double clearing_s = 0.0;
};

// ---- Consortium chain (docs/ledger.md gives the byte encodings the hashes and signatures cover) ----

/** /ledger_keys: the public signing key of every participant and management node. */
struct LedgerKeyRecord {
  std::uint8_t kind = 0;            // 0 participant, 1 management node
  std::uint32_t id = 0;             // participant id or management node index
  std::uint32_t area = 0;           // management node that admitted the participant (its own index for a node)
  std::uint8_t key_length = 0;      // bytes used in key (0: no key, modeled crypto)
  std::uint8_t key[kBlobLength] = {};
};

/** /blocks: one row per block of the final chain, in height order. */
struct BlockRecord {
  std::uint64_t height = 0;
  std::uint32_t interval = 0;
  std::uint32_t primary = 0;
  double timestamp_s = 0.0;
  std::uint32_t transaction_count = 0;
  std::uint8_t previous_hash[kDigestLength] = {};
  std::uint8_t merkle_root[kDigestLength] = {};
  std::uint8_t block_hash[kDigestLength] = {};   // of the header (redundant: verify recomputes it)
  std::uint8_t primary_signature_length = 0;
  std::uint8_t primary_signature[kBlobLength] = {};
  double first_appended_s = 0.0;    // when the first management node appended it
  double last_appended_s = 0.0;     // when the last one did (catch-up included)
  double bytes = 0.0;               // its size on the wire (consensus::block_wire_bytes)
};

/** /block_transactions: every transaction of every block, in block order. */
struct BlockTransactionRecord {
  std::uint64_t height = 0;
  std::uint32_t index = 0;          // position in the block
  std::uint32_t interval = 0;
  double delivery_start_s = 0.0;
  double quantity_kwh = 0.0;
  double price_per_kwh = 0.0;
  double seller_price_per_kwh = 0.0;
  std::uint32_t buyer = 0;
  std::uint32_t seller = 0;
  std::uint8_t product = 0;         // ledger::Product
  std::uint64_t buy_order = 0;
  std::uint32_t buy_participant = 0;
  std::uint32_t buy_interval = 0;
  std::uint8_t buy_side = 0;
  double buy_quantity_kwh = 0.0;
  double buy_limit_price_per_kwh = 0.0;
  double buy_submitted_s = 0.0;
  double buy_arrived_s = 0.0;
  std::uint64_t sell_order = 0;
  std::uint32_t sell_participant = 0;
  std::uint32_t sell_interval = 0;
  std::uint8_t sell_side = 0;
  double sell_quantity_kwh = 0.0;
  double sell_limit_price_per_kwh = 0.0;
  double sell_submitted_s = 0.0;
  double sell_arrived_s = 0.0;
  std::uint8_t buyer_signature_length = 0;
  std::uint8_t buyer_signature[kBlobLength] = {};
  std::uint8_t seller_signature_length = 0;
  std::uint8_t seller_signature[kBlobLength] = {};
};

/** /block_signatures: management nodes' signatures: co-signatures of transactions and
 * confirmations of blocks. */
struct BlockSignatureRecord {
  std::uint64_t height = 0;
  std::int64_t transaction = -1;    // index in the block; -1: a confirmation of the block header
  std::uint32_t signer = 0;         // management node index
  std::uint8_t signature_length = 0;
  std::uint8_t signature[kBlobLength] = {};
};

/** /block_appends: when each management node appended each block (chain growth, catch-up). */
struct BlockAppendRecord {
  std::uint64_t height = 0;
  std::uint32_t node = 0;
  double at_s = 0.0;
};

/** /rounds: one row per interval's consortium round, by the primary that finalised it. */
struct RoundRecord {
  std::uint32_t interval = 0;
  std::uint32_t scheduled_primary = 0;
  std::uint32_t primary = 0;
  std::uint32_t attempts = 0;
  std::uint32_t bundles_received = 0;
  std::uint32_t bundles_expected = 0;
  double gate_closure_s = 0.0;
  double proposal_s = 0.0;
  double final_s = 0.0;
  std::uint64_t height = 0;
  std::uint32_t trades = 0;
};

/** /refusals: a management node refused to co-sign a proposal. */
struct RefusalRecord {
  std::uint32_t interval = 0;
  std::uint32_t node = 0;
  std::uint32_t primary = 0;
  double at_s = 0.0;
  char reason[kNameLength] = {};
};

/** /disputes: one row per dispute a participant raised. */
struct DisputeRecordRow {
  std::uint32_t interval = 0;
  std::uint32_t participant = 0;
  std::uint64_t order = 0;
  double raised_s = 0.0;
  double resolved_s = -1.0;
  std::uint32_t rounds = 0;
  std::uint8_t upheld = 0;
};

/** /failovers: a round's primary role moved past a failed or refused primary. */
struct FailoverRecordRow {
  std::uint32_t interval = 0;
  std::uint32_t failed_primary = 0;
  std::uint32_t new_primary = 0;
  double detected_s = 0.0;
};

/** /p2p_blocks: every block made in a p2p run (stale ones included), in the order they were made.
 * Propagation columns are over the nodes other than the block's maker that accepted it. */
struct P2pBlockRecord {
  std::uint64_t block = 0;
  std::uint64_t parent = 0;
  std::uint64_t height = 0;
  std::uint32_t miner = 0;               // index in p2p.miners
  double found_s = 0.0;
  std::uint32_t transactions = 0;
  double size_bytes = 0.0;
  double fees = 0.0;                     // sum of its transactions' fees
  std::uint8_t stale = 0;                // 1: not on the final best chain
  std::uint32_t nodes_reached = 0;       // nodes that accepted it, its maker included
  double propagation_mean_s = 0.0;       // mean over the other nodes of accepted - found
  double propagation_miners_mean_s = 0.0;  // the same over the other miners (tau of the stale-rate formula)
  double propagation_p50_s = 0.0;
  double propagation_p90_s = 0.0;
  double propagation_max_s = 0.0;
};

/** /p2p_confirmations: one row per order a participant sent in a p2p run. */
struct P2pConfirmationRecord {
  std::uint64_t order = 0;
  std::uint32_t participant = 0;
  std::uint32_t interval = 0;
  double submitted_s = 0.0;
  std::uint64_t block = 0;               // final-chain block that included it (0: none)
  double included_s = -1.0;              // that block's found_s (-1: none)
  std::uint8_t in_time = 0;              // 1: included before the interval's gate closure (the contract saw it)
  double final_s = -1.0;                 // when the participant's node saw the interval final (-1: never)
  double latency_s = -1.0;               // final_s - submitted_s
  double fee = 0.0;
};

/** /p2p_double_spend: one row per (q, z) of the double-spend experiment. */
struct P2pDoubleSpendRecord {
  double q = 0.0;
  std::uint32_t z = 0;
  std::uint64_t trials = 0;
  std::uint64_t successes = 0;
  double measured = 0.0;
  double low_99 = 0.0;                   // Wilson 99 % interval
  double high_99 = 0.0;
  double exact = 0.0;                    // Rosenfeld
  double nakamoto = 0.0;
  double mean_success_time_s = 0.0;
};

/** /p2p_selfish_mining: one row per (alpha, gamma) of p2p.selfish_mining (Eyal-Sirer). */
struct P2pSelfishMiningRecord {
  double alpha = 0.0;                    // the pool's hash share (also its fair revenue share)
  double gamma = 0.0;
  std::uint64_t blocks = 0;              // blocks found (state-machine steps)
  std::uint64_t pool_blocks = 0;         // the pool's blocks on the main chain
  std::uint64_t honest_blocks = 0;       // the others' blocks on the main chain
  double relative_revenue = 0.0;         // pool_blocks / (pool_blocks + honest_blocks)
  double standard_error = 0.0;           // batch means
  double closed_form = 0.0;              // Eyal-Sirer
};

/** /p2p_chain: one row summarising a p2p run's chain. */
struct P2pChainRecord {
  std::uint8_t consensus = 0;            // 0 pow, 1 pos
  std::uint8_t contract = 0;             // 0 call, 1 continuous
  double block_interval_s = 0.0;
  std::uint32_t confirmations = 0;
  std::uint32_t nodes = 0;               // participants' nodes (full and light) + miners
  std::uint32_t light_nodes = 0;         // participants' light nodes
  std::uint32_t miners = 0;
  std::uint32_t peers = 0;               // k
  std::uint64_t blocks = 0;              // made (genesis excluded)
  std::uint64_t stale_blocks = 0;
  std::uint64_t height = 0;              // of the final best chain
  double stale_rate = 0.0;               // stale_blocks / blocks
  double propagation_mean_s = 0.0;       // tau: mean of /p2p_blocks propagation_miners_mean_s
  double stale_rate_model = 0.0;         // 1 - exp(-tau / T)
  double hashes = 0.0;                   // PoW: hashes per block x blocks made
  double energy_j = 0.0;                 // hashes x joules per hash
  double fees = 0.0;                     // on the final chain
  std::uint64_t transactions = 0;        // on the final chain
  std::uint64_t results_reverted = 0;    // (node, interval) results given on a chain the final one replaced
  std::uint64_t reorgs = 0;              // summed over nodes
  std::uint64_t max_reorg_depth = 0;
};

/** Every table, in the file's creation order. */
using AllRecords = std::tuple<GroupRecord, ParticipantRecord, OrderRecord, TradeRecord, IntervalRecord,
                              SettlementRecord, MessageStatRecord, SecurityCheckRecord, LinkMessageRecord, CpuRecord,
                              LedgerKeyRecord, BlockRecord, BlockTransactionRecord, BlockSignatureRecord,
                              BlockAppendRecord, RoundRecord, RefusalRecord, DisputeRecordRow, FailoverRecordRow,
                              P2pBlockRecord, P2pConfirmationRecord, P2pDoubleSpendRecord, P2pChainRecord,
                              LineFlowRecord, P2pSelfishMiningRecord>;

namespace detail {
template <class Row, class Tuple>
struct RecordIndex;
template <class Row, class... Rows>
struct RecordIndex<Row, std::tuple<Rows...>> {
  static constexpr std::size_t find() {
    constexpr bool match[] = {std::same_as<Row, Rows>...};
    for (std::size_t i = 0; i < sizeof...(Rows); ++i)
      if (match[i]) return i;
    return sizeof...(Rows);
  }
  static constexpr std::size_t value = find();
};
}  // namespace detail

/** Position of `Row` in AllRecords. */
template <class Row>
inline constexpr std::size_t kRecordIndex = detail::RecordIndex<Row, AllRecords>::value;

/** A row type stored in the trace: one of AllRecords. */
template <class Row>
concept TraceRecord = kRecordIndex<Row> < std::tuple_size_v<AllRecords>;

}  // namespace ebsim::trace
