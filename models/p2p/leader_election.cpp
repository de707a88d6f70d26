#include "models/p2p/leader_election.hpp"

namespace ebsim::p2p {

LeaderElectionRegistry& LeaderElectionRegistry::instance() {
  static LeaderElectionRegistry registry;
  return registry;
}


}  // namespace ebsim::p2p
