#pragma once
/** The consortium client of a participant: how a subject node deals with its management node
 * in the consortium design. It seals and signs each order for the management node, asks for
 * the result after gate closure (and again if no answer comes), checks each result against the
 * order and against the participant's own trades in the interval's chain sync, and disputes a
 * result that contradicts them. Every participant kind uses it unchanged; it lives beside the
 * participant (not inside it) so that the participant models only its energy and its orders.
 */
#include <cstdint>
#include <map>
#include <unordered_map>

#include "models/consensus/consortium_params.hpp"
#include "models/core/message.hpp"
#include "models/core/node.hpp"
#include "models/ledger/crypto_suite.hpp"
#include "models/market/messages.hpp"
#include "models/market/timing.hpp"

namespace ebsim::agents {

/** How a subject node reaches its management node in the consortium design. */
struct ConsortiumAccess {
  const ledger::CryptoSuite* suite = nullptr;   // shared by the run (must outlive the participant)
  consensus::CryptoMode crypto_mode = consensus::CryptoMode::kReal;
  ledger::KeyPair signing_key;                  // this participant's
  ledger::Bytes management_encryption_key;      // public encryption key of its management node
  double query_delay_s = 30.0;                  // after gate closure, when it asks for its result
  double query_retry_s = 120.0;                 // asks again if no answer within this
  /** Check each result against its own trades in the chain sync (wait for the sync of the
   * interval before accepting a result). Set when the scenario's chain sync is not `none`. */
  bool check_against_sync = true;
  consensus::ConsortiumSizes sizes;             // signature, envelope, query and control sizes
};

/** The participant side the client works for: its pending orders and how one becomes final. */
class ConsortiumOrderOwner {
 public:
  virtual ~ConsortiumOrderOwner() = default;
  /** The pending order with this id, or null when it is final (or was never placed). */
  virtual const market::Order* pending_order(OrderId id) const = 0;
  /** The order is final with this fill (disputed: the first result was contested; upheld: the reply corrected it). */
  virtual void complete(NodeContext& ctx, OrderId id, const market::OrderFill& fill, bool disputed, bool upheld) = 0;
};

/** One participant's dealings with its management node. */
class ConsortiumClient {
 public:
  /** Timer tags of the client: kQueryTag | k queries the result of interval k. */
  static constexpr std::uint64_t kQueryTag = std::uint64_t{1} << 32;

  /** `self` is the participant, orders go to `management_node`. REQUIRES: owner outlives the client. */
  ConsortiumClient(ConsortiumAccess access, ParticipantId self, NodeId management_node, double bid_bytes,
                   market::MarketTiming timing, ConsortiumOrderOwner& owner);

  /** Seal and sign `order`, send it, and set the timer that asks for its result. */
  void send_order(NodeContext& ctx, const market::Order& order);
  /** The management node acknowledged the order as accepted. */
  void on_accepted(OrderId id);
  /** The order was rejected: forget it. */
  void forget(OrderId id) { orders_.erase(id); }
  /** A result for a pending order of interval k arrived. */
  void on_result(NodeContext& ctx, const market::OrderFill& fill, IntervalIndex k);
  /** A chain-sync message arrived. */
  void on_sync(NodeContext& ctx, const Message& msg);
  /** The primary answered a dispute. */
  void on_dispute_reply(NodeContext& ctx, const Message& msg);
  /** A query timer of interval k fired. */
  void on_query_timer(NodeContext& ctx, IntervalIndex k);
  /** The order is final: drop what the client kept for it and for its interval. */
  void on_final(OrderId id, IntervalIndex k);

  /** Chain-sync messages received (blocks are not kept). */
  std::uint64_t synced_blocks() const { return synced_blocks_; }
  /** Simulated bytes of the chain-sync messages received. */
  double synced_bytes() const { return synced_bytes_; }
  /** CPU seconds (calibration machine) charged for this participant's cryptography. */
  double crypto_cpu_s() const { return crypto_cpu_s_; }

 private:
  /** Bookkeeping of one pending order. */
  struct PendingOrder {
    bool acked = false;
    bool result_held = false;     // waiting for the interval's chain sync before checking
    market::OrderFill held;
    bool disputing = false;
    double dispute_raised_s = 0.0;
  };
  /** The participant's own trades in one synced interval. */
  struct OwnTrades {
    double matched_kwh = 0.0;
    double payment = 0.0;
  };

  OrderId order_id(IntervalIndex k) const { return static_cast<OrderId>(self_) * timing_.intervals + k + 1; }
  void check_result(NodeContext& ctx, OrderId id, const market::OrderFill& fill, IntervalIndex k);
  void send_dispute(NodeContext& ctx, OrderId id, IntervalIndex k);

  ConsortiumAccess access_;
  ParticipantId self_;
  NodeId management_node_;
  double bid_bytes_;
  market::MarketTiming timing_;
  ConsortiumOrderOwner& owner_;
  std::unordered_map<OrderId, PendingOrder> orders_;  // lookups only: never iterated
  std::map<IntervalIndex, OwnTrades> synced_;  // own trades per synced interval with a pending order
  std::uint64_t synced_blocks_ = 0;
  double synced_bytes_ = 0.0;
  double crypto_cpu_s_ = 0.0;
};

}  // namespace ebsim::agents
