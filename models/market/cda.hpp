#pragma once
/** Continuous double auction (CDA): an order book matched as orders arrive (Brooklyn TransActive).
 *
 * THE RULE:
 *
 *  1. Admission as pay_as_clear (pay_as_clear.hpp step 1).
 *  2. Sequence: all admitted bids and offers together, by arrival: earlier arrived_s (NaN
 *     counts as the latest), then lower id, then bids before offers, then position in the book.
 *     (Ids are unique within a run, so the last two never decide in practice.)
 *  3. Matching: each order in sequence is the incoming order against the book of resting
 *     orders (initially empty). An incoming bid trades with the best resting offer while that
 *     offer's limit <= the bid's limit; an incoming offer with the best resting bid while that
 *     bid's limit >= the offer's limit. Each match is min(incoming left, resting left), one Trade.
 *     "Best" is price-time priority: resting bids by limit descending, resting offers ascending,
 *     equal limits by the sequence of step 2 (earlier first). A remainder <= kQuantityTolerance_kwh
 *     counts as zero (floating-point residue); whatever is left of the incoming order then rests.
 *  4. Price: every trade at the RESTING order's limit (the standing quote the incoming order
 *     accepted), so the resting side gets exactly its limit and the incoming side trades at or
 *     better than its own. Trade prices therefore differ within one interval.
 *  5. Result: trades in the order they happen (by incoming order, then resting priority).
 *     clearing_price_per_kwh = volume-weighted mean trade price (set_volume_weighted_price),
 *     has_price when anything traded; cleared_kwh and declared_welfare as in pay_as_clear.
 *     Orders still resting at the end are unmatched.
 *
 * When it runs: the exchange calls a rule once, at gate closure, with every admitted order and
 * its network arrival time (arrived_s). Replaying the arrivals in order gives exactly the trades
 * that continuous matching would have made at each arrival, so who trades with whom, and at what
 * price, depends on network latency as in a real CDA. Only the announcement differs: results are
 * sent to participants at gate closure, not at the moment of each match.
 *
 * Unlike pay_as_clear, a CDA need not maximise declared welfare: an early bid may take an offer
 * that a later, higher bid valued more. Deterministic; never draws from the rng. Cost: O(n log n).
 */
#include <span>
#include <string_view>

#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

/** The CDA kernel as a pure function over plain data (rule in the file comment). */
ClearingResult clear_continuous(std::span<const Order> bids, std::span<const Order> offers);

/** Continuous double auction replayed in arrival order at gate closure. */
class Cda final : public ClearingRule {
 public:
  /** The name scenarios use: "cda". */
  static constexpr std::string_view kName = "cda";
  /** Returns kName. */
  std::string_view name() const override { return kName; }
  /** clear_continuous(book.bids, book.offers); grid and rng are not used. */
  ClearingResult clear(const OrderBook& book, const grid::GridView* grid, Rng& rng) const override;
};

}  // namespace ebsim::market
