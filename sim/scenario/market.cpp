// market: the design, the clearing rule and its parameters, and the market's timing.
#include "models/core/units.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/fixed_price.hpp"
#include "sim/market_design_registry.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kMarketKeys[]{"design",     "clearing",     "interval",   "gate_closure",
                                         "bid_window", "exchange_fee", "fixed_price"};
}  // namespace

std::span<const std::string_view> market_keys() { return kMarketKeys; }

MarketSpec read_market(const Value& value) {
  MarketSpec market;
  const MapView map(value, kMarketKeys);
  if (auto design = map.find("design")) market.design = design->choice(MarketDesignRegistry::instance().names());
  if (auto clearing = map.find("clearing")) {
    market.clearing_rule = clearing->choice(market::ClearingRuleRegistry::instance().names());
  }
  // Rule parameters: each key is required by the rule that uses it and an error with any other.
  if (market.clearing_rule == market::FixedPrice::kName) {
    const Value price = map.required("fixed_price", "a price such as \"0.20/kWh\" with clearing: fixed_price");
    market.clearing_params.fixed_price_per_kwh = price.quantity(units::parse_price_per_kwh);
  } else {
    map.reject("fixed_price", "clearing: " + market.clearing_rule, "clearing: fixed_price");
  }
  const auto interval = map.find("interval");
  if (interval) {
    market.interval_s = interval->quantity(units::parse_duration_s);
    interval->require(market.interval_s > 0, "a duration > 0");
  }
  const auto gate_closure = map.find("gate_closure");
  if (gate_closure) market.gate_closure_s = gate_closure->quantity(units::parse_duration_s);
  if (market.gate_closure_s >= market.interval_s) {
    // Point at the value that was written: the other one may be a default.
    if (gate_closure) {
      gate_closure->fail("a duration >= 0 and < market.interval (" + shown(market.interval_s, interval.has_value()) + ")");
    }
    interval->fail("a duration > market.gate_closure (" + shown(market.gate_closure_s, false) + ")");
  }
  if (auto bid_window = map.find("bid_window")) {
    market.bid_window_s = bid_window->quantity(units::parse_duration_s);
    bid_window->require(market.bid_window_s > 0, "a duration > 0");
  }
  if (auto fee = map.find("exchange_fee")) {
    market.exchange_fee_per_kwh = fee->quantity(units::parse_price_per_kwh);
    fee->require(market.exchange_fee_per_kwh >= 0, "a price >= 0");
  }
  return market;
}

}  // namespace ebsim::sim::scenario_sections
