#pragma once
/** A broken conservation law (energy, money, tokens): a bug, never bad input.
 * The run fails loudly and its message names the interval and the imbalance. */
#include <stdexcept>

namespace ebsim {

class InvariantViolation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ebsim
