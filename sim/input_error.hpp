#pragma once
/** The error type for bad input (scenario, CSV, grid case, trace), apart from the scenario so that
 * readers and analysis code can throw and catch it without the scenario's types. */
#include <stdexcept>

namespace ebsim::sim {

/** Bad input: the message names file, line (and column), key and what was expected. Exit code 2. */
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ebsim::sim
