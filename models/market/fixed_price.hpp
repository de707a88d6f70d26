#pragma once
/** Fixed-price (token) market: every trade at one price set in advance (Scanergy: 1 kWh = 1 token).
 *
 * THE RULE, for the price p (ClearingRuleParams::fixed_price_per_kwh, scenario key
 * market.fixed_price):
 *
 *  1. Admission as pay_as_clear (pay_as_clear.hpp step 1). Then only bids with limit >= p
 *     (willing to pay p) and offers with limit <= p (willing to sell at p) take part.
 *  2. Demand D = their bid quantities, supply S = their offer quantities. The short side is
 *     served in full and the long side is rationed: min(D, S) is traded.
 *  3. Rationing and pairing by price-time priority, as in pay_as_clear step 2: bids by limit
 *     descending, offers ascending; equal limits by earlier arrived_s (NaN last), then lower id.
 *     The merge walk (merge_walk) pairs the first bid and the first offer with quantity left
 *     for min(remainders), then moves on; every pair crosses (bid >= p >= offer), so it stops
 *     only when a side runs out. On the long side the orders first in priority are served in
 *     full, the next one possibly in part, the rest not at all.
 *     Why price first, although everyone pays p: a higher bid (lower offer) declares a higher
 *     value of trading at p, so serving it first maximises declared welfare among allocations
 *     at p; arrival then rewards the earlier of equal declarations, like a queue at a counter.
 *  4. Result: one Trade per segment, in walk order, all at p. has_price when anything traded,
 *     and then clearing_price_per_kwh = p exactly. Nothing traded: no trades, has_price = false,
 *     all figures 0 (as every rule reports it, although p is known).
 *
 * Deterministic; never draws from the rng. Cost: O(n log n).
 */
#include <span>
#include <string_view>

#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

/** The fixed-price kernel as a pure function over plain data (rule in the file comment).
 * REQUIRES: price_per_kwh is finite. */
ClearingResult clear_fixed_price(std::span<const Order> bids, std::span<const Order> offers, double price_per_kwh);

/** Every trade at one fixed price; the long side rationed by price-time priority. */
class FixedPrice final : public ClearingRule {
 public:
  /** The name scenarios use: "fixed_price". */
  static constexpr std::string_view kName = "fixed_price";
  /** Throws std::invalid_argument unless price_per_kwh is finite. */
  explicit FixedPrice(double price_per_kwh);
  /** Returns kName. */
  std::string_view name() const override { return kName; }
  /** The price of every trade. */
  double price_per_kwh() const { return price_per_kwh_; }
  /** clear_fixed_price(book.bids, book.offers, price_per_kwh()); grid and rng are not used. */
  ClearingResult clear(const OrderBook& book, const grid::GridView* grid, Rng& rng) const override;

 private:
  double price_per_kwh_;
};

}  // namespace ebsim::market
