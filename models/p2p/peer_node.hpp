#pragma once
/** A full node of the public chain as the peer-to-peer design runs it (docs/p2p.md): the chain
 * node (p2p_node.hpp) plus, for a participant's node, the bridge to its agent (the agent's bid
 * becomes a transaction here, and the interval's result goes back when final by the contract's
 * rule, chain_contract.hpp), the server side of the light-client protocol (light_client.hpp), and
 * for a miner the end of its mining: it stops once, at its own node, the last interval is final
 * and its closing block has tail_blocks more confirmations.
 */
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "models/market/messages.hpp"
#include "models/market/timing.hpp"
#include "models/p2p/chain_contract.hpp"
#include "models/p2p/light_client.hpp"
#include "models/p2p/p2p_node.hpp"
#include "models/p2p/participant_node.hpp"

namespace ebsim::p2p {

/** Parameters of a full node of the design. */
struct PeerNodeParams {
  P2pNodeParams node;                            // the chain node
  std::optional<NodeId> owner;                   // the participant agent next to this node (none: a miner's node)
  bool miner = false;                            // makes blocks, and stops after the last interval (tail_blocks)
  const market::MarketTiming* timing = nullptr;  // the run's market timeline (required)
  std::uint32_t confirmations = ChainDefaults{}.confirmations;  // z of the contract's finality rule
  std::uint32_t tail_blocks = ChainDefaults{}.tail_blocks;  // blocks a miner makes after the last interval is final
  double fee = 0.0;                              // fee of each owner order's transaction
  double transaction_bytes = Transaction{}.size_bytes;  // an order's transaction size
  double result_bytes = market::ReplySizes{}.result_bytes;  // result message to the owner
  double ack_bytes = market::ReplySizes{}.ack_bytes;  // "late" acknowledgement to the owner
  ContractCache* contract = nullptr;             // the run's shared contract clearings (required)
};

/** A full node of the design (file comment). */
class PeerNode final : public Node, public ParticipantNode {
 public:
  /** A node with `params`; its finals cover params.timing->intervals. */
  explicit PeerNode(PeerNodeParams params);

  /** Starts the chain node (its election's first timer). */
  void on_start(NodeContext& ctx) override { inner_.on_start(ctx); }
  /** Bids from the owner, light-client queries, else the chain's gossip; then checks finality. */
  void on_message(NodeContext& ctx, const Message& msg) override;
  /** The chain node's timers (none once a miner has stopped); then checks finality. */
  void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) override;

  /** The chain node. */
  p2p::P2pNode& inner() { return inner_; }
  /** The chain node. */
  const p2p::P2pNode& inner() const { return inner_; }
  /** Per interval: when it became final here, and on which gate block. */
  const std::vector<std::optional<NodeFinal>>& finals() const override { return finals_; }
  /** The owner's orders, by interval. */
  const std::map<IntervalIndex, market::Order>& orders() const override { return orders_; }

 private:
  /** A light client waiting for its order's outcome. */
  struct LightQuery {
    NodeId client = kNoNode;
    market::Order order;
  };

  /** Answer at once if the order's interval is final here, else when it becomes final. */
  void serve_light_client(NodeContext& ctx, NodeId client, const market::Order& order);
  /** The outcome, the headers the client lacks and the order's Merkle branch. */
  void answer_light_client(NodeContext& ctx, const LightQuery& query, IntervalIndex k, std::uint64_t closing);
  /** The owner's order becomes a transaction of this node. */
  void submit(NodeContext& ctx, market::Order order);
  /** Why not check from the tip_changed slot: the slot gets no context (and must not keep one:
   * a context lives for one event); the handler checks once the inner node has returned. */
  void check_finality_if_tip_moved(NodeContext& ctx);
  /** Intervals become final in order: a later interval's closing block is never lower. */
  void check_finality(NodeContext& ctx);
  /** Interval k is final with its closing block at `closing`: record it, answer who waits. */
  void finalise(NodeContext& ctx, IntervalIndex k, std::uint64_t closing);
  /** What `order` of interval k got on this node's best chain whose closing block is at
   * `closing`: "late" (an ack) if it is not in a block below the closing one, else its result. */
  Message outcome_of(const market::Order& order, IntervalIndex k, std::uint64_t closing);

  PeerNodeParams params_;
  P2pNode inner_;
  bool tip_moved_ = false;  // the best chain changed since finality was last checked
  std::map<IntervalIndex, std::vector<LightQuery>> light_queries_;  // waiting for their interval to be final
  std::map<NodeId, std::uint64_t> client_synced_height_;             // headers each light client has
  std::vector<std::optional<NodeFinal>> finals_;                     // by interval
  std::map<IntervalIndex, market::Order> orders_;                    // the owner's, by interval
  IntervalIndex next_ = 0;  // first interval not yet final here
  bool stopped_ = false;    // a miner that has stopped making blocks
};

/** The node whose best tip is the final chain: most work; equal work: lowest tip block id (the
 * first such node). REQUIRES: `peers` non-empty. */
const PeerNode& heaviest_peer(const std::vector<PeerNode*>& peers);

}  // namespace ebsim::p2p
