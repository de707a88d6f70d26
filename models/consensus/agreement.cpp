#include "models/consensus/agreement.hpp"

#include <utility>

namespace ebsim::consensus {

AgreementProtocolRegistry& AgreementProtocolRegistry::instance() {
  static AgreementProtocolRegistry registry;
  return registry;
}

}  // namespace ebsim::consensus
