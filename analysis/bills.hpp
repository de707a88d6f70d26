#pragma once
/** Per-group bills of one run, from its trace's /groups, /participants and /settlement
 * (docs/analysis.md says how they are computed). */
#include <string>
#include <vector>

#include "analysis/report.hpp"
#include "sim/trace/trace_file.hpp"

namespace ebsim::analysis {

/** The bill of every group of the trace at `path`, in /groups order. Throws InputError (naming
 * the file and the table) when a /participants or /settlement row names an unknown group or
 * participant. */
std::vector<GroupBill> read_group_bills(const trace::TraceFile& trace, const std::string& path);

}  // namespace ebsim::analysis
