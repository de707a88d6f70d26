#pragma once
/** Typed reading of an HDF5 trace (layout: docs/trace-format.md): whole tables, or block by
 * block, as the record structs of records.hpp.
 *
 * Columns are matched by name and converted by HDF5 into the struct's native layout, so
 * the file's packing, byte order, column order and any extra columns do not matter; a
 * missing column (of those read) is an error. Every failure (no such file, not HDF5,
 * missing dataset or column, unreadable rows) throws ebsim::sim::InputError naming the file
 * and the dataset. The root attributes (format, version, run metadata) are not checked.
 */
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/records.hpp"

namespace ebsim::trace {
namespace detail {

/** One table of a trace file, open to read the columns of `spec` into its record struct.
 * Every failure is an InputError naming the file and the dataset. */
class TableReader {
 public:
  /** Opens `table`'s dataset in `path`, to read `columns` of it (empty: all).
   * REQUIRES: each name is a column of `table` (else std::invalid_argument). */
  TableReader(const std::string& path, const TableSpec& table, std::initializer_list<std::string_view> columns);
  ~TableReader();
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  /** Rows in the dataset. */
  std::uint64_t rows() const;
  /** A multiple of the chunk length near 16384 rows: each chunk is inflated once. */
  std::uint64_t block_rows() const;
  /** Reads rows [start, start + count) into `out` (room for `count` record structs). */
  void read(std::uint64_t start, std::uint64_t count, void* out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace detail

/** The dataset holding rows of `Row`, e.g. "/orders" for OrderRecord. */
template <TraceTable Row>
constexpr std::string_view dataset_name() {
  return Row::trace_schema().path;
}

// `columns`, where taken, picks the fields to read by name (a subset makes big tables
// cheaper to read); the other fields keep their default values. Empty: every field.
// REQUIRES: each name is a field of Row (else std::invalid_argument).

/** Every row of Row's table in `path`, in file order. Holds the whole table in memory:
 * for tables that may be huge (/orders, /trades, /settlement) prefer for_each_row. */
template <TraceTable Row>
std::vector<Row> read_table(const std::string& path, std::initializer_list<std::string_view> columns = {}) {
  const detail::TableReader table(path, detail::table_spec<Row>(), columns);
  std::vector<Row> rows(table.rows());
  table.read(0, rows.size(), rows.data());
  return rows;
}

/** Calls visit(rows) with consecutive blocks of Row's table in file order, each a whole
 * number of chunks (about 16384 rows), so memory stays bounded whatever the table's length.
 * An exception from `visit` propagates and ends the reading. */
template <TraceTable Row>
void for_each_block(const std::string& path, const std::function<void(std::span<const Row>)>& visit,
                    std::initializer_list<std::string_view> columns = {}) {
  const detail::TableReader table(path, detail::table_spec<Row>(), columns);
  const std::uint64_t rows = table.rows(), block_rows = table.block_rows();
  std::vector<Row> block(std::min(rows, block_rows));
  for (std::uint64_t start = 0; start < rows; start += block_rows) {
    const std::uint64_t count = std::min(block_rows, rows - start);
    table.read(start, count, block.data());
    visit(std::span<const Row>(block.data(), count));
  }
}

/** Calls visit(row) for every row of Row's table in file order, reading block by block. */
template <TraceTable Row, class Visit>
  requires std::invocable<Visit&, const Row&>
void for_each_row(const std::string& path, Visit visit, std::initializer_list<std::string_view> columns = {}) {
  for_each_block<Row>(
      path,
      [&visit](std::span<const Row> rows) {
        for (const Row& row : rows) visit(row);
      },
      columns);
}

}  // namespace ebsim::trace
