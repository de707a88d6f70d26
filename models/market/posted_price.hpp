#pragma once
/** Posted-price market (Share&Charge): sellers post prices, buyers shop in arrival order.
 *
 * THE RULE:
 *
 *  1. Admission as pay_as_clear (pay_as_clear.hpp step 1).
 *  2. Posts: every admitted offer is a post; its limit is the posted price and its quantity
 *     what is for sale. The list is ordered cheapest first; equal prices by earlier arrived_s
 *     (NaN counts as the latest), then lower id (price-time priority, as pay_as_clear step 2).
 *     All offers in the book at gate closure are posted, whenever they arrived.
 *  3. Buyers are served one after the other in arrival order: earlier arrived_s (NaN last),
 *     then lower id (first come, first served; bid limits do not give priority). Each buyer
 *     takes from the cheapest post with quantity left, as much as it still wants or the post
 *     has (min of the two), then from the next cheapest, while that post's price <= the buyer's
 *     limit. A remainder <= kQuantityTolerance_kwh counts as zero. A buyer whose limit is below
 *     the cheapest post left buys nothing; a later buyer may.
 *  4. Price: the post's price (the seller's limit): sellers get exactly what they asked, buyers
 *     pay at most their limit. Prices differ between posts.
 *  5. Result: trades in the order they happen (by buyer, then post). clearing_price_per_kwh =
 *     volume-weighted mean trade price (set_volume_weighted_price), has_price when anything
 *     traded; cleared_kwh and declared_welfare as in pay_as_clear.
 *
 * Compared with cda: only the buyers' arrival matters (a post that arrives after a buyer is
 * still on the list when the buyers shop at gate closure) and the price is always the seller's.
 * Compared with pay_as_clear: a buyer who arrived early takes the cheapest posts even if a later
 * buyer valued them more, so declared welfare may be below the optimum.
 *
 * Why one cursor suffices: every buyer takes posts cheapest-first, so the posts sold out are
 * always a prefix of the list and the next post to sell from is the first one not sold out.
 * Deterministic; never draws from the rng. Cost: O(n log n).
 */
#include <span>
#include <string_view>

#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

/** The posted-price kernel as a pure function over plain data (rule in the file comment). */
ClearingResult clear_posted_price(std::span<const Order> bids, std::span<const Order> offers);

/** Sellers post prices; buyers in arrival order buy the cheapest posts within their limit. */
class PostedPrice final : public ClearingRule {
 public:
  /** The name scenarios use: "posted_price". */
  static constexpr std::string_view kName = "posted_price";
  /** Returns kName. */
  std::string_view name() const override { return kName; }
  /** clear_posted_price(book.bids, book.offers); grid and rng are not used. */
  ClearingResult clear(const OrderBook& book, const grid::GridView* grid, Rng& rng) const override;
};

}  // namespace ebsim::market
