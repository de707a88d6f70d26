#pragma once
/** What every participant kind that trades energy shares: each interval it meters its own flows
 * (the kind's job), then places at most one order for the residual, a bid for a deficit or an
 * offer for a surplus, sent at a random moment of the bid window; it follows the order to its
 * result and emits the outcome. In the consortium design the orders go through the participant's
 * ConsortiumClient (sealed, queried, checked, disputed); elsewhere straight to the market node.
 *
 * A new kind derives from it and implements meter_interval (and limit_price_per_kwh if it does
 * not price with its bidding strategy); designs, settlement and trace need no change.
 */
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "models/agents/consortium_client.hpp"
#include "models/agents/market_agent.hpp"

namespace ebsim::agents {

/** A participant placing one order per interval for what its meter says it lacks or has spare. */
class OrderingAgent : public MarketAgent, private ConsortiumOrderOwner {
 public:
  explicit OrderingAgent(AgentParams params);

  void on_start(NodeContext& ctx) override;
  void on_message(NodeContext& ctx, const Message& msg) override;
  void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) override;

  const market::MeterReading& meter(IntervalIndex k) const override { return meters_[k]; }
  std::size_t pending_orders() const override { return pending_.size(); }
  double crypto_cpu_s() const override { return consortium_ ? consortium_->crypto_cpu_s() : 0.0; }
  const AgentParams& agent_params() const override { return params_; }
  std::uint64_t synced_blocks() const override { return consortium_ ? consortium_->synced_blocks() : 0; }
  double synced_bytes() const override { return consortium_ ? consortium_->synced_bytes() : 0.0; }

  /** Timer tags: k (< 2^32) sends the order of interval k; kQueryTag | k queries its result. */
  static constexpr std::uint64_t kQueryTag = ConsortiumClient::kQueryTag;

 protected:
  /** Meter interval k into `reading` (the kind's physics) and return the energy to trade:
   * > 0 to buy, < 0 to sell, kWh. Called once per interval, in order, when its order is due. */
  virtual double meter_interval(IntervalIndex k, market::MeterReading& reading) = 0;
  /** Limit price of the order; by default the participant's bidding strategy prices it. */
  virtual double limit_price_per_kwh(NodeContext& ctx, market::Side side, double quantity_kwh);

 private:
  void schedule_order(NodeContext& ctx, IntervalIndex k);
  void place_order(NodeContext& ctx, IntervalIndex k, double residual_kwh);
  void on_result(NodeContext& ctx, const Message& msg);
  const market::Order* pending_order(OrderId id) const override;
  void complete(NodeContext& ctx, OrderId id, const market::OrderFill& fill, bool disputed, bool upheld) override;

  AgentParams params_;
  std::vector<market::MeterReading> meters_;
  std::unordered_map<OrderId, OrderOutcome> pending_;  // lookups only: never iterated
  std::optional<ConsortiumClient> consortium_;         // the consortium design only
};

}  // namespace ebsim::agents
