#pragma once
/** One run: scenario -> platform + models -> runtime -> signals -> trace. */
#include <cstdint>
#include <string>

#include "sim/scenario.hpp"

namespace ebsim::sim {

struct RunOptions {
  std::string trace_path;  // final path of the HDF5 trace
  bool progress = false;   // progress bar on stderr
};

struct RunOutcome {
  std::string trace_path;
  double wall_time_s = 0.0;
  std::uint64_t events = 0;
  std::size_t peak_couriers = 0;
};

/** Run the scenario and write its trace. Throws InvariantViolation if energy or money is
 * not conserved, std::runtime_error on other failures; no trace is left in either case.
 * REQUIRES: a simgrid::s4u::Engine exists and has not run (one run per process). */
RunOutcome run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace ebsim::sim
