#pragma once
/** `ebsim opf CASE.m --out DIR`: DC optimal power flow of a MATPOWER case (models/grid/dc_opf.hpp),
 * a summary on the terminal and three CSV files (docs/opf.md):
 *
 *     DIR/buses.csv       bus,lmp_per_mwh,angle_deg
 *     DIR/generators.csv  generator,bus,pg_mw,pmin_mw,pmax_mw
 *     DIR/branches.csv    branch,from_bus,to_bus,flow_mw,limit_mw,binding,shadow_price_per_mwh
 *
 * Generators and branches are numbered from 1 in file order, buses by their case number; numbers
 * have 6 decimals, binding is 0/1, limit_mw 0 = unlimited. Same case -> byte-identical files. */
#include <iosfwd>
#include <stdexcept>
#include <string>

#include "models/grid/dc_opf.hpp"
#include "models/grid/grid_model.hpp"

namespace ebsim::sim {

/** The OPF of a well-formed case has no optimum (infeasible, unbounded, solver failure): exit 3. */
class OpfFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OpfCommandOptions {
  std::string case_path;  // MATPOWER case file
  std::string out_dir;    // created if missing; the three CSV files are (over)written in it
};

/** Print the summary of a solved OPF (case, counts, total cost and load, LMP range, binding branches). */
void print_opf_summary(std::ostream& out, const grid::GridModel& grid, const grid::DcOpfResult& result);

/** Write buses.csv, generators.csv and branches.csv into `out_dir` (each via a temporary file renamed
 * into place once complete). Throws InputError when the directory cannot be created or written. */
void write_opf_csv(const std::string& out_dir, const grid::GridModel& grid, const grid::DcOpfResult& result);

/** Run the command: load, solve, print, write. Throws InputError for a bad case file, a cost the OPF
 * cannot take or an unwritable directory (exit 2), OpfFailed when there is no optimum (exit 3);
 * nothing is written then. */
void run_opf_command(const OpfCommandOptions& options, std::ostream& out);

}  // namespace ebsim::sim
