#pragma once
/** Internal to sim/trace: the column layout of every trace table, shared by the writer
 * (trace_writer.cpp) and the reader (trace_reader.cpp) so it is written down once.
 * docs/trace-format.md documents the same layout column by column; keep the two in step. */
#include <hdf5.h>

#include <cstddef>
#include <string_view>
#include <vector>

#include "sim/trace/records.hpp"

namespace ebsim::trace::detail {

enum class ColumnType { kU8, kU32, kU64, kI64, kF64, kName, kDigest, kBlob };  // kDigest: u8[32], kBlob: u8[80]

/** One field of a record struct; `unit` may contain kCurrencyMarker, replaced at commit. */
struct Column {
  const char* name;          // the struct field's name, also the column's name in the file
  std::size_t offset_bytes;  // offsetof in the record struct (memory layout)
  ColumnType type;
  const char* unit;          // "" for identifiers, codes and counts
};

/** Stands for the run's currency in a Column::unit. */
inline constexpr std::string_view kCurrencyMarker = "{currency}";

/** A table: dataset path, description and columns of its record struct, in struct order. */
struct TableSpec {
  const char* path;            // dataset path, e.g. "/orders"
  const char* description;
  std::size_t row_size_bytes;  // sizeof(record struct)
  hsize_t max_chunk_rows;
  std::vector<Column> columns;
};

/** The table stored as rows of `Row` (a record struct of records.hpp). */
template <class Row>
const TableSpec& table_spec();
template <> const TableSpec& table_spec<GroupRecord>();
template <> const TableSpec& table_spec<ParticipantRecord>();
template <> const TableSpec& table_spec<OrderRecord>();
template <> const TableSpec& table_spec<TradeRecord>();
template <> const TableSpec& table_spec<IntervalRecord>();
template <> const TableSpec& table_spec<SettlementRecord>();
template <> const TableSpec& table_spec<MessageStatRecord>();
template <> const TableSpec& table_spec<SecurityCheckRecord>();
template <> const TableSpec& table_spec<LinkMessageRecord>();
template <> const TableSpec& table_spec<CpuRecord>();
template <> const TableSpec& table_spec<LedgerKeyRecord>();
template <> const TableSpec& table_spec<BlockRecord>();
template <> const TableSpec& table_spec<BlockTransactionRecord>();
template <> const TableSpec& table_spec<BlockSignatureRecord>();
template <> const TableSpec& table_spec<BlockAppendRecord>();
template <> const TableSpec& table_spec<RoundRecord>();
template <> const TableSpec& table_spec<RefusalRecord>();
template <> const TableSpec& table_spec<DisputeRecordRow>();
template <> const TableSpec& table_spec<FailoverRecordRow>();
template <> const TableSpec& table_spec<P2pBlockRecord>();
template <> const TableSpec& table_spec<P2pConfirmationRecord>();
template <> const TableSpec& table_spec<P2pDoubleSpendRecord>();
template <> const TableSpec& table_spec<P2pChainRecord>();
template <> const TableSpec& table_spec<LineFlowRecord>();
template <> const TableSpec& table_spec<P2pSelfishMiningRecord>();

/** Every table's spec, in AllRecords order (the file's creation order). */
std::vector<const TableSpec*> all_table_specs();

/** A new compound type of the record struct as laid out in memory (native types, struct
 * offsets and size, padding included); the caller closes it with H5Tclose.
 * Returns H5I_INVALID_HID on failure, leaving the reason on the HDF5 error stack. */
hid_t create_memory_row_type(const TableSpec& table);

/** A new compound type of the row as stored: little-endian and packed (no padding bytes,
 * whose contents are unspecified and would make same-rows files differ); the caller closes
 * it with H5Tclose. Returns H5I_INVALID_HID on failure, leaving the reason on the error stack. */
hid_t create_file_row_type(const TableSpec& table);

}  // namespace ebsim::trace::detail
