// faults: crashes, Byzantine and misreporting management nodes, and link faults (consortium design).
#include "models/core/units.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kFaultKeys[]{"crashes", "byzantine", "misreports", "links"};
constexpr std::string_view kCrashKeys[]{"node", "at", "duration"};
constexpr std::string_view kByzantineKeys[]{"node", "behaviour", "from", "until"};
constexpr std::string_view kMisreportKeys[]{"node", "from", "until"};
constexpr std::string_view kLinkFaultKeys[]{"between", "from", "until", "loss", "extra_delay"};

/** Periods [from, until): `until` after `from`. */
std::pair<double, double> read_period(const MapView& map, const FaultClock& clock) {
  const Value from = map.required("from", "a duration after the scenario start, such as \"10h\"");
  const Value until = map.required("until", "a duration after the scenario start, later than from");
  const double from_s = clock.at(from);
  const double until_s = clock.at(until);
  until.require(until_s > from_s, "a duration after the scenario start, later than from");
  return {from_s, until_s};
}

std::vector<MapView> fault_items(const MapView& faults, std::string_view key, std::span<const std::string_view> keys) {
  std::vector<MapView> out;
  const auto list = faults.find(key);
  if (!list) return out;
  if (!list->node().IsSequence()) list->fail("a list of mappings");
  const std::vector<YAML::Node> items = scenario_yaml::elements(list->node());
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.emplace_back(Value(list->origin(), items[i], list->key() + "[" + std::to_string(i) + "]"), keys);
  }
  return out;
}

}  // namespace

FaultsSpec read_faults(const Value& value, const ConsortiumSpec& consortium, const std::vector<ParticipantGroup>& groups,
                       const FaultClock& clock) {
  FaultsSpec faults;
  const MapView map(value, kFaultKeys);
  constexpr std::string_view kNodeExpected = "the name of a management node";
  for (const MapView& item : fault_items(map, "crashes", kCrashKeys)) {
    consensus::CrashFault crash;
    crash.node = management_node_index(item.required("node", kNodeExpected), consortium);
    crash.at_s = clock.at(item.required("at", "a duration after the scenario start, such as \"10h\""));
    crash.duration_s = read_duration(item.required("duration", "a duration > 0 such as \"30min\""), true);
    faults.crashes.push_back(crash);
  }
  for (const MapView& item : fault_items(map, "byzantine", kByzantineKeys)) {
    consensus::ByzantineFault fault;
    fault.node = management_node_index(item.required("node", kNodeExpected), consortium);
    if (auto behaviour = item.find("behaviour")) {
      fault.behaviour = behaviour->choice({"favour_own_area", "drop_other_areas"}) == "drop_other_areas"
                            ? consensus::ByzantineFault::Behaviour::kDropOtherAreas
                            : consensus::ByzantineFault::Behaviour::kFavourOwnArea;
    }
    std::tie(fault.from_s, fault.until_s) = read_period(item, clock);
    faults.byzantine.push_back(fault);
  }
  for (const MapView& item : fault_items(map, "misreports", kMisreportKeys)) {
    consensus::MisreportFault fault;
    fault.node = management_node_index(item.required("node", kNodeExpected), consortium);
    std::tie(fault.from_s, fault.until_s) = read_period(item, clock);
    faults.misreports.push_back(fault);
  }
  std::vector<std::string> endpoints;
  for (const auto& node : consortium.management_nodes) endpoints.push_back(node.name);
  for (const auto& group : groups) endpoints.push_back(group.name);
  for (const MapView& item : fault_items(map, "links", kLinkFaultKeys)) {
    LinkFaultSpec fault;
    const std::string expected = "a list of two names: management nodes or participant groups";
    const Value between = item.required("between", expected);
    if (!between.node().IsSequence() || between.node().size() != 2) between.fail(expected);
    const std::vector<YAML::Node> ends = scenario_yaml::elements(between.node());
    fault.a = Value(between.origin(), ends[0], between.key() + "[0]").choice(endpoints);
    fault.b = Value(between.origin(), ends[1], between.key() + "[1]").choice(endpoints);
    if (fault.a == fault.b) between.fail(expected, "the same name twice");
    std::tie(fault.from_s, fault.until_s) = read_period(item, clock);
    if (auto loss = item.find("loss")) fault.loss = fraction(*loss, "a probability in [0, 1]");
    if (auto delay = item.find("extra_delay")) fault.extra_delay_s = read_duration(*delay, false);
    if (fault.loss == 0.0 && fault.extra_delay_s == 0.0) {
      item.required("between", "").fail_key("a link fault with loss > 0 or extra_delay > 0", "neither");
    }
    faults.links.push_back(std::move(fault));
  }
  return faults;
}

}  // namespace ebsim::sim::scenario_sections
