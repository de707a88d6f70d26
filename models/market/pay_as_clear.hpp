#pragma once
/** Uniform-price (pay-as-clear) double auction: the reference clearing rule of the project.
 *
 * THE RULE (analyses and other rules compare against it; change it only on purpose):
 *
 *  1. Admission. Orders whose quantity_kwh is not > 0 or not finite, or whose limit price
 *     is not finite, are skipped. ClearingRule::clear REQUIRES that there are none; they
 *     are dropped defensively so that a bad order can never crash the kernel, break the
 *     sort, or produce a zero-quantity trade. A NaN arrived_s counts as the latest arrival.
 *     Bids are taken from book.bids and offers from book.offers; `side` is not consulted.
 *  2. Priority (price-time). Bids by limit_price_per_kwh descending, offers ascending;
 *     equal prices by earlier arrived_s, then lower id. Ids are unique within a run, so
 *     this is a total order and the result does not depend on the order of the book's
 *     vectors. (Should ids ever repeat, position in the book breaks the last tie.)
 *  3. Merge walk. Take the first bid and the first offer with quantity left. While
 *     bid limit >= offer limit, match q = min(bid left, offer left) as one Trade,
 *     subtract q from both and move past every order whose remainder is
 *     <= kQuantityTolerance_kwh (floating-point residue, e.g. 0.3 - 0.1 - 0.2, is never
 *     traded). Stop at the first pair that does not cross or when a side runs out.
 *     The last bid and the last offer matched (the marginal ones) may be partially filled.
 *  4. Price (k = 1/2 double auction over the competitive range). Let b_m and o_m be the
 *     limits of the marginal (last matched) bid and offer, b_u the limit of the first bid
 *     not wholly matched (the partly filled marginal bid itself, or the next one; absent
 *     if none) and o_u likewise for offers. The market-clearing prices are
 *     [low, high] = [max(o_m, b_u), min(b_m, o_u)], and p = midpoint(low, high).
 *     Why the range is non-empty: o_m <= b_m (the pair crossed), b_u <= b_m and
 *     o_u >= o_m (priority order), and b_u < o_u (else the walk would have gone on), so
 *     low <= high. Why no limit is violated: every matched bid has limit >= b_m >= p and
 *     every matched offer limit <= o_m <= p (the midpoint is correctly rounded, so this
 *     holds in floating point too). Why it clears: no unmatched bid has limit > p (they
 *     all come after b_u <= p) and no unmatched offer has limit < p. A partly filled
 *     marginal order therefore sets the price: the bid remainder gives low = high = b_m.
 *  5. Result. One Trade per (bid, offer) segment of the walk, in walk order, all at p.
 *     cleared_kwh = sum of trade quantities; declared_welfare = sum over trades of
 *     (bid limit - offer limit) * quantity, accumulated in walk order. Nothing matched
 *     (empty book, one side empty, or no crossing) -> no trades, has_price = false and
 *     price, cleared_kwh and declared_welfare all 0.
 *
 * Matching the highest bids with the lowest offers while they cross maximises declared
 * welfare over all feasible allocations (each order filled between 0 and its quantity,
 * energy bought == energy sold); tests/models/market/clearing_properties_test.cpp checks
 * this by brute force.
 *
 * Cost: O(n log n). Bids below the lowest offer and offers above the highest bid can
 * never match and are dropped before sorting (the walk would stop before reaching them);
 * the rest are sorted as compact keys. Allocations: two key vectors and the trades vector.
 */
#include <span>
#include <string_view>

#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

/** Remainders at or below this (1 nWh) are floating-point residue and count as zero. */
inline constexpr double kQuantityTolerance_kwh = 1e-12;

/** The pay-as-clear kernel as a pure function over plain data (rule in the file comment). */
ClearingResult clear_uniform_price(std::span<const Order> bids, std::span<const Order> offers);

/** Uniform-price double auction; deterministic, so it never draws from the rng. */
class PayAsClear final : public ClearingRule {
 public:
  /** The name scenarios use: "pay_as_clear". */
  static constexpr std::string_view kName = "pay_as_clear";
  /** Returns kName. */
  std::string_view name() const override { return kName; }
  /** clear_uniform_price(book.bids, book.offers); grid and rng are not used. */
  ClearingResult clear(const OrderBook& book, const grid::GridView* grid, Rng& rng) const override;
};

}  // namespace ebsim::market
