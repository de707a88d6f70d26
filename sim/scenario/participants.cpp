// participants: the groups of participants, each with its type, count, network and place.
#include <algorithm>

#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kGroupKeys[]{"name",     "type",    "count", "load", "pv",             "battery",
                                        "strategy", "network", "bus",   "zone", "management_node"};

/** "participants[<name>]" when the item has a usable name, else "participants[<index>]". */
std::string group_key(const YAML::Node& item, std::size_t index) {
  if (item.IsMap()) {
    for (const auto& pair : item) {
      if (pair.first.IsScalar() && pair.first.Scalar() == "name" && pair.second.IsScalar() &&
          is_name(pair.second.Scalar())) {
        return "participants[" + pair.second.Scalar() + "]";
      }
    }
  }
  return "participants[" + std::to_string(index) + "]";
}

}  // namespace

ParticipantGroup read_group(const Value& value, const GroupContext& context) {
  ParticipantGroup group;
  const MapView map(value, kGroupKeys);
  const Value name = map.required("name", kNameForm);
  group.name = name.text(kNameForm);
  // Names address groups in --set; an all-digit name would read as a list index.
  const bool only_digits =
      std::all_of(group.name.begin(), group.name.end(), [](char c) { return c >= '0' && c <= '9'; });
  name.require(is_name(group.name) && !only_digits,
               std::string(kNameForm) + ", not only digits");

  const std::string type = map.required("type", "one of prosumer, consumer").choice({"prosumer", "consumer"});
  group.type = type == "prosumer" ? ParticipantType::kProsumer : ParticipantType::kConsumer;
  if (group.type == ParticipantType::kConsumer) {
    map.reject("pv", "type: consumer", "type: prosumer");
    map.reject("battery", "type: consumer", "type: prosumer");
  }

  const Value count = map.required("count", "an integer >= 1");
  const std::int64_t members = count.integer("an integer >= 1");
  count.require(members >= 1, "an integer >= 1");
  count.require(static_cast<std::uint64_t>(members) <= kMaxParticipants,
                "at most " + std::to_string(kMaxParticipants) + " participants");
  group.count = static_cast<std::uint32_t>(members);

  group.load = read_profile(map.required("load", "a mapping with profile: synthetic or csv"), ProfileRole::kLoad, context);
  if (auto pv = map.find("pv")) group.pv = read_profile(*pv, ProfileRole::kPv, context);
  if (auto battery = map.find("battery")) group.battery = read_battery(*battery);
  if (auto strategy = map.find("strategy")) group.strategy = read_strategy(*strategy, context.utility);
  group.access = LinkSpec{0.020, 10e6 / 8};  // 20ms, 10Mbps: a household broadband line
  if (auto network = map.find("network")) group.access = read_link(*network, group.access);
  if (context.grid && context.grid->zonal) {
    std::vector<std::string> names;
    for (const grid::Zone& zone : context.grid->zonal_model.zones) names.push_back(zone.name);
    map.reject("bus", "a zonal grid (grid.zones)", "bus-branch grids: grid: {file: ...}; use zone: NAME");
    const Value zone = map.required("zone", "the name of a zone in grid.zones (every group needs one with a zonal grid)");
    const std::string name = zone.choice(names);
    group.zone = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  } else if (context.grid) {
    map.reject("zone", "a bus-branch grid (grid.file)", "zonal grids: grid: {zones: [...]}; use bus: NUMBER");
    const std::string expected = "the number of a bus in " + context.grid->file_path;
    const Value bus = map.required("bus", expected + " (every group needs one with a top-level grid)");
    const std::int64_t number = bus.integer(expected);
    const auto& buses = context.grid->model.buses;
    bus.require(std::any_of(buses.begin(), buses.end(), [&](const grid::Bus& b) { return b.id == number; }),
                expected);
    group.bus = static_cast<int>(number);
  } else {
    map.reject("bus", "no top-level grid", "scenarios with grid: {file: ...}");
    map.reject("zone", "no top-level grid", "scenarios with grid: {zones: [...]}");
  }
  if (context.consortium != nullptr && !context.consortium->management_nodes.empty()) {
    const auto& nodes = context.consortium->management_nodes;
    std::vector<std::string> names;
    for (const auto& node : nodes) names.push_back(node.name);
    if (auto node = map.find("management_node")) {
      const std::string name = node->choice(names);
      group.management_node = static_cast<std::uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
    } else if (nodes.size() > 1) {
      map.required("management_node", "the name of the management node that admits the group (one of consortium.management_nodes)");
    }
  } else {
    map.reject("management_node", "no consortium section", "scenarios with a consortium section");
  }
  return group;
}

std::vector<ParticipantGroup> read_groups(const Value& value, const GroupContext& context) {
  constexpr std::string_view kExpected = "a non-empty list of participant groups";
  if (!value.node().IsSequence() || value.node().size() == 0) value.fail(kExpected);
  std::vector<ParticipantGroup> groups;
  std::uint64_t total = 0;
  const std::vector<YAML::Node> items = scenario_yaml::elements(value.node());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value item(value.origin(), items[i], group_key(items[i], i));
    ParticipantGroup group = read_group(item, context);
    const MapView map(item, kGroupKeys);
    for (std::size_t j = 0; j < groups.size(); ++j) {
      if (groups[j].name == group.name) {
        map.required("name", "").fail("a name not used by an earlier group (participants[" + std::to_string(j) +
                                      "] has it)");
      }
    }
    total += group.count;
    if (total > kMaxParticipants) {
      map.required("count", "").fail("a count that keeps the total over all groups at most " +
                                     std::to_string(kMaxParticipants) + " (it would be " +
                                     std::to_string(total) + ")");
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace ebsim::sim::scenario_sections
