#pragma once
/** Bidding strategies: how a participant prices an order it has decided to place. One file per
 * strategy (truthful.hpp, zero_intelligence.hpp), each registered by name in StrategyRegistry. */
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/core/rng.hpp"
#include "models/market/order.hpp"

namespace ebsim::agents {

/** What a strategy knows about the outside option (the utility). */
struct PriceContext {
  double retail_per_kwh = 0.0;   // the utility sells at this price
  double feed_in_per_kwh = 0.0;  // the utility buys at this price
};

class BiddingStrategy {
 public:
  virtual ~BiddingStrategy() = default;
  virtual std::string_view name() const = 0;
  /** Limit price for an order of `quantity_kwh` on `side`. */
  virtual double limit_price_per_kwh(market::Side side, double quantity_kwh, const PriceContext& prices,
                                     Rng& rng) const = 0;
};

/** A strategy's parameters as the scenario gives them; each strategy reads the ones it uses. */
struct StrategyParams {
  double price_min_per_kwh = 0.0;  // zero_intelligence: lower end of the uniform draw
  double price_max_per_kwh = 0.0;  // zero_intelligence: upper end of the uniform draw
};

/** Name -> strategy. Strategies register themselves with a static StrategyRegistration
 * (models is an OBJECT library, so the registration is kept). */
class StrategyRegistry {
 public:
  /** Builds the strategy from its parameters. */
  using Factory = std::function<std::shared_ptr<const BiddingStrategy>(const StrategyParams&)>;
  /** One strategy: its code in the trace's /groups table and its factory. */
  struct Entry {
    std::uint8_t trace_code = 0;
    Factory factory;
  };
  static StrategyRegistry& instance();
  /** Register `entry` as `name`; throws std::logic_error if the name or the trace code is taken. */
  void add(std::string name, Entry entry);
  /** The strategy called `name`, or nullptr if there is none. */
  const Entry* find(std::string_view name) const;
  /** Registered names, sorted. */
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

/** Put one of these at namespace scope in a strategy's .cpp to register it. */
struct StrategyRegistration {
  StrategyRegistration(std::string name, std::uint8_t trace_code, StrategyRegistry::Factory factory) {
    StrategyRegistry::instance().add(std::move(name), {trace_code, std::move(factory)});
  }
};

}  // namespace ebsim::agents
