#pragma once
/** The column tables of docs/trace-format.md, generated from the tables' schemas
 * (sim/trace/records.hpp) so the documentation cannot drift from the file: `ebsim trace-doc`
 * rewrites them, tests/sim/trace_schema_test.cpp fails when they differ. */
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/schema.hpp"

namespace ebsim::trace {

/** Opens the generated column table of dataset `/x` in the doc: `<!-- trace-columns /x -->`. */
inline constexpr std::string_view kColumnTableBegin = "<!-- trace-columns ";
/** Closes it. */
inline constexpr std::string_view kColumnTableEnd = "<!-- /trace-columns -->";

/** The markdown table of `table`'s columns: name, type (u32, f64, str48, ...), unit, meaning. */
std::string column_table_markdown(const detail::TableSpec& table);

/** `doc` with the text between each begin marker and the next end marker replaced by the
 * column table of the marker's dataset, one of `tables`. Throws std::invalid_argument for a
 * marker naming no table of `tables`, a marker without its end, or a table of `tables` that has
 * no marker (or more than one). */
std::string with_generated_column_tables(std::string_view doc, const std::vector<const detail::TableSpec*>& tables);

/** The same over every table of AllRecords. */
std::string with_generated_column_tables(std::string_view doc);

/** `ebsim trace-doc FILE [--check]` (hidden): regenerates FILE's column tables in place, or with
 * `check` only tells whether they are current. Returns the exit code: 0 current (or rewritten),
 * 1 out of date (check). Throws sim::InputError when FILE cannot be read or written or its
 * markers are wrong. */
int run_trace_doc_command(const std::string& path, bool check, std::ostream& out);

}  // namespace ebsim::trace
