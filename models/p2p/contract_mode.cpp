#include "models/p2p/contract_mode.hpp"

namespace ebsim::p2p {

ContractModeRegistry& ContractModeRegistry::instance() {
  static ContractModeRegistry registry;
  return registry;
}

}  // namespace ebsim::p2p
