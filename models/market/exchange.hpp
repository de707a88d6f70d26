#pragma once
/** The centralized exchange (SPEC §3): one operator collects orders until gate closure,
 * clears each interval with the configured ClearingRule, tells every bidder its result,
 * and after delivery settles everyone (local trades at the market price, the rest with
 * the utility) and checks that energy and money are conserved. Its commit is final. */
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/core/node.hpp"
#include "models/core/signal.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/messages.hpp"
#include "models/market/security_check.hpp"
#include "models/market/settlement.hpp"
#include "models/market/timing.hpp"

namespace ebsim::market {

struct ExchangeParams {
  MarketTiming timing;
  Tariffs tariffs;
  double ack_bytes = ReplySizes{}.ack_bytes;
  double result_bytes = ReplySizes{}.result_bytes;
  double result_per_trade_bytes = ReplySizes{}.result_per_trade_bytes;
  double settlement_bytes = ReplySizes{}.settlement_bytes;
  std::uint64_t seed = 1;                                   // for the clearing rule's stream
  std::function<std::string(IntervalIndex)> interval_label;  // names an interval in error messages
  const grid::GridView* grid = nullptr;  // passed to the clearing rule; null without a grid (must outlive the exchange)
  /** After any rule but nodal (whose OPF already respects the limits), check the trades' line
   * flows on `grid` and cancel trades while a line is overloaded (security_check.hpp). Needs `grid`. */
  SecurityCheck security_check = SecurityCheck::kNone;
};

/** One interval's book closed and cleared. */
struct ClearedInterval {
  IntervalIndex interval = 0;
  double gate_closure_s = 0.0;
  std::uint32_t bids = 0, offers = 0, rejected_late = 0, rejected_other = 0;
  ClearingResult result;                          // after the security check, if any
  std::vector<SecurityIteration> security_iterations;  // one per trade the security check cancelled
};

class Exchange final : public Node {
 public:
  using MeterSource = std::function<const MeterReading&(ParticipantId, IntervalIndex)>;

  /** `participant_nodes[i]` is the node of participant i; `meters` reads what they metered. */
  Exchange(ExchangeParams params, const ClearingRule& rule, std::vector<NodeId> participant_nodes,
           MeterSource meters);

  void on_start(NodeContext& ctx) override;
  void on_message(NodeContext& ctx, const Message& msg) override;
  void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) override;

  /** Emitted at each gate closure, after clearing. */
  Signal<ClearedInterval> cleared;
  /** Emitted after each delivery interval, once the conservation checks passed. */
  Signal<ClearedInterval, IntervalSettlement> settled;

 private:
  enum TimerKind : std::uint64_t { kGateClosure = 0, kSettlement = 1 };
  struct IntervalState {
    OrderBook book;
    ClearedInterval cleared;
    bool closed = false;
  };

  void receive_order(NodeContext& ctx, const Message& msg);
  void send_ack(NodeContext& ctx, NodeId to, const Order& order, OrderStatus status);
  void close_and_clear(NodeContext& ctx, IntervalIndex k);
  /** Run params_.security_check on `c`'s provisional trades; keep the rest, record the iterations. */
  void apply_security_check(const OrderBook& book, ClearedInterval& c) const;
  void settle(NodeContext& ctx, IntervalIndex k);
  static std::uint64_t tag(IntervalIndex k, TimerKind kind) { return std::uint64_t{k} * 2 + kind; }

  ExchangeParams params_;
  const ClearingRule& rule_;
  std::vector<NodeId> participant_nodes_;
  MeterSource meters_;
  std::map<IntervalIndex, IntervalState> open_;  // intervals not yet settled, in order
};

}  // namespace ebsim::market
