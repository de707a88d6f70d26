#pragma once
/** Grid files: a MATPOWER case file (format version 2) read into a GridModel. The parsing is
 * models/grid/matpower.hpp's; this adds the file and its path to the messages. */
#include <string>

#include "models/grid/grid_model.hpp"

namespace ebsim::sim {

/** Read the MATPOWER case at `path`; the model is named after the file stem ("case9").
 * Throws InputError "<path>: cannot read: <reason>" for a missing, unreadable or binary file,
 * "<path>:<line>: <message>" for a malformed case, or "<path>: <message>" when the problem is
 * not on one line (a missing matrix). */
grid::GridModel load_grid_file(const std::string& path);

}  // namespace ebsim::sim
