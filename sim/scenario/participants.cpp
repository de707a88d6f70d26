// participants: the groups of participants, each with its type, count, network and place. The
// keys of a type (load, pv, technology, ...) are read by its ParticipantKind (sim/kinds/).
#include <algorithm>

#include "sim/participant_kind.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
/** Keys of every group, whatever its type. */
constexpr std::string_view kCommonKeys[]{"name", "type", "count", "network", "bus", "zone", "management_node"};

/** The common keys and every key some kind reads (a key of another type is "does not apply", not unknown). */
const std::vector<std::string_view>& group_keys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> all(std::begin(kCommonKeys), std::end(kCommonKeys));
    for (const auto& [key, kinds] : ParticipantKindRegistry::instance().kind_keys()) all.push_back(key);
    return all;
  }();
  return keys;
}

/** "type: a or type: b" for the kinds that read a key. */
std::string types_of(const std::vector<std::string_view>& kinds) {
  std::string text;
  for (std::string_view kind : kinds) text += (text.empty() ? "type: " : " or type: ") + std::string(kind);
  return text;
}

/** The keys of a group of `kind`, in the order messages list them. */
std::vector<std::string_view> keys_of(const ParticipantKind& kind) {
  std::vector<std::string_view> keys{"name", "type", "count"};
  keys.insert(keys.end(), kind.keys().begin(), kind.keys().end());
  if (kind.uses_strategy()) keys.push_back("strategy");
  keys.insert(keys.end(), {"network", "bus", "zone", "management_node"});
  return keys;
}

/** The kind the group's `type:` names, if it is a known name (read before the keys are checked,
 * so that an unknown key is reported with the keys of this type). */
const ParticipantKind* peek_kind(const Value& value) {
  if (!value.node().IsMap()) return nullptr;
  const YAML::Node& node = value.node();
  const YAML::Node type = node["type"];
  if (!type.IsDefined() || !type.IsScalar()) return nullptr;
  return ParticipantKindRegistry::instance().find(type.Scalar());
}

/** A key that another type reads does not apply to `kind`: say which types it belongs to. */
void reject_keys_of_other_kinds(const Value& value, const ParticipantKind& kind) {
  const std::vector<std::string_view> own = keys_of(kind);
  for (const auto& [key, kinds] : ParticipantKindRegistry::instance().kind_keys()) {
    if (std::find(own.begin(), own.end(), key) != own.end() || !value.node()[std::string(key)].IsDefined()) continue;
    const MapView all(value, group_keys());
    all.reject(key, "type: " + std::string(kind.name()), types_of(kinds));
  }
}

/** `type:`, one of the registered kinds. */
void read_kind(const MapView& map, ParticipantGroup& group) {
  const ParticipantKindRegistry& registry = ParticipantKindRegistry::instance();
  const std::vector<std::string> names = registry.names();
  std::string expected = "one of";
  for (std::size_t i = 0; i < names.size(); ++i) expected += (i ? ", " : " ") + names[i];
  group.type = map.required("type", expected).choice(names);
  group.kind = registry.find(group.type);
}

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
  const ParticipantKind* kind = peek_kind(value);
  if (kind != nullptr) reject_keys_of_other_kinds(value, *kind);
  const std::vector<std::string_view> keys = kind != nullptr ? keys_of(*kind) : group_keys();
  const MapView map(value, keys);
  const Value name = map.required("name", kNameForm);
  group.name = name.text(kNameForm);
  // Names address groups in --set; an all-digit name would read as a list index.
  const bool only_digits =
      std::all_of(group.name.begin(), group.name.end(), [](char c) { return c >= '0' && c <= '9'; });
  name.require(is_name(group.name) && !only_digits,
               std::string(kNameForm) + ", not only digits");

  read_kind(map, group);

  const Value count = map.required("count", "an integer >= 1");
  const std::int64_t members = count.integer("an integer >= 1");
  count.require(members >= 1, "an integer >= 1");
  count.require(static_cast<std::uint64_t>(members) <= kMaxParticipants,
                "at most " + std::to_string(kMaxParticipants) + " participants");
  group.count = static_cast<std::uint32_t>(members);

  group.spec = group.kind->read(map, context);
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
    const MapView map(item, group_keys());  // the group was read: only to point at its keys
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
