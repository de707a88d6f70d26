#pragma once
/** Pay-as-bid (discriminatory) double auction: the pay_as_clear matching, each pair at its own price.
 *
 * THE RULE:
 *
 *  1. Admission and priority as pay_as_clear (pay_as_clear.hpp steps 1 and 2): bids by limit
 *     descending, offers ascending; equal prices by earlier arrived_s (NaN last), then lower id.
 *  2. Matching: the pay_as_clear merge walk (its step 3, merge_walk): the first bid and the first
 *     offer with quantity left trade min(remainders) while bid limit >= offer limit; remainders
 *     <= kQuantityTolerance_kwh count as zero. So exactly the same (bid, offer, quantity)
 *     segments as pay_as_clear, hence the same, maximal, declared welfare.
 *  3. Price of a pair: each segment trades at the midpoint of its own two limits,
 *     p = midpoint(bid limit, offer limit) (std::midpoint, correctly rounded, so
 *     offer limit <= p <= bid limit holds exactly in floating point).
 *     Why the midpoint and not the bid price: a double auction has bidders on both sides, and
 *     here the same prosumers buy in one interval and sell in the next. Paying the bid price
 *     would hand the whole surplus of every pair to the seller and make the offer limit matter
 *     only for priority (a seller could offer at any low price and still be paid the bid); the
 *     offer price would do the reverse to buyers. The midpoint (a k = 1/2 discriminatory double
 *     auction) splits each pair's declared surplus evenly, as pay_as_clear's k = 1/2 does for
 *     the market as a whole, so a comparison of the two rules shows the effect of pricing each
 *     pair separately rather than of favouring one side.
 *  4. Result: one Trade per segment, in walk order. clearing_price_per_kwh is the
 *     volume-weighted mean trade price (set_volume_weighted_price); has_price when anything
 *     traded. cleared_kwh and declared_welfare as in pay_as_clear. Nothing crosses (or a side
 *     is empty): no trades, has_price = false, all figures 0.
 *
 * Deterministic; never draws from the rng. Cost: O(n log n).
 */
#include <span>
#include <string_view>

#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

/** The pay-as-bid kernel as a pure function over plain data (rule in the file comment). */
ClearingResult clear_pay_as_bid(std::span<const Order> bids, std::span<const Order> offers);

/** Pay-as-bid double auction: pay_as_clear's matching, each pair at the midpoint of its limits. */
class PayAsBid final : public ClearingRule {
 public:
  /** The name scenarios use: "pay_as_bid". */
  static constexpr std::string_view kName = "pay_as_bid";
  /** Returns kName. */
  std::string_view name() const override { return kName; }
  /** clear_pay_as_bid(book.bids, book.offers); grid and rng are not used. */
  ClearingResult clear(const OrderBook& book, const grid::GridView* grid, Rng& rng) const override;
};

}  // namespace ebsim::market
