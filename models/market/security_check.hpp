#pragma once
/** Security-constrained clearing, option A of seed 003 Fig. 5 (SPEC §4): check the line flows of
 * a provisional clearing result and cancel trades, those declared last first, until no line is
 * overloaded. On a zonal grid (GridView::is_zonal) the same, with the tie-lines' transfer
 * capacities (grid/zonal.hpp check_transfers) in place of the line ratings. A pure function over plain data, so the centralized exchange and the consortium's
 * management nodes can share it. Option B (re-open bidding on the remaining tie-line capacity)
 * is not implemented. */
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "models/core/ids.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/order.hpp"

namespace ebsim::market {

/** What to do when the provisional trades overload a line (scenario key grid.security_check). */
enum class SecurityCheck : std::uint8_t {
  kNone = 0,        // no check: every cleared trade stands
  kCancelLast = 1,  // cancel the trade declared last, recompute, repeat (seed 003 Fig. 5 option A)
};

/** One iteration of the check that found an overload and cancelled a trade. On a zonal grid:
 * `branch` is the congested tie-line (position in ZonalModel::tie_lines), `flow_mw` the transfer
 * the trades need across the congested cut (the net export of the zones on its exporting side;
 * positive when the tie-line's from_zone is on that side), `limit_mw` the cut's capacity (the sum
 * over the tie-lines crossing it: this tie-line's own capacity when it alone is the cut). */
struct SecurityIteration {
  std::uint32_t iteration = 0;       // 0, 1, ... within the interval
  std::size_t branch = 0;            // position in GridModel::branches of the most overloaded branch
  double flow_mw = 0.0;              // its flow before the cancellation (signed, from -> to)
  double limit_mw = 0.0;             // its RATE_A
  Trade cancelled;                   // the trade cancelled in this iteration
};

/** The trades kept and how they were reached. */
struct SecurityCheckResult {
  std::vector<Trade> kept;                   // the provisional trades minus the cancelled ones, in their order
  std::vector<SecurityIteration> iterations; // one per cancelled trade, in order
};

/** Line flows (MW per GridModel branch; 0 for branches outside the DC model) of `trades` alone:
 * each trade injects +q at the seller's bus and -q at the buyer's bus (trade_side_bus: the grid
 * party's at its generator's or load's bus), q = kWh / interval_h / 1000. The trades balance, so the choice of slack does not matter (the grid's first reference
 * bus is used). */
std::vector<double> trade_flows_mw(std::span<const Trade> trades, const grid::GridView& grid);

/** Zonal grid: each zone's net export (MW per ZonalModel zone position, positive = export) of
 * `trades` alone: +q at the seller's zone, -q at the buyer's zone, q = kWh / interval_h / 1000.
 * REQUIRES: grid.is_zonal() and every trade's parties are placed on it. */
std::vector<double> zone_net_exports_mw(std::span<const Trade> trades, const grid::GridView& grid);

/** A congested tie-line of a zonal grid, as a SecurityIteration reports it. */
struct TieLineCongestion {
  std::size_t tie_line = 0;  // position in ZonalModel::tie_lines
  double transfer_mw = 0.0;  // the transfer the trades need across the congested cut (signed, from_zone -> to_zone)
  double capacity_mw = 0.0;  // the cut's capacity
};

/** Zonal grid: the tie-lines crossing the minimum cut when `trades` do not fit the tie-lines
 * (check_transfers infeasible), in tie-line order; empty when they fit. REQUIRES: as zone_net_exports_mw. */
std::vector<TieLineCongestion> congested_tie_lines(std::span<const Trade> trades, const grid::GridView& grid);

/** Seed 003 Fig. 5 option A. While some in-service branch with RATE_A > 0 carries more than
 * RATE_A (beyond a relative tolerance of 1e-9), record the most overloaded one (largest
 * |flow| / limit, then lowest position) and cancel, among the trades that add flow in the
 * overload's direction on that branch, the one declared last: the one whose later
 * order arrived latest (max of its buy and sell orders' arrived_s, NaN counting as latest), ties
 * to the higher later order id, then the higher other order id, then the later position.
 * `orders` are the book's orders (bids and offers) the trades refer to; a trade whose order is
 * missing counts as arrived latest. With `mode` kNone, returns the trades unchanged.
 * On a zonal grid: while the zones' net exports do not fit the tie-lines (check_transfers), record
 * the lowest-position congested tie-line and cancel, among the trades that cross the congested
 * cut in its direction (seller's zone on the exporting side, buyer's zone on the other), the one
 * declared last (same order and ties as above). If the exports do not fit but no tie-line is
 * congested (zones with no tie-line path between them), the check stops there.
 * REQUIRES: every trade's buyer and seller are placed on `grid`. */
SecurityCheckResult security_check(std::span<const Trade> trades, std::span<const Order> bids,
                                   std::span<const Order> offers, const grid::GridView& grid, SecurityCheck mode);

/** security_check with kCancelLast, acting only on overloads of the listed `branches` (positions in
 * GridModel::branches, or in ZonalModel::tie_lines on a zonal grid: the check goes on while one
 * of them is congested; others may stay overloaded): what a consortium primary does with the branches
 * its management nodes objected to (each checks only its own area and tie-lines). */
SecurityCheckResult security_check_on(std::span<const Trade> trades, std::span<const Order> bids,
                                      std::span<const Order> offers, const grid::GridView& grid,
                                      std::span<const std::size_t> branches);

}  // namespace ebsim::market
