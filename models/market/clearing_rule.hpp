#pragma once
/** The clearing seam: a pure kernel from an order book to trades, chosen by name. */
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/core/rng.hpp"
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
  double price_per_kwh = 0.0;  // what the buyer pays and the seller receives per kWh
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

/** Name -> factory. Rules register themselves with a static ClearingRuleRegistration. */
class ClearingRuleRegistry {
 public:
  using Factory = std::function<std::unique_ptr<ClearingRule>()>;
  static ClearingRuleRegistry& instance();
  void add(std::string name, Factory factory);
  /** The rule called `name`, or nullptr if there is none. */
  std::unique_ptr<ClearingRule> create(std::string_view name) const;
  /** Registered names, sorted. */
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory, std::less<>> factories_;
};

/** Put one of these at namespace scope in a rule's .cpp to register it. */
struct ClearingRuleRegistration {
  ClearingRuleRegistration(std::string name, ClearingRuleRegistry::Factory factory) {
    ClearingRuleRegistry::instance().add(std::move(name), std::move(factory));
  }
};

}  // namespace ebsim::market
