#pragma once
/** Nodal (locational marginal) pricing over the DC network (SPEC §6).
 *
 * THE RULE:
 *  1. Admission as pay_as_clear step 1 (is_admissible). Requires a GridView (throws
 *     std::invalid_argument without one, or for an order whose participant has no bus).
 *  2. Each order becomes a grid::BusOrder at its participant's bus: MW = kWh / interval_h / 1000,
 *     $/MWh = limit price per kWh * 1000 (bids are demand, offers supply). Orders enter the OPF
 *     sorted by (bus position, order id), so the result does not depend on the book's order.
 *  3. grid::solve_dc_opf over the grid's topology and branch limits (RATE_A in MW). By default
 *     with ONLY the participants' orders: the case's own loads (Pd, Gs) and generators (Pmin, Pmax)
 *     are set to zero in a copy of the model, so the market clears against the network alone.
 *     With NodalParams::include_case_units, over the case as it is: its in-service generators with
 *     their gencost curves and [Pmin, Pmax], and its fixed loads Pd + Gs, clear next to the orders;
 *     the OPF then runs every interval, even with no orders. An OPF without an optimum (e.g. a
 *     case load the generators and lines cannot serve) throws std::runtime_error naming the
 *     interval (the run then fails).
 *  3b. (include_case_units only) The case's units become the grid party's orders (case_units.hpp):
 *     a generator's dispatch Pg sells, a bus's Pd + Gs buys, each MW * interval_h * 1000 kWh
 *     (a negative value flips the side; |kWh| <= kQuantityTolerance_kwh is left out), priced at
 *     the LMP of its bus, which also stands in for its limit price in declared_welfare.
 *  4. Cleared quantities back to kWh (MW * interval_h * 1000), clamped to [0, order quantity];
 *     quantities <= kQuantityTolerance_kwh are dropped, and the solver's residue between energy
 *     bought and sold is taken off the last orders of the larger side so that both are equal.
 *  5. Prices: a buyer pays the LMP of its bus, a seller receives the LMP of its bus (per kWh).
 *     Where solver tolerance puts an LMP a hair beyond a cleared order's limit, that order's
 *     price is its limit.
 *  6. Trades: cleared buys and cleared sells (the grid party's included), each in order of
 *     (bus position, order id), are
 *     paired greedily (first buy with first sell for min(remainders), and so on). The pairing
 *     only splits quantities into trades; each side's price depends on its own bus alone.
 *     price_per_kwh = the buyer's price, seller_price_per_kwh = the seller's; the difference
 *     (congestion rent) goes to the exchange. clearing_price_per_kwh is the volume-weighted mean
 *     buyer price; declared_welfare as in pay_as_clear (bid limit - offer limit per trade).
 * Uncongested, every LMP is one price: without the case's units, in pay_as_clear's competitive
 * range; with them, the marginal unit's (a case generator's marginal cost, or an order's limit).
 * Money: every party pays or receives its own bus's LMP, so the congestion rent of all trades,
 * the grid party's included, is what the exchange keeps (settlement.hpp). Deterministic (the
 * OPF is), so it never draws from the rng. */
#include <string_view>

#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

struct NodalParams {
  /** Whether the case's own generators and loads clear next to the orders (rule step 3);
   * scenario key grid.case_units: include. */
  bool include_case_units = false;
};

class Nodal final : public ClearingRule {
 public:
  /** The rule with `params` (default: the participants' orders alone). */
  explicit Nodal(NodalParams params = {}) : params_(params) {}
  /** The name scenarios use: "nodal". */
  static constexpr std::string_view kName = "nodal";
  /** Returns kName. */
  std::string_view name() const override { return kName; }
  /** The rule in the file comment. REQUIRES: grid != nullptr. */
  ClearingResult clear(const OrderBook& book, const grid::GridView* grid, Rng& rng) const override;

 private:
  NodalParams params_;
};

}  // namespace ebsim::market
