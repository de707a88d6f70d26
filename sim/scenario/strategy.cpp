// A group's strategy: section. The type is a name in agents::StrategyRegistry; each strategy's
// own keys are read by its entry in kReaders below (sim-side: units and defaults from the utility).
#include <algorithm>
#include <map>
#include <stdexcept>

#include "models/agents/strategies/truthful.hpp"
#include "models/agents/strategies/zero_intelligence.hpp"
#include "models/core/units.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {

/** How the scenario gives one strategy's parameters. */
struct StrategyReader {
  std::span<const std::string_view> keys;  // its own keys, besides `type`
  /** Reads those keys into `params`; null if the strategy has none. */
  void (*read)(const MapView& map, const UtilitySpec& utility, agents::StrategyParams& params) = nullptr;
};

void read_zero_intelligence(const MapView& map, const UtilitySpec& utility, agents::StrategyParams& params) {
  // Without limits, agents bid between what the utility pays and what it charges.
  params.price_min_per_kwh = utility.feed_in_per_kwh;
  params.price_max_per_kwh = utility.retail_per_kwh;
  const auto price_min = map.find("price_min");
  if (price_min) params.price_min_per_kwh = price_min->quantity(units::parse_price_per_kwh);
  const auto price_max = map.find("price_max");
  if (price_max) params.price_max_per_kwh = price_max->quantity(units::parse_price_per_kwh);
  if (params.price_max_per_kwh < params.price_min_per_kwh) {
    if (price_max) {
      price_max->fail("a price >= price_min (" + shown_price(params.price_min_per_kwh, price_min.has_value()) +
                      ", the utility feed-in tariff if not given)");
    }
    price_min->fail("a price <= price_max (" + shown_price(params.price_max_per_kwh, false) +
                    ": the utility retail tariff)");
  }
}

constexpr std::string_view kZeroIntelligenceKeys[]{"price_min", "price_max"};

/** One entry per registered strategy. */
const std::map<std::string_view, StrategyReader, std::less<>> kReaders{
    {agents::TruthfulStrategy::kName, {}},
    {agents::ZeroIntelligenceStrategy::kName, {kZeroIntelligenceKeys, read_zero_intelligence}},
};

const StrategyReader& reader_of(std::string_view type) {
  const auto it = kReaders.find(type);
  if (it == kReaders.end()) throw std::logic_error("strategy '" + std::string(type) + "' has no scenario reader");
  return it->second;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

StrategySpec read_strategy(const Value& value, const UtilitySpec& utility) {
  const std::vector<std::string> types = agents::StrategyRegistry::instance().names();
  // Every strategy's keys are allowed; the ones of another strategy are rejected as "does not apply".
  std::vector<std::string_view> keys{"type"};
  std::vector<std::pair<std::string_view, std::string_view>> owners;  // key, strategy
  for (const std::string& type : types) {
    for (std::string_view key : reader_of(type).keys) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
      owners.emplace_back(key, kReaders.find(type)->first);
    }
  }
  const MapView map(value, keys);
  StrategySpec strategy;
  strategy.type = map.required("type", "one of " + joined(types)).choice(types);
  const StrategyReader& reader = reader_of(strategy.type);
  for (const auto& [key, owner] : owners) {
    if (std::find(reader.keys.begin(), reader.keys.end(), key) == reader.keys.end()) {
      map.reject(key, "type: " + strategy.type, "type: " + std::string(owner));
    }
  }
  if (reader.read != nullptr) reader.read(map, utility, strategy.params);
  return strategy;
}

}  // namespace ebsim::sim::scenario_sections
