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
#include <concepts>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/records.hpp"

namespace ebsim::trace {

/** The dataset holding rows of `Row`, e.g. "/orders" for OrderRecord. */
template <TraceRecord Row>
std::string_view dataset_name();

// `columns`, where taken, picks the fields to read by name (a subset makes big tables
// cheaper to read); the other fields keep their default values. Empty: every field.
// REQUIRES: each name is a field of Row (else std::invalid_argument).

/** Every row of Row's table in `path`, in file order. Holds the whole table in memory:
 * for tables that may be huge (/orders, /trades, /settlement) prefer for_each_row. */
template <TraceRecord Row>
std::vector<Row> read_table(const std::string& path, std::initializer_list<std::string_view> columns = {});

/** Calls visit(rows) with consecutive blocks of Row's table in file order, each a whole
 * number of chunks (about 16384 rows), so memory stays bounded whatever the table's length.
 * An exception from `visit` propagates and ends the reading. */
template <TraceRecord Row>
void for_each_block(const std::string& path, const std::function<void(std::span<const Row>)>& visit,
                    std::initializer_list<std::string_view> columns = {});

/** Calls visit(row) for every row of Row's table in file order, reading block by block. */
template <TraceRecord Row, class Visit>
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
