#pragma once
/** A prosumer or consumer as an event-driven node.
 *
 * Each interval it meters its own physics (load, PV, battery operated for
 * self-consumption), then places at most one order for the residual: a bid for a
 * deficit, an offer for a surplus, priced by its strategy, sent at a random moment
 * of the bid window. Whatever the market does not match is settled with the utility.
 */
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "models/agents/battery.hpp"
#include "models/agents/strategies/strategy.hpp"
#include "models/core/node.hpp"
#include "models/consensus/consortium_params.hpp"
#include "models/core/signal.hpp"
#include "models/ledger/crypto_suite.hpp"
#include "models/market/messages.hpp"
#include "models/market/settlement.hpp"
#include "models/market/timing.hpp"

namespace ebsim::agents {

/** How a subject node reaches its management node in the consortium design (SPEC §4). */
struct ConsortiumAccess {
  const ledger::CryptoSuite* suite = nullptr;   // shared by the run (must outlive the participant)
  consensus::CryptoMode crypto_mode = consensus::CryptoMode::kReal;
  ledger::KeyPair signing_key;                  // this participant's
  ledger::Bytes management_encryption_key;      // public encryption key of its management node
  double query_delay_s = 5.0;                   // after gate closure, when it asks for its result
  double query_retry_s = 60.0;                  // asks again if no answer within this
  /** Check each result against its own trades in the chain sync (wait for the sync of the
   * interval before accepting a result). Set when the scenario's chain sync is not `none`. */
  bool check_against_sync = true;
  consensus::ConsortiumSizes sizes;             // signature, envelope, query and control sizes
};

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
  /** Set in the consortium design: orders are sealed for market_node (its management node),
   * results are queried and checked, disputes raised. Unset: the centralized exchange. */
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

  /** Consortium: chain-sync messages received and their simulated bytes (blocks are not kept). */
  std::uint64_t synced_blocks() const { return synced_blocks_; }
  double synced_bytes() const { return synced_bytes_; }
  /** Orders sent and not yet final (0 at the end of a run in which nothing was lost). */
  std::size_t pending_orders() const { return pending_.size(); }
  /** Consortium: CPU seconds (calibration machine) charged for this participant's cryptography. */
  double crypto_cpu_s() const { return crypto_cpu_s_; }

  /** Timer tags: k (< 2^32) sends the order of interval k; kQueryTag | k queries its result. */
  static constexpr std::uint64_t kQueryTag = std::uint64_t{1} << 32;

 private:
  /** Consortium bookkeeping of one pending order. */
  struct ConsortiumOrder {
    bool acked = false;
    bool result_held = false;     // waiting for the interval's chain sync before checking
    market::OrderFill held;
    bool disputing = false;
    double dispute_raised_s = 0.0;
  };
  struct OwnTrades {
    double matched_kwh = 0.0;
    double payment = 0.0;
  };

  void schedule_order(NodeContext& ctx, IntervalIndex k);
  void meter_interval(IntervalIndex k);
  OrderId order_id(IntervalIndex k) const {
    return static_cast<OrderId>(params_.id) * params_.timing.intervals + k + 1;
  }
  void send_sealed(NodeContext& ctx, const market::Order& order);
  void query_timer(NodeContext& ctx, IntervalIndex k);
  void consortium_result(NodeContext& ctx, const market::OrderFill& fill, IntervalIndex k);
  void check_result(NodeContext& ctx, OrderId id, const market::OrderFill& fill, IntervalIndex k);
  void complete(NodeContext& ctx, OrderId id, const market::OrderFill& fill, bool disputed, bool upheld);
  void send_dispute(NodeContext& ctx, OrderId id, IntervalIndex k);

  ParticipantParams params_;
  double soc_kwh_ = 0.0;
  std::vector<market::MeterReading> meters_;
  std::unordered_map<OrderId, OrderOutcome> pending_;  // lookups only: never iterated
  std::unordered_map<OrderId, ConsortiumOrder> consortium_;  // lookups only
  std::map<IntervalIndex, OwnTrades> synced_;  // own trades per synced interval with a pending order
  std::uint64_t synced_blocks_ = 0;
  double synced_bytes_ = 0.0;
  double crypto_cpu_s_ = 0.0;
};

}  // namespace ebsim::agents
