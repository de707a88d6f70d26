#pragma once
/** The clearing seam: a pure kernel from an order book to trades, chosen by name. */
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/core/registry.hpp"
#include "models//core/rng.hpp"
#include "models/market/order_book.hpp"

namespace ebsim::grid {
class GridView;  // read-only grid model for grid-aware rules (nodal, security checks); null if none
}

namespace ebsim::market {

/** One matched quantity between a buy order and a sell order. */
struct Trade {
  OrderId buy_order = 0;
  OrderId sell_order = 0;
  ParticipantId buyer = 0;
  ParticipantId seller = 0;
  double quantity_kwh = 0.0;
  double price_per_kwh = 0.0;  // what the buyer pays per kWh
  /** What the seller receives per kWh. Every rule sets it equal to price_per_kwh except nodal,
   * where the seller receives the LMP of its own bus; the exchange keeps the difference
   * (quantity * (price - seller_price): the congestion rent). */
  double seller_price_per_kwh = 0.0;
};

/** What a clearing rule returns. */
struct ClearingResult {
  std::vector<Trade> trades;           // deterministic order (see each rule's documentation)
  bool has_price = false;              // false when nothing cleared
  double clearing_price_per_kwh = 0.0; // uniform price where the rule has one (else volume-weighted mean)
  double cleared_kwh = 0.0;            // sum of trade quantities
  double declared_welfare = 0.0;       // sum over trades of (bid limit - offer limit) * quantity
};

/** Pure clearing kernel: same book, same rng state -> same result. */
class ClearingRule {
 public:
  virtual ~ClearingRule() = default;
  /** The name scenarios use to pick this rule. */
  virtual std::string_view name() const = 0;
  /** Match the book. REQUIRES: every order has quantity_kwh > 0 and a finite price. */
  virtual ClearingResult clear(const OrderBook& book, const grid::GridView* grid, Rng& rng) const = 0;
};

/** Parameters of the rules, set from the scenario's `market` section (and grid.case_units). One field per parameter;
 * a rule reads the fields it needs and ignores the others. */
struct ClearingRuleParams {
  /** fixed_price (required by it): the one price of every trade; scenario key market.fixed_price. */
  std::optional<double> fixed_price_per_kwh;
  /** nodal: the case's own in-service generators and fixed loads take part in the OPF next to the
   * orders, traded by the grid party (case_units.hpp); scenario key grid.case_units: include. */
  bool nodal_includes_case_units = false;
};

/** Name -> factory. Rules register themselves with a static ClearingRuleRegistration. A factory
 * throws std::invalid_argument if a parameter the rule needs is missing or bad (fixed_price
 * without a price); create passes that on. */
class ClearingRuleRegistry : public FactoryRegistry<ClearingRule, const ClearingRuleParams&> {
 public:
  /** The registry every rule registers in. */
  static ClearingRuleRegistry& instance();
  using FactoryRegistry::create;
  /** The rule called `name` with default parameters, or nullptr if there is none. */
  std::unique_ptr<ClearingRule> create(std::string_view name) const { return create(name, ClearingRuleParams{}); }
};

/** Put one of these at namespace scope in a rule's .cpp to register it. */
using ClearingRuleRegistration = Registration<ClearingRuleRegistry>;

// ---- Building blocks shared by the rules -------------------------------------------------------
// The same admission, priority and bookkeeping as the reference rule (pay_as_clear.hpp, steps 1,
// 2 and 5), so that rules differ only where they mean to. Each rule's header says which it uses.

/** pay_as_clear step 1: quantity_kwh > 0 and finite, limit price finite. Rules skip other orders
 * (ClearingRule::clear REQUIRES there are none; skipping them keeps a bad order from crashing a kernel). */
bool is_admissible(const Order& order);

/** Positions in `orders` of its admissible orders in price-time priority (pay_as_clear step 2):
 * limit price descending for side kBuy, ascending for kSell; equal prices by earlier arrived_s
 * (NaN counts as the latest), then lower id, then lower position. `side` only picks the direction. */
std::vector<std::size_t> price_time_order(std::span<const Order> orders, Side side);

/** Positions in `orders` of its admissible orders in arrival order: earlier arrived_s (NaN
 * counts as the latest), then lower id, then lower position. */
std::vector<std::size_t> arrival_order(std::span<const Order> orders);

/** One segment of a merge walk: positions in the bid and offer spans, and the quantity matched. */
struct WalkMatch {
  std::size_t bid = 0;
  std::size_t offer = 0;
  double quantity_kwh = 0.0;
};

/** The merge walk of pay_as_clear step 3 over given priority lists (positions into `bids` and
 * `offers`, e.g. from price_time_order): match the first bid and offer with quantity left for
 * min(remainders) while bid limit >= offer limit; a remainder <= kQuantityTolerance_kwh counts as
 * zero. Stops at the first pair that does not cross or when a list runs out. Segments in walk order. */
std::vector<WalkMatch> merge_walk(std::span<const Order> bids, std::span<const std::size_t> bid_priority,
                                  std::span<const Order> offers, std::span<const std::size_t> offer_priority);

/** Append the trade `bid` buys `quantity_kwh` from `offer` at `price_per_kwh` (for both buyer
 * and seller: seller_price_per_kwh = price_per_kwh), and add it to
 * cleared_kwh and declared_welfare ((bid limit - offer limit) * quantity). */
void append_trade(ClearingResult& result, const Order& bid, const Order& offer, double quantity_kwh,
                  double price_per_kwh);

/** Set has_price and clearing_price_per_kwh to the volume-weighted mean price of the trades
 * (sum of quantity * price over cleared_kwh, in trade order, clamped to the lowest and highest
 * trade price so that rounding never puts it outside them). No trades: has_price = false, price 0. */
void set_volume_weighted_price(ClearingResult& result);

}  // namespace ebsim::market
