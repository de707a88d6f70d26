#pragma once
/** Step 6 of a consortium round at a management node, towards its own subjects (the participants
 * it admitted): once a round's block is on its chain it syncs the chain to them, tells the owners
 * of orders that missed the round, answers their result queries (misreporting while faulty), and
 * after delivery sends their settlement statements. */
#include <cstddef>
#include <map>
#include <set>
#include <unordered_map>

#include "models/consensus/bid_intake.hpp"
#include "models/consensus/chain_store.hpp"
#include "models/consensus/management_common.hpp"
#include "models/consensus/round_state.hpp"
#include "models/core/signal.hpp"
#include "models/market/order.hpp"

namespace ebsim::consensus {

/** A management node's service to its subjects. */
class SubjectDesk {
 public:
  /** Emits `missed` per accepted order left out of its round. REQUIRES: every argument outlives this. */
  SubjectDesk(ManagementCommon& node, RoundTable& rounds, BidIntake& intake, const ChainStore& chain,
              Signal<market::Order>& missed)
      : node_(node), rounds_(rounds), intake_(intake), chain_(chain), missed_(missed) {}

  /** Round k's block is on the chain: sync it, report missed orders, answer held queries, and
   * settle (or arm the settlement timer). */
  void on_final(NodeContext& ctx, IntervalIndex k);
  /** kQuery: answer from the chain, or hold it until the round is final. */
  void receive_query(NodeContext& ctx, const Message& msg);
  /** Delivery of `k` is over: send the settlement statements, drop the interval's bid store. */
  void settle(NodeContext& ctx, IntervalIndex k);
  /** After a crash at `now_s`: settle the final rounds not yet settled (or arm their timers). */
  void resume(NodeContext& ctx, double now_s);
  /** A crash: the results worked out are lost (the settled set is on disk). */
  void forget_results() { results_.clear(); }

 private:
  /** One of its subjects' orders: its fill and the trades it is in. */
  struct OwnResult {
    market::OrderFill fill;
    std::size_t trades = 0;
  };
  using Results = std::unordered_map<OrderId, OwnResult>;

  /** The fills of the orders this node accepted for final round `k` (worked out once). */
  Results& own_results(IntervalIndex k);
  /** Send `order`'s result (from `res`, else from the chain) to `to`. */
  void reply_result(NodeContext& ctx, NodeId to, IntervalIndex k, OrderId order, const Results& res);
  /** Chain sync of `block` to every subject: one shared body (kFull), or header + own trades found
   * in one pass over the block (kHeaders). */
  void send_sync_all(NodeContext& ctx, const ledger::Block& block);
  /** Settle final round `k` now if its delivery is over, else when it is. */
  void settle_when_delivered(NodeContext& ctx, IntervalIndex k);

  ManagementCommon& node_;
  RoundTable& rounds_;
  BidIntake& intake_;
  const ChainStore& chain_;
  Signal<market::Order>& missed_;
  std::map<IntervalIndex, Results> results_;  // volatile: own subjects' fills of final rounds
  std::set<IntervalIndex> settled_;           // on disk
};

}  // namespace ebsim::consensus
