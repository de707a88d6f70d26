#pragma once
/** Light nodes of the public chain (docs/p2p.md, LIGHT NODES). A light participant's node keeps no
 * chain and relays nothing: it sends its order's transaction to one full node (its server) and
 * asks it for the interval's outcome at once (a long poll, as an SPV wallet fetching what it
 * needs). The server (peer_node.hpp) answers when the interval is final there, with the block
 * headers the client has not seen yet (block_header_bytes each, 80 in Bitcoin) and the Merkle
 * branch of the order's transaction (32 bytes per level), so the client can check the proof of
 * work and the inclusion itself; it trusts its server for the contract's outcome and for not
 * hiding a heavier chain.
 */
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "models/core/node.hpp"
#include "models/market/order.hpp"
#include "models/p2p/participant_node.hpp"

namespace ebsim::p2p {

/** light client -> server (kQuery): "tell me the outcome of this order when its interval is final". */
struct LightQueryBody final : MessageBody {
  market::Order order;  // the order whose outcome is wanted
};

/** server -> light client (kResult): the outcome (an AckBody "late" or a ResultBody, with its
 * message type) and the gate block it was computed on; the message size includes headers and proof. */
struct LightAnswerBody final : MessageBody {
  MessageType outcome_type = MessageType::kResult;  // kAck (late) or kResult
  std::shared_ptr<const MessageBody> outcome;       // what the owner gets
  double outcome_bytes = 0.0;                       // size of the outcome message to the owner
  IntervalIndex interval = 0;                       // the interval answered
  BlockId gate_block = 0;                           // last block of its order set at the server
};

/** Bytes of a Merkle branch proving one of `transactions` in a block: one 32-byte hash per level,
 * ceil(log2(transactions)) levels (0 for a block of one transaction). */
double merkle_branch_bytes(std::size_t transactions);

/** Bytes of a light answer's proof: `new_headers` headers of `header_bytes` the client lacks, and
 * the Merkle branch of the order's transaction in its block of `block_transactions` (none: not included). */
double light_proof_bytes(double header_bytes, std::uint64_t new_headers, std::optional<std::size_t> block_transactions);

/** Which of `n` participants run a light node: round(share x n) of them, drawn from (seed, "p2p/light")
 * by a Fisher-Yates shuffle. */
std::vector<bool> choose_light_participants(std::size_t n, double share, std::uint64_t seed);

/** Parameters of a light node. */
struct LightNodeParams {
  NodeId owner = kNoNode;             // the participant agent next to it
  NodeId server = kNoNode;            // the full node it uses
  IntervalIndex intervals = 0;        // intervals of the run
  double fee = 0.0;                   // fee of each order's transaction
  double transaction_bytes = Transaction{}.size_bytes;  // an order's transaction size
  double message_header_bytes = 24.0; // every message (Bitcoin's P2P header)
  double query_bytes = 60.0;          // message header + one inventory entry
};

/** A light participant's node: forwards its owner's order to its server as a transaction, asks for
 * the outcome and hands the answer to its owner. */
class LightNode final : public Node, public ParticipantNode {
 public:
  /** A node with `params`. */
  explicit LightNode(LightNodeParams params) : params_(params), finals_(params.intervals) {}

  /** Nothing to start: the node waits for its owner. */
  void on_start(NodeContext&) override {}
  /** A bid from the owner (sent on to the server) or the server's answer (handed to the owner). */
  void on_message(NodeContext& ctx, const Message& msg) override;
  /** No timers. */
  void on_timer(NodeContext&, TimerId, std::uint64_t) override {}

  /** Per interval: when the server's answer arrived, and its gate block. */
  const std::vector<std::optional<NodeFinal>>& finals() const override { return finals_; }
  /** The owner's orders, by interval. */
  const std::map<IntervalIndex, market::Order>& orders() const override { return orders_; }

 private:
  LightNodeParams params_;
  std::vector<std::optional<NodeFinal>> finals_;
  std::map<IntervalIndex, market::Order> orders_;
};

}  // namespace ebsim::p2p
