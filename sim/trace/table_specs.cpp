#include "sim/trace/table_specs.hpp"

#include <cstddef>
#include <tuple>

#include "sim/trace/hdf5_handle.hpp"

namespace ebsim::trace::detail {
namespace {

/** Largest chunk of the tables with many rows, and of /groups and /messages (a handful of
 * rows). The writer caps a chunk at 1 MiB as well (see its chunk_rows_for). */
constexpr hsize_t kLargeTableMaxChunkRows = 16384;
constexpr hsize_t kSmallTableMaxChunkRows = 64;

#define EBSIM_COLUMN(Row, field, type, unit) \
  Column { #field, offsetof(Row, field), ColumnType::type, unit }

TableSpec group_table() {
  using R = GroupRecord;
  return {"/groups", "one row per participant group of the scenario", sizeof(R), kSmallTableMaxChunkRows,
          {EBSIM_COLUMN(R, group, kU32, ""), EBSIM_COLUMN(R, name, kName, ""),
           EBSIM_COLUMN(R, type, kU8, ""), EBSIM_COLUMN(R, count, kU32, ""),
           EBSIM_COLUMN(R, strategy, kU8, "")}};
}

TableSpec participant_table() {
  using R = ParticipantRecord;
  return {"/participants", "one row per participant", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, participant, kU32, ""), EBSIM_COLUMN(R, group, kU32, ""),
           EBSIM_COLUMN(R, node, kU32, ""), EBSIM_COLUMN(R, pv_peak_kw, kF64, "kW"),
           EBSIM_COLUMN(R, battery_capacity_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, battery_power_kw, kF64, "kW"),
           EBSIM_COLUMN(R, access_latency_s, kF64, "s"),
           EBSIM_COLUMN(R, access_bandwidth_bytes_per_s, kF64, "B/s")}};
}

TableSpec order_table() {
  using R = OrderRecord;
  return {"/orders", "every order sent, admitted or not", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, order, kU64, ""), EBSIM_COLUMN(R, interval, kU32, ""),
           EBSIM_COLUMN(R, participant, kU32, ""), EBSIM_COLUMN(R, side, kU8, ""),
           EBSIM_COLUMN(R, status, kU8, ""), EBSIM_COLUMN(R, quantity_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, limit_price_per_kwh, kF64, "{currency}/kWh"),
           EBSIM_COLUMN(R, submitted_s, kF64, "s"), EBSIM_COLUMN(R, arrived_s, kF64, "s"),
           EBSIM_COLUMN(R, matched_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, result_received_s, kF64, "s")}};
}

TableSpec trade_table() {
  using R = TradeRecord;
  return {"/trades", "every local trade", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, buy_order, kU64, ""),
           EBSIM_COLUMN(R, sell_order, kU64, ""), EBSIM_COLUMN(R, buyer, kU32, ""),
           EBSIM_COLUMN(R, seller, kU32, ""), EBSIM_COLUMN(R, quantity_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, price_per_kwh, kF64, "{currency}/kWh"),
           EBSIM_COLUMN(R, seller_price_per_kwh, kF64, "{currency}/kWh")}};
}

TableSpec interval_table() {
  using R = IntervalRecord;
  return {"/intervals", "one row per delivery interval: market result and totals", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, delivery_start_s, kF64, "s"),
           EBSIM_COLUMN(R, delivery_start_unix_s, kI64, "s"),
           EBSIM_COLUMN(R, gate_closure_s, kF64, "s"), EBSIM_COLUMN(R, bids, kU32, ""),
           EBSIM_COLUMN(R, offers, kU32, ""), EBSIM_COLUMN(R, rejected_late, kU32, ""),
           EBSIM_COLUMN(R, rejected_other, kU32, ""), EBSIM_COLUMN(R, trades, kU32, ""),
           EBSIM_COLUMN(R, has_price, kU8, ""),
           EBSIM_COLUMN(R, clearing_price_per_kwh, kF64, "{currency}/kWh"),
           EBSIM_COLUMN(R, cleared_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, declared_welfare, kF64, "{currency}"),
           EBSIM_COLUMN(R, load_kwh, kF64, "kWh"), EBSIM_COLUMN(R, pv_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, battery_charge_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, battery_discharge_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, utility_import_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, utility_export_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, participants_paid, kF64, "{currency}"),
           EBSIM_COLUMN(R, utility_received, kF64, "{currency}"),
           EBSIM_COLUMN(R, exchange_received, kF64, "{currency}"),
           EBSIM_COLUMN(R, grid_party_sold_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, grid_party_bought_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, grid_party_received, kF64, "{currency}"),
           EBSIM_COLUMN(R, energy_imbalance_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, money_imbalance, kF64, "{currency}")}};
}

TableSpec settlement_table() {
  using R = SettlementRecord;
  return {"/settlement", "one row per participant and interval", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, participant, kU32, ""),
           EBSIM_COLUMN(R, load_kwh, kF64, "kWh"), EBSIM_COLUMN(R, pv_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, battery_charge_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, battery_discharge_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, soc_end_kwh, kF64, "kWh"), EBSIM_COLUMN(R, market_buy_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, market_sell_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, utility_import_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, utility_export_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, market_payment, kF64, "{currency}"),
           EBSIM_COLUMN(R, fee_payment, kF64, "{currency}"),
           EBSIM_COLUMN(R, utility_payment, kF64, "{currency}"),
           EBSIM_COLUMN(R, total_payment, kF64, "{currency}")}};
}

TableSpec message_table() {
  using R = MessageStatRecord;
  return {"/messages", "one row per message type", sizeof(R), kSmallTableMaxChunkRows,
          {EBSIM_COLUMN(R, type, kName, ""), EBSIM_COLUMN(R, count, kU64, ""),
           EBSIM_COLUMN(R, bytes, kU64, "B"), EBSIM_COLUMN(R, mean_transfer_s, kF64, "s"),
           EBSIM_COLUMN(R, max_transfer_s, kF64, "s"), EBSIM_COLUMN(R, lost, kU64, "")}};
}

TableSpec security_check_table() {
  using R = SecurityCheckRecord;
  return {"/security_checks", "one row per security-check iteration that cancelled a trade", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, iteration, kU32, ""),
           EBSIM_COLUMN(R, branch, kU32, ""), EBSIM_COLUMN(R, from_bus, kI64, ""),
           EBSIM_COLUMN(R, to_bus, kI64, ""), EBSIM_COLUMN(R, flow_mw, kF64, "MW"),
           EBSIM_COLUMN(R, limit_mw, kF64, "MW"), EBSIM_COLUMN(R, buy_order, kU64, ""),
           EBSIM_COLUMN(R, sell_order, kU64, ""), EBSIM_COLUMN(R, buyer, kU32, ""),
           EBSIM_COLUMN(R, seller, kU32, ""), EBSIM_COLUMN(R, quantity_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, cancelled_in_interval, kU32, ""), EBSIM_COLUMN(R, node, kU32, "")}};
}

TableSpec line_flow_table() {
  using R = LineFlowRecord;
  return {"/line_flows", "with a grid: each branch's (or tie-line's) flow of each interval's final trades", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, branch, kU32, ""), EBSIM_COLUMN(R, from_bus, kI64, ""),
           EBSIM_COLUMN(R, to_bus, kI64, ""), EBSIM_COLUMN(R, flow_mw, kF64, "MW"),
           EBSIM_COLUMN(R, limit_mw, kF64, "MW")}};
}

TableSpec link_message_table() {
  using R = LinkMessageRecord;
  return {"/link_messages", "traffic by message type and the kinds of node at both ends", sizeof(R),
          kSmallTableMaxChunkRows,
          {EBSIM_COLUMN(R, type, kName, ""), EBSIM_COLUMN(R, from_role, kName, ""), EBSIM_COLUMN(R, to_role, kName, ""),
           EBSIM_COLUMN(R, count, kU64, ""), EBSIM_COLUMN(R, bytes, kU64, "B"), EBSIM_COLUMN(R, lost, kU64, ""),
           EBSIM_COLUMN(R, mean_transfer_s, kF64, "s"), EBSIM_COLUMN(R, max_transfer_s, kF64, "s")}};
}

TableSpec cpu_table() {
  using R = CpuRecord;
  return {"/cpu", "CPU time charged per market node (seconds on the calibration machine)", sizeof(R),
          kSmallTableMaxChunkRows,
          {EBSIM_COLUMN(R, role, kName, ""), EBSIM_COLUMN(R, id, kU32, ""), EBSIM_COLUMN(R, crypto_s, kF64, "s"),
           EBSIM_COLUMN(R, clearing_s, kF64, "s")}};
}

TableSpec ledger_key_table() {
  using R = LedgerKeyRecord;
  return {"/ledger_keys", "public signing keys of participants and management nodes", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, kind, kU8, ""), EBSIM_COLUMN(R, id, kU32, ""), EBSIM_COLUMN(R, area, kU32, ""),
           EBSIM_COLUMN(R, key_length, kU8, "B"), EBSIM_COLUMN(R, key, kBlob, "")}};
}

TableSpec block_table() {
  using R = BlockRecord;
  return {"/blocks", "the consortium chain, one row per block in height order", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, height, kU64, ""), EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, primary, kU32, ""),
           EBSIM_COLUMN(R, timestamp_s, kF64, "s"), EBSIM_COLUMN(R, transaction_count, kU32, ""),
           EBSIM_COLUMN(R, previous_hash, kDigest, ""), EBSIM_COLUMN(R, merkle_root, kDigest, ""),
           EBSIM_COLUMN(R, block_hash, kDigest, ""), EBSIM_COLUMN(R, primary_signature_length, kU8, "B"),
           EBSIM_COLUMN(R, primary_signature, kBlob, ""), EBSIM_COLUMN(R, first_appended_s, kF64, "s"),
           EBSIM_COLUMN(R, last_appended_s, kF64, "s"), EBSIM_COLUMN(R, bytes, kF64, "B")}};
}

TableSpec block_transaction_table() {
  using R = BlockTransactionRecord;
  return {"/block_transactions", "every transaction of every block, in block order", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, height, kU64, ""), EBSIM_COLUMN(R, index, kU32, ""), EBSIM_COLUMN(R, interval, kU32, ""),
           EBSIM_COLUMN(R, delivery_start_s, kF64, "s"), EBSIM_COLUMN(R, quantity_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, price_per_kwh, kF64, "{currency}/kWh"),
           EBSIM_COLUMN(R, seller_price_per_kwh, kF64, "{currency}/kWh"), EBSIM_COLUMN(R, buyer, kU32, ""),
           EBSIM_COLUMN(R, seller, kU32, ""), EBSIM_COLUMN(R, product, kU8, ""),
           EBSIM_COLUMN(R, buy_order, kU64, ""), EBSIM_COLUMN(R, buy_participant, kU32, ""),
           EBSIM_COLUMN(R, buy_interval, kU32, ""), EBSIM_COLUMN(R, buy_side, kU8, ""),
           EBSIM_COLUMN(R, buy_quantity_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, buy_limit_price_per_kwh, kF64, "{currency}/kWh"),
           EBSIM_COLUMN(R, buy_submitted_s, kF64, "s"), EBSIM_COLUMN(R, buy_arrived_s, kF64, "s"),
           EBSIM_COLUMN(R, sell_order, kU64, ""), EBSIM_COLUMN(R, sell_participant, kU32, ""),
           EBSIM_COLUMN(R, sell_interval, kU32, ""), EBSIM_COLUMN(R, sell_side, kU8, ""),
           EBSIM_COLUMN(R, sell_quantity_kwh, kF64, "kWh"),
           EBSIM_COLUMN(R, sell_limit_price_per_kwh, kF64, "{currency}/kWh"),
           EBSIM_COLUMN(R, sell_submitted_s, kF64, "s"), EBSIM_COLUMN(R, sell_arrived_s, kF64, "s"),
           EBSIM_COLUMN(R, buyer_signature_length, kU8, "B"), EBSIM_COLUMN(R, buyer_signature, kBlob, ""),
           EBSIM_COLUMN(R, seller_signature_length, kU8, "B"), EBSIM_COLUMN(R, seller_signature, kBlob, "")}};
}

TableSpec block_signature_table() {
  using R = BlockSignatureRecord;
  return {"/block_signatures", "management nodes' co-signatures of transactions and confirmations of blocks",
          sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, height, kU64, ""), EBSIM_COLUMN(R, transaction, kI64, ""), EBSIM_COLUMN(R, signer, kU32, ""),
           EBSIM_COLUMN(R, signature_length, kU8, "B"), EBSIM_COLUMN(R, signature, kBlob, "")}};
}

TableSpec block_append_table() {
  using R = BlockAppendRecord;
  return {"/block_appends", "when each management node appended each block", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, height, kU64, ""), EBSIM_COLUMN(R, node, kU32, ""), EBSIM_COLUMN(R, at_s, kF64, "s")}};
}

TableSpec round_table() {
  using R = RoundRecord;
  return {"/rounds", "one row per interval's consortium round", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, scheduled_primary, kU32, ""),
           EBSIM_COLUMN(R, primary, kU32, ""), EBSIM_COLUMN(R, attempts, kU32, ""),
           EBSIM_COLUMN(R, bundles_received, kU32, ""), EBSIM_COLUMN(R, bundles_expected, kU32, ""),
           EBSIM_COLUMN(R, gate_closure_s, kF64, "s"), EBSIM_COLUMN(R, proposal_s, kF64, "s"),
           EBSIM_COLUMN(R, final_s, kF64, "s"), EBSIM_COLUMN(R, height, kU64, ""), EBSIM_COLUMN(R, trades, kU32, "")}};
}

TableSpec refusal_table() {
  using R = RefusalRecord;
  return {"/refusals", "a management node refused to co-sign a proposal", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, node, kU32, ""), EBSIM_COLUMN(R, primary, kU32, ""),
           EBSIM_COLUMN(R, at_s, kF64, "s"), EBSIM_COLUMN(R, reason, kName, "")}};
}

TableSpec dispute_table() {
  using R = DisputeRecordRow;
  return {"/disputes", "one row per dispute a participant raised", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, participant, kU32, ""), EBSIM_COLUMN(R, order, kU64, ""),
           EBSIM_COLUMN(R, raised_s, kF64, "s"), EBSIM_COLUMN(R, resolved_s, kF64, "s"),
           EBSIM_COLUMN(R, rounds, kU32, ""), EBSIM_COLUMN(R, upheld, kU8, "")}};
}

TableSpec failover_table() {
  using R = FailoverRecordRow;
  return {"/failovers", "a round's primary role moved past a failed or refused primary", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, interval, kU32, ""), EBSIM_COLUMN(R, failed_primary, kU32, ""),
           EBSIM_COLUMN(R, new_primary, kU32, ""), EBSIM_COLUMN(R, detected_s, kF64, "s")}};
}

TableSpec p2p_block_table() {
  using R = P2pBlockRecord;
  return {"/p2p_blocks", "every block made in a p2p run, stale ones included", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, block, kU64, ""), EBSIM_COLUMN(R, parent, kU64, ""), EBSIM_COLUMN(R, height, kU64, ""),
           EBSIM_COLUMN(R, miner, kU32, ""), EBSIM_COLUMN(R, found_s, kF64, "s"),
           EBSIM_COLUMN(R, transactions, kU32, ""), EBSIM_COLUMN(R, size_bytes, kF64, "B"),
           EBSIM_COLUMN(R, fees, kF64, "{currency}"), EBSIM_COLUMN(R, stale, kU8, ""),
           EBSIM_COLUMN(R, nodes_reached, kU32, ""), EBSIM_COLUMN(R, propagation_mean_s, kF64, "s"),
           EBSIM_COLUMN(R, propagation_miners_mean_s, kF64, "s"), EBSIM_COLUMN(R, propagation_p50_s, kF64, "s"),
           EBSIM_COLUMN(R, propagation_p90_s, kF64, "s"), EBSIM_COLUMN(R, propagation_max_s, kF64, "s")}};
}

TableSpec p2p_confirmation_table() {
  using R = P2pConfirmationRecord;
  return {"/p2p_confirmations", "one row per order sent in a p2p run: inclusion and finality", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, order, kU64, ""), EBSIM_COLUMN(R, participant, kU32, ""), EBSIM_COLUMN(R, interval, kU32, ""),
           EBSIM_COLUMN(R, submitted_s, kF64, "s"), EBSIM_COLUMN(R, block, kU64, ""),
           EBSIM_COLUMN(R, included_s, kF64, "s"), EBSIM_COLUMN(R, in_time, kU8, ""),
           EBSIM_COLUMN(R, final_s, kF64, "s"), EBSIM_COLUMN(R, latency_s, kF64, "s"),
           EBSIM_COLUMN(R, fee, kF64, "{currency}")}};
}

TableSpec p2p_double_spend_table() {
  using R = P2pDoubleSpendRecord;
  return {"/p2p_double_spend", "double-spend race: measured, exact (Rosenfeld) and Nakamoto", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, q, kF64, ""), EBSIM_COLUMN(R, z, kU32, ""), EBSIM_COLUMN(R, trials, kU64, ""),
           EBSIM_COLUMN(R, successes, kU64, ""), EBSIM_COLUMN(R, measured, kF64, ""),
           EBSIM_COLUMN(R, low_99, kF64, ""), EBSIM_COLUMN(R, high_99, kF64, ""), EBSIM_COLUMN(R, exact, kF64, ""),
           EBSIM_COLUMN(R, nakamoto, kF64, ""), EBSIM_COLUMN(R, mean_success_time_s, kF64, "s")}};
}

TableSpec p2p_selfish_mining_table() {
  using R = P2pSelfishMiningRecord;
  return {"/p2p_selfish_mining", "selfish mining: the pool's relative revenue, simulated and Eyal-Sirer's", sizeof(R),
          kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, alpha, kF64, ""), EBSIM_COLUMN(R, gamma, kF64, ""), EBSIM_COLUMN(R, blocks, kU64, ""),
           EBSIM_COLUMN(R, pool_blocks, kU64, ""), EBSIM_COLUMN(R, honest_blocks, kU64, ""),
           EBSIM_COLUMN(R, relative_revenue, kF64, ""), EBSIM_COLUMN(R, standard_error, kF64, ""),
           EBSIM_COLUMN(R, closed_form, kF64, "")}};
}

TableSpec p2p_chain_table() {
  using R = P2pChainRecord;
  return {"/p2p_chain", "one row summarising a p2p run's chain", sizeof(R), kLargeTableMaxChunkRows,
          {EBSIM_COLUMN(R, consensus, kU8, ""), EBSIM_COLUMN(R, contract, kU8, ""),
           EBSIM_COLUMN(R, block_interval_s, kF64, "s"), EBSIM_COLUMN(R, confirmations, kU32, ""),
           EBSIM_COLUMN(R, nodes, kU32, ""), EBSIM_COLUMN(R, light_nodes, kU32, ""), EBSIM_COLUMN(R, miners, kU32, ""), EBSIM_COLUMN(R, peers, kU32, ""),
           EBSIM_COLUMN(R, blocks, kU64, ""), EBSIM_COLUMN(R, stale_blocks, kU64, ""), EBSIM_COLUMN(R, height, kU64, ""),
           EBSIM_COLUMN(R, stale_rate, kF64, ""), EBSIM_COLUMN(R, propagation_mean_s, kF64, "s"),
           EBSIM_COLUMN(R, stale_rate_model, kF64, ""), EBSIM_COLUMN(R, hashes, kF64, ""),
           EBSIM_COLUMN(R, energy_j, kF64, "J"), EBSIM_COLUMN(R, fees, kF64, "{currency}"),
           EBSIM_COLUMN(R, transactions, kU64, ""), EBSIM_COLUMN(R, results_reverted, kU64, ""),
           EBSIM_COLUMN(R, reorgs, kU64, ""), EBSIM_COLUMN(R, max_reorg_depth, kU64, "")}};
}

#undef EBSIM_COLUMN

// ---------------------------------------------------------------------------
// HDF5 types. Failures return H5I_INVALID_HID with the HDF5 error stack left for the
// caller, which turns it into its own kind of error (the writer's runtime_error, the
// reader's InputError).

/** A fixed-length, NUL-padded ASCII string type of `size_bytes`. */
Handle fixed_string_type(std::size_t size_bytes) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid() || H5Tset_size(type.get(), size_bytes) < 0 ||
      H5Tset_strpad(type.get(), H5T_STR_NULLPAD) < 0)
    return Handle();
  return type;
}

/** The type of one column in memory (native) or in the file (little-endian). */
Handle column_type(ColumnType type, bool in_file) {
  hid_t base = H5I_INVALID_HID;
  switch (type) {
    case ColumnType::kU8: base = in_file ? H5T_STD_U8LE : H5T_NATIVE_UINT8; break;
    case ColumnType::kU32: base = in_file ? H5T_STD_U32LE : H5T_NATIVE_UINT32; break;
    case ColumnType::kU64: base = in_file ? H5T_STD_U64LE : H5T_NATIVE_UINT64; break;
    case ColumnType::kI64: base = in_file ? H5T_STD_I64LE : H5T_NATIVE_INT64; break;
    case ColumnType::kF64: base = in_file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE; break;
    case ColumnType::kName: return fixed_string_type(kNameLength);
    case ColumnType::kDigest:
    case ColumnType::kBlob: {
      const hsize_t length = type == ColumnType::kDigest ? kDigestLength : kBlobLength;
      return Handle(H5Tarray_create2(in_file ? H5T_STD_U8LE : H5T_NATIVE_UINT8, 1, &length), H5Tclose);
    }
  }
  return Handle(H5Tcopy(base), H5Tclose);
}

}  // namespace

#define EBSIM_TABLE_SPEC(Row, make)            \
  template <> const TableSpec& table_spec<Row>() { \
    static const TableSpec spec = make();          \
    return spec;                                   \
  }
EBSIM_TABLE_SPEC(GroupRecord, group_table)
EBSIM_TABLE_SPEC(ParticipantRecord, participant_table)
EBSIM_TABLE_SPEC(OrderRecord, order_table)
EBSIM_TABLE_SPEC(TradeRecord, trade_table)
EBSIM_TABLE_SPEC(IntervalRecord, interval_table)
EBSIM_TABLE_SPEC(SettlementRecord, settlement_table)
EBSIM_TABLE_SPEC(MessageStatRecord, message_table)
EBSIM_TABLE_SPEC(SecurityCheckRecord, security_check_table)
EBSIM_TABLE_SPEC(LinkMessageRecord, link_message_table)
EBSIM_TABLE_SPEC(CpuRecord, cpu_table)
EBSIM_TABLE_SPEC(LedgerKeyRecord, ledger_key_table)
EBSIM_TABLE_SPEC(BlockRecord, block_table)
EBSIM_TABLE_SPEC(BlockTransactionRecord, block_transaction_table)
EBSIM_TABLE_SPEC(BlockSignatureRecord, block_signature_table)
EBSIM_TABLE_SPEC(BlockAppendRecord, block_append_table)
EBSIM_TABLE_SPEC(RoundRecord, round_table)
EBSIM_TABLE_SPEC(RefusalRecord, refusal_table)
EBSIM_TABLE_SPEC(DisputeRecordRow, dispute_table)
EBSIM_TABLE_SPEC(FailoverRecordRow, failover_table)
EBSIM_TABLE_SPEC(P2pBlockRecord, p2p_block_table)
EBSIM_TABLE_SPEC(P2pConfirmationRecord, p2p_confirmation_table)
EBSIM_TABLE_SPEC(P2pDoubleSpendRecord, p2p_double_spend_table)
EBSIM_TABLE_SPEC(P2pChainRecord, p2p_chain_table)
EBSIM_TABLE_SPEC(LineFlowRecord, line_flow_table)
EBSIM_TABLE_SPEC(P2pSelfishMiningRecord, p2p_selfish_mining_table)
#undef EBSIM_TABLE_SPEC

std::vector<const TableSpec*> all_table_specs() {
  return std::apply([](auto... rows) { return std::vector<const TableSpec*>{&table_spec<decltype(rows)>()...}; },
                    AllRecords{});
}

hid_t create_memory_row_type(const TableSpec& table) {
  Handle row(H5Tcreate(H5T_COMPOUND, table.row_size_bytes), H5Tclose);
  if (!row.valid()) return H5I_INVALID_HID;
  for (const Column& column : table.columns) {
    const Handle type = column_type(column.type, /*in_file=*/false);
    if (!type.valid() || H5Tinsert(row.get(), column.name, column.offset_bytes, type.get()) < 0)
      return H5I_INVALID_HID;
  }
  return row.release();
}

hid_t create_file_row_type(const TableSpec& table) {
  std::vector<Handle> types;
  std::size_t packed_size_bytes = 0;
  for (const Column& column : table.columns) {
    types.push_back(column_type(column.type, /*in_file=*/true));
    if (!types.back().valid()) return H5I_INVALID_HID;
    packed_size_bytes += H5Tget_size(types.back().get());
  }
  Handle row(H5Tcreate(H5T_COMPOUND, packed_size_bytes), H5Tclose);
  if (!row.valid()) return H5I_INVALID_HID;
  std::size_t offset_bytes = 0;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (H5Tinsert(row.get(), table.columns[i].name, offset_bytes, types[i].get()) < 0) return H5I_INVALID_HID;
    offset_bytes += H5Tget_size(types[i].get());
  }
  return row.release();
}

}  // namespace ebsim::trace::detail
