#pragma once
/** A prosumer or consumer as an event-driven node.
 *
 * Each interval it meters its own physics (load, PV, battery operated for
 * self-consumption), then places at most one order for the residual: a bid for a
 * deficit, an offer for a surplus, priced by its strategy, sent at a random moment
 * of the bid window. Whatever the market does not match is settled with the utility.
 */
#include <memory>
#include <unordered_map>
#include <vector>

#include "models/agents/battery.hpp"
#include "models/agents/strategies/strategy.hpp"
#include "models/core/node.hpp"
#include "models/core/signal.hpp"
#include "models/market/settlement.hpp"
#include "models/market/timing.hpp"

namespace ebsim::agents {

struct ParticipantParams {
  ParticipantId id = 0;
  NodeId market_node = kNoNode;          // where orders go
  market::MarketTiming timing;
  PriceContext prices;
  std::vector<double> load_kw;           // mean power per interval
  std::vector<double> pv_kw;             // empty or one per interval
  bool has_battery = false;
  BatteryParams battery;
  double initial_soc_kwh = 0.0;
  std::shared_ptr<const BiddingStrategy> strategy;
  double bid_bytes = 400.0;              // size of an order on the wire
};

/** The life of one order as its owner saw it (emitted once, when it is final). */
struct OrderOutcome {
  market::Order order;
  market::OrderStatus status = market::OrderStatus::kAccepted;
  double matched_kwh = 0.0;
  double result_received_s = -1.0;  // -1: rejected, no result
};

/** Orders smaller than this are not placed: the utility settles the crumbs. */
inline constexpr double kMinOrderKwh = 1e-6;

class Participant final : public Node {
 public:
  explicit Participant(ParticipantParams params);

  void on_start(NodeContext& ctx) override;
  void on_message(NodeContext& ctx, const Message& msg) override;
  void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) override;

  /** Meter reading of interval k. REQUIRES: the interval was planned (its order time passed). */
  const market::MeterReading& meter(IntervalIndex k) const { return meters_[k]; }
  const ParticipantParams& params() const { return params_; }

  /** Emitted when an order is final (result received, or rejected). */
  Signal<OrderOutcome> order_completed;

 private:
  void schedule_order(NodeContext& ctx, IntervalIndex k);
  void meter_interval(IntervalIndex k);

  ParticipantParams params_;
  double soc_kwh_ = 0.0;
  std::vector<market::MeterReading> meters_;
  std::unordered_map<OrderId, OrderOutcome> pending_;  // lookups only: never iterated
};

}  // namespace ebsim::agents
