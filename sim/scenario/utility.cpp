// utility: the outside option (retail and feed-in tariffs).
#include "models/core/units.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kUtilityKeys[]{"retail_tariff", "feed_in_tariff"};
}  // namespace

UtilitySpec read_utility(const Value& value) {
  UtilitySpec utility;
  const MapView map(value, kUtilityKeys);
  const auto retail = map.find("retail_tariff");
  if (retail) utility.retail_per_kwh = retail->quantity(units::parse_price_per_kwh);
  const auto feed_in = map.find("feed_in_tariff");
  if (feed_in) utility.feed_in_per_kwh = feed_in->quantity(units::parse_price_per_kwh);
  if (utility.feed_in_per_kwh > utility.retail_per_kwh) {
    // A feed-in above retail would let anyone buy from the utility and sell back at a profit.
    if (feed_in) {
      feed_in->fail("a price <= utility.retail_tariff (" + shown_price(utility.retail_per_kwh, retail.has_value()) + ")");
    }
    retail->fail("a price >= utility.feed_in_tariff (" + shown_price(utility.feed_in_per_kwh, false) + ")");
  }
  return utility;
}

}  // namespace ebsim::sim::scenario_sections
