#pragma once
/** Writes one run's HDF5 trace (layout: docs/trace-format.md).
 *
 * The file is written as `<path>.partial` and renamed to `<path>` only by commit(),
 * so a failed or interrupted run never leaves a trace that looks complete; the
 * destructor removes an uncommitted partial file. Object time tracking is off and
 * rows are appended in the order given, so the same run gives a byte-identical file.
 * Tables are chunked, shuffled and deflate-compressed compound datasets, appended
 * in buffered blocks (memory stays bounded for long runs).
 *
 * Every table of AllRecords is created, in that order, by the constructor (so every trace has
 * every dataset); a table declared with EBSIM_TRACE_TABLE outside AllRecords (a test's) is
 * created at its first row, after those.
 */
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/trace/records.hpp"

namespace ebsim::trace {

/** Run-level facts stored as attributes of the root group "/". */
struct RunMetadata {
  std::string ebsim_version;
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_yaml;        // the scenario as run (after --set overrides)
  std::uint64_t seed = 0;
  std::string market_design;        // "centralized", "consortium"
  std::string consortium_agreement; // consortium: "rotating_primary" or "pbft"; else ""
  std::string crypto_suite;         // consortium: "sha256-ed25519" or "sm3-sm2"; else ""
  std::string crypto_mode;          // consortium: "real" or "modeled"; else ""
  std::string clearing_rule;        // "pay_as_clear", ...
  std::string network_model;        // SimGrid network/model, e.g. "CM02"
  std::string currency;
  std::string start_iso;
  double interval_s = 0.0;
  std::uint32_t interval_count = 0;
  std::uint64_t participant_count = 0;
  double simulated_end_s = 0.0;     // simulated time when the run ended
  std::uint64_t events = 0;         // node events handled (messages + timers)
};

class TraceWriter {
 public:
  /** Create `path + ".partial"`. Throws std::runtime_error if it cannot be created. */
  explicit TraceWriter(const std::string& path);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  /** Append one row to Row's table (names are NUL-padded to their fixed length). */
  template <TraceTable Row>
  void add(const Row& row) {
    if constexpr (detail::kHasNameColumn<Row>) {
      Row copy = row;
      Row::trace_clear_name_padding(copy);
      append_to<Row>(&copy);
    } else {
      append_to<Row>(&row);
    }
  }

  /** Flush every table, write the metadata, close, and rename to the final path. */
  void commit(const RunMetadata& metadata);

 private:
  template <TraceTable Row>
  void append_to(const Row* row) {
    if constexpr (TraceRecord<Row>) append(kRecordIndex<Row>, row);
    else append_other(detail::table_spec<Row>(), row);
  }
  /** Appends a row of the table at position `table` of AllRecords. */
  void append(std::size_t table, const void* row);
  /** Appends a row of a table outside AllRecords, creating the table at its first row. */
  void append_other(const detail::TableSpec& spec, const void* row);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ebsim::trace
