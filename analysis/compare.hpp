#pragma once
/** Side-by-side table of several runs' summaries (`ebsim compare A.h5 B.h5 ...`); how each row is
 * computed is in docs/analysis.md. */
#include <iosfwd>
#include <string>
#include <vector>

#include "analysis/report.hpp"

namespace ebsim::analysis {

/** Print one column per run, headed by its scenario name and market design and by its label
 * (the trace's file name), and one row per figure; consortium-only rows show "-" for other
 * designs. With exactly two runs, a last column "ratio" gives column 2 / column 1 for messages,
 * bytes and latency p50 and p90 ("-" where column 1 is 0 or either is missing).
 * REQUIRES: labels.size() == summaries.size() (else std::invalid_argument). */
void print_comparison(std::ostream& out, const std::vector<RunSummary>& summaries,
                      const std::vector<std::string>& labels);

}  // namespace ebsim::analysis
