#include "sim/trace/table_specs.hpp"

#include <cstddef>

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
           EBSIM_COLUMN(R, max_transfer_s, kF64, "s")}};
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
           EBSIM_COLUMN(R, cancelled_in_interval, kU32, "")}};
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
  }
  return Handle(H5Tcopy(base), H5Tclose);
}

}  // namespace

template <> const TableSpec& table_spec<GroupRecord>() {
  static const TableSpec spec = group_table();
  return spec;
}
template <> const TableSpec& table_spec<ParticipantRecord>() {
  static const TableSpec spec = participant_table();
  return spec;
}
template <> const TableSpec& table_spec<OrderRecord>() {
  static const TableSpec spec = order_table();
  return spec;
}
template <> const TableSpec& table_spec<TradeRecord>() {
  static const TableSpec spec = trade_table();
  return spec;
}
template <> const TableSpec& table_spec<IntervalRecord>() {
  static const TableSpec spec = interval_table();
  return spec;
}
template <> const TableSpec& table_spec<SettlementRecord>() {
  static const TableSpec spec = settlement_table();
  return spec;
}
template <> const TableSpec& table_spec<MessageStatRecord>() {
  static const TableSpec spec = message_table();
  return spec;
}
template <> const TableSpec& table_spec<SecurityCheckRecord>() {
  static const TableSpec spec = security_check_table();
  return spec;
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
