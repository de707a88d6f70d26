#pragma once
/** Step 2 of a consortium round at a management node: its subjects' sealed bids are opened,
 * checked and acknowledged, and the accepted ones kept (the acknowledged-bid store survives a
 * crash: it is on disk) until they leave as the node's signed bundle for the acting primary. */
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "models/consensus/consortium_messages.hpp"
#include "models/consensus/management_common.hpp"

namespace ebsim::consensus {

struct RoundTable;

/** The acknowledged-bid store of one management node. */
class BidIntake {
 public:
  /** REQUIRES: `node` outlives this. */
  explicit BidIntake(ManagementCommon& node) : node_(node) {}

  /** kBid: open and check the sealed bid, keep it if accepted, acknowledge it to its sender.
   * A bid whose interval's gate closure `rounds` has already acted on is late. */
  void receive_bid(NodeContext& ctx, const Message& msg, const RoundTable& rounds);
  /** The bundle of `k`'s accepted orders for management node `to` at rotation `shift`; sealed
   * (signed, and encrypted in real mode) unless it is the primary's own. */
  std::shared_ptr<BundleBody> make_bundle(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, std::uint32_t to,
                                          bool seal);
  /** A bundle's size on the wire. */
  double bundle_size(const BundleBody& bundle) const;
  /** The orders accepted for `k`, or null if none. */
  const std::vector<BundledOrder>* accepted(IntervalIndex k) const {
    const auto it = accepted_.find(k);
    return it == accepted_.end() ? nullptr : &it->second;
  }
  /** Delivery of `k` is over: drop its store (late queries are answered from the chain). */
  void forget(IntervalIndex k) {
    accepted_.erase(k);
    rejected_.erase(k);
  }

 private:
  ManagementCommon& node_;
  std::map<IntervalIndex, std::vector<BundledOrder>> accepted_;  // the acknowledged-bid store
  std::map<IntervalIndex, std::pair<std::uint32_t, std::uint32_t>> rejected_;  // late, other
};

}  // namespace ebsim::consensus
