#pragma once
/** Power profiles from CSV files, resampled to the market interval.
 *
 * Format (documented for users in scenarios/README.md):
 *
 *     # comment lines start with '#'; blank lines are ignored
 *     timestamp,load_kw
 *     2026-06-21T00:00:00+02:00,0.42
 *     2026-06-21T01:00:00+02:00,0.38
 *
 * The header is `timestamp,<name>_<unit>` with unit kw, w or mw; no other columns. Each row's
 * value is the mean power over [timestamp, timestamp + step), where the step is the difference
 * of the first two timestamps and must stay constant. Timestamps are ISO-8601 with an explicit
 * offset (whole seconds); rows may switch offset (daylight saving time), since only instants
 * are compared. Errors throw InputError "<file>:<line>: <key>: expected ..., got ...".
 */
#include <cstdint>
#include <string>
#include <vector>

namespace ebsim::sim {

/** A power time series as read from a CSV file, before resampling. */
struct CsvProfile {
  std::string path;                      // the file, as opened
  std::string column;                    // header of the value column, e.g. "load_kw"
  std::int64_t step_s = 0;               // constant time step between rows
  int first_utc_offset_s = 0;            // offset of the first row (for messages)
  std::vector<std::int64_t> time_unix_s; // start of each row's step, strictly increasing
  std::vector<double> power_kw;          // converted from the column's unit; all >= 0
  std::vector<int> line;                 // 1-based line number of each row (for messages)
};

/** Read and check a profile CSV: header, columns, timestamps, values, constant step.
 * Throws InputError for an unreadable or empty file, a bad header or unit, a wrong column
 * count, an unparsable timestamp or number, a negative power, a non-increasing timestamp, a
 * gap, or fewer than two rows. */
CsvProfile read_csv_profile(const std::string& path);

/** Mean power (kW) over each of `intervals` market intervals of `interval_s` from
 * `start_unix_s`: the time-weighted mean of the step function the rows describe, which is the
 * mean of the rows inside an interval for finer data and the covering row's value for coarser
 * data. Throws InputError if the step neither divides the interval nor is a whole multiple of
 * it, or if the rows do not cover [start, start + intervals * interval_s).
 * REQUIRES: interval_s > 0. */
std::vector<double> resample_to_intervals(const CsvProfile& profile, std::int64_t start_unix_s,
                                          double interval_s, std::uint32_t intervals);

/** read_csv_profile then resample_to_intervals, with every value multiplied by `scale`. */
std::vector<double> load_csv_profile_kw(const std::string& path, std::int64_t start_unix_s,
                                        double interval_s, std::uint32_t intervals, double scale = 1.0);

}  // namespace ebsim::sim
