// grid.zones and grid.tie_lines: a zonal grid (zones joined by tie-lines with transfer capacities).
#include <algorithm>
#include <cmath>

#include "models/core/units.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kTieLineKeys[]{"between", "capacity"};
}  // namespace

void read_zonal_grid(const MapView& map, GridSpec& grid) {
  constexpr std::string_view kZonesForm = "a non-empty list of zone names (letters, digits, '_' and '-')";
  const Value zones = map.required("zones", kZonesForm);
  if (!zones.node().IsSequence() || zones.node().size() == 0) zones.fail(kZonesForm);
  std::vector<std::string> names;
  const std::vector<YAML::Node> items = scenario_yaml::elements(zones.node());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value item(zones.origin(), items[i], zones.key() + "[" + std::to_string(i) + "]");
    const std::string name = item.text(kNameForm);
    item.require(is_name(name), kNameForm);
    if (std::find(names.begin(), names.end(), name) != names.end()) item.fail("a name not used by an earlier zone");
    names.push_back(name);
  }
  grid.zonal = true;
  for (std::size_t z = 0; z < names.size(); ++z) {
    grid.zonal_model.zones.push_back(grid::Zone{static_cast<int>(z + 1), names[z]});
  }
  std::optional<Value> ties = map.find("tie_lines");
  if (ties) {
    constexpr std::string_view kTiesForm = "a list of tie-lines ({between: [ZONE, ZONE], capacity: 2MW})";
    if (!ties->node().IsSequence()) ties->fail(kTiesForm);
    const std::vector<YAML::Node> lines = scenario_yaml::elements(ties->node());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const Value item(ties->origin(), lines[i], ties->key() + "[" + std::to_string(i) + "]");
      const MapView tie_map(item, kTieLineKeys);
      constexpr std::string_view kBetween = "a list of two different names from grid.zones";
      const Value between = tie_map.required("between", kBetween);
      if (!between.node().IsSequence() || between.node().size() != 2) between.fail(kBetween);
      const std::vector<YAML::Node> ends = scenario_yaml::elements(between.node());
      std::size_t zone[2] = {0, 0};
      for (std::size_t e = 0; e < 2; ++e) {
        const Value end(ties->origin(), ends[e], between.key() + "[" + std::to_string(e) + "]");
        const std::string name = end.choice(names);
        zone[e] = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
      }
      if (zone[0] == zone[1]) between.fail(kBetween, "the same zone twice");
      constexpr std::string_view kCapacity = "a power >= 0 such as 2MW or 500kW, or unlimited";
      const Value capacity = tie_map.required("capacity", kCapacity);
      double capacity_mw = grid::kUnlimitedMw;
      if (!(capacity.node().IsScalar() && capacity.node().Scalar() == "unlimited")) {
        if (!capacity.node().IsScalar()) capacity.fail(kCapacity);
        double kw = 0.0;
        try {
          kw = capacity.quantity(units::parse_power_kw);
        } catch (const InputError&) {
          capacity.fail(kCapacity);  // the same position and key, naming `unlimited` too
        }
        capacity.require(std::isfinite(kw) && kw >= 0.0, kCapacity);
        capacity_mw = kw / 1000.0;
      }
      grid.zonal_model.tie_lines.push_back(grid::TieLine{zone[0], zone[1], capacity_mw});
    }
  }
  // Every pair of zones must be joined (a tie-line with capacity 0 for a border that carries nothing):
  // otherwise a trade between them could not be checked against any tie-line.
  const std::vector<int> component = grid::zone_components(grid.zonal_model);
  for (std::size_t z = 1; z < component.size(); ++z) {
    if (component[z] != 0) {
      const std::string expected = "tie-lines joining every zone to every other, directly or through others "
                                   "(capacity: 0MW for a border that carries nothing)";
      const std::string got = "no path from zone " + names[0] + " to zone " + names[z];
      if (ties) ties->fail(expected, got);
      map.required("tie_lines", expected).fail(expected, got);
    }
  }
  // The mirror: zones as buses, tie-lines as branches, for the trace's branch and bus columns.
  grid.model.name = "zones";
  for (const grid::Zone& zone : grid.zonal_model.zones) {
    grid::Bus bus;
    bus.id = zone.id;
    bus.area = zone.id;
    grid.model.buses.push_back(bus);
  }
  for (const grid::TieLine& tie : grid.zonal_model.tie_lines) {
    grid::Branch branch;
    branch.from_bus = grid.zonal_model.zones[tie.from_zone].id;
    branch.to_bus = grid.zonal_model.zones[tie.to_zone].id;
    branch.rate_a_mva = std::isinf(tie.capacity_mw) ? 0.0 : tie.capacity_mw;
    grid.model.branches.push_back(branch);
  }
  grid.model.index_buses();
}

}  // namespace ebsim::sim::scenario_sections
