#pragma once
/** MATPOWER case files: bus, gen, branch and gencost matrices, baseMVA. Format version 2 (a function
 * returning the struct `mpc`) and version 1 (a function returning the matrices as separate outputs,
 * `function [baseMVA, bus, gen, branch, areas, gencost] = name`, as in MATPOWER's own test cases). */
#include <stdexcept>
#include <string>
#include <string_view>

#include "models/grid/grid_model.hpp"

namespace ebsim::grid {

/** A malformed case: `line` is 1-based (0 when the problem is not on one line). */
class MatpowerError : public std::runtime_error {
 public:
  MatpowerError(int line, const std::string& message) : std::runtime_error(message), line_(line) {}
  int line() const { return line_; }

 private:
  int line_;
};

/** Parse a case file's text (version 2, or version 1 as MATPOWER's loadcase reads it: the outputs by
 * position; the columns read here are the same in both versions). `name` names the case (e.g. the file stem) in the model.
 * Throws MatpowerError naming the line and what is wrong (missing matrix, wrong column count,
 * unparsable number, bad bus reference, version other than 2, gencost rows not matching the
 * generators, ...). Models never read files: sim/ reads the text and attaches the path. */
GridModel parse_matpower(std::string_view text, const std::string& name);

}  // namespace ebsim::grid
