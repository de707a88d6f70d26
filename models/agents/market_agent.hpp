#pragma once
/** The seam every market participant implements, whatever its kind (prosumer, consumer,
 * generator, ...). The market designs, the settlement and the trace hold participants through
 * this interface only, so a new kind of participant touches none of them.
 *
 * A participant meters its own energy flows each interval (market::MeterReading: what it
 * consumed, generated, stored), places orders for what it wants to trade, and emits each
 * order's outcome once it is final. What it does not trade locally is settled with the
 * utility from its meter (market/settlement.hpp).
 */
#include <cstddef>
#include <memory>
#include <optional>

#include "models/agents/consortium_client.hpp"
#include "models/agents/strategies/strategy.hpp"
#include "models/core/node.hpp"
#include "models/core/signal.hpp"
#include "models/market/order.hpp"
#include "models/market/settlement.hpp"
#include "models/market/timing.hpp"

namespace ebsim::agents {

/** What every participant kind shares: who it is, where its orders go, the market's clock,
 * the utility's tariffs (its outside option) and how it prices orders. The scenario layer
 * fills the kind-independent fields; the market design fills market_node and consortium. */
struct AgentParams {
  ParticipantId id = 0;
  NodeId market_node = kNoNode;          // where orders go
  market::MarketTiming timing;
  PriceContext prices;
  std::shared_ptr<const BiddingStrategy> strategy;
  double bid_bytes = 400.0;              // size of an order on the wire
  /** Set in the consortium design: orders are sealed for market_node (its management node),
   * results are queried and checked, disputes raised. Unset: orders go to market_node as they are. */
  std::optional<ConsortiumAccess> consortium;
};

/** The life of one order as its owner saw it (emitted once, when it is final). */
struct OrderOutcome {
  market::Order order;
  market::OrderStatus status = market::OrderStatus::kAccepted;
  double matched_kwh = 0.0;
  double result_received_s = -1.0;  // -1: rejected, no result
  bool disputed = false;            // consortium: the result contradicted the bid or the chain
  bool dispute_upheld = false;      // ... and the primary's reply corrected it
};

/** The id of a participant's order for interval k: one order per participant and interval. */
inline OrderId order_id_of(const AgentParams& params, IntervalIndex k) {
  return static_cast<OrderId>(params.id) * params.timing.intervals + k + 1;
}

/** Orders smaller than this are not placed: the utility settles the crumbs. */
inline constexpr double kMinOrderKwh = 1e-6;

/** A market participant as designs, settlement and trace see it. */
class MarketAgent : public Node {
 public:
  /** Meter reading of interval k, by energy flow. REQUIRES: the interval was planned (its order time passed). */
  virtual const market::MeterReading& meter(IntervalIndex k) const = 0;
  /** Orders sent and not yet final (0 at the end of a run in which nothing was lost). */
  virtual std::size_t pending_orders() const = 0;
  /** Consortium: CPU seconds (calibration machine) charged for this participant's cryptography. */
  virtual double crypto_cpu_s() const = 0;
  /** The kind-independent parameters it was built with. */
  virtual const AgentParams& agent_params() const = 0;
  /** Consortium: chain-sync messages received (0 in other designs). */
  virtual std::uint64_t synced_blocks() const = 0;
  /** Consortium: simulated bytes of the chain-sync messages received. */
  virtual double synced_bytes() const = 0;

  /** Emitted when an order is final (result received, or rejected). */
  Signal<OrderOutcome> order_completed;
};

}  // namespace ebsim::agents
