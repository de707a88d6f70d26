#pragma once
/** What the design asks of a participant's node of the public chain, full (peer_node.hpp) or light
 * (light_client.hpp), after the run: when each interval became final there and the owner's orders. */
#include <map>
#include <optional>
#include <vector>

#include "models/core/ids.hpp"
#include "models/market/order.hpp"
#include "models/p2p/block.hpp"

namespace ebsim::p2p {

/** What one node concluded about one interval when it became final there. */
struct NodeFinal {
  BlockId gate_block = 0;  // last block of the interval's order set (its parent chain is the prefix)
  double final_s = 0.0;    // when the interval became final at the node
};

/** What a participant's node (full or light) knows of its owner's orders. */
class ParticipantNode {
 public:
  virtual ~ParticipantNode() = default;
  /** Per interval: when the owner's outcome became final here, and on which gate block. */
  virtual const std::vector<std::optional<NodeFinal>>& finals() const = 0;
  /** Orders of the owner, by interval (one per interval at most). */
  virtual const std::map<IntervalIndex, market::Order>& orders() const = 0;
};

}  // namespace ebsim::p2p
