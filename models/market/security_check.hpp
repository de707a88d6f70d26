#pragma once
/** Security-constrained clearing, option A of seed 003 Fig. 5 (SPEC §4): check the line flows of
 * a provisional clearing result and cancel trades, those declared last first, until no line is
 * overloaded. A pure function over plain data, so the centralized exchange and the consortium's
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

/** One iteration of the check that found an overload and cancelled a trade. */
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
 * each trade injects +q at the seller's bus and -q at the buyer's bus, q = kWh / interval_h /
 * 1000. The trades balance, so the choice of slack does not matter (the grid's first reference
 * bus is used). */
std::vector<double> trade_flows_mw(std::span<const Trade> trades, const grid::GridView& grid);

/** Seed 003 Fig. 5 option A. While some in-service branch with RATE_A > 0 carries more than
 * RATE_A (beyond a relative tolerance of 1e-9), record the most overloaded one (largest
 * |flow| / limit, then lowest position) and cancel, among the trades that add flow in the
 * overload's direction on that branch, the one declared last: the one whose later
 * order arrived latest (max of its buy and sell orders' arrived_s, NaN counting as latest), ties
 * to the higher later order id, then the higher other order id, then the later position.
 * `orders` are the book's orders (bids and offers) the trades refer to; a trade whose order is
 * missing counts as arrived latest. With `mode` kNone, returns the trades unchanged.
 * REQUIRES: every trade's buyer and seller are placed on `grid`. */
SecurityCheckResult security_check(std::span<const Trade> trades, std::span<const Order> bids,
                                   std::span<const Order> offers, const grid::GridView& grid, SecurityCheck mode);

/** security_check with kCancelLast, acting only on overloads of the listed `branches` (positions in
 * GridModel::branches; others may stay overloaded): what a consortium primary does with the branches
 * its management nodes objected to (each checks only its own area and tie-lines). */
SecurityCheckResult security_check_on(std::span<const Trade> trades, std::span<const Order> bids,
                                      std::span<const Order> offers, const grid::GridView& grid,
                                      std::span<const std::size_t> branches);

}  // namespace ebsim::market
