#pragma once
/** The scenario schema, one reader per top-level section (sim/scenario/<section>.cpp), and the
 * small checks and leaf readers they share. Internal to the scenario parser, except the design
 * sections' readers, which each design's registration names (sim/market_design_registry.hpp); the
 * public header is sim/scenario.hpp. The format is documented for users in scenarios/README.md;
 * keep the two in step.
 *
 * Each section file keeps its table of allowed keys next to its reader, as an array whose size
 * the compiler counts (`constexpr std::string_view kKeys[]{...}`). */
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"

namespace ebsim::sim::scenario_sections {

using scenario_yaml::MapView;
using scenario_yaml::Value;

/** At most this many participants over all groups. */
inline constexpr std::uint64_t kMaxParticipants = 10'000'000;
/** What a name must look like (groups, management nodes, zones, the scenario). */
inline constexpr std::string_view kNameForm = "a name of letters, digits, '_' and '-'";

// ---- Checks and leaf readers (common.cpp) -----------------------------------------------------

/** Letters, digits, '_' and '-', not empty. */
bool is_name(std::string_view text);
/** "15min" for messages about a related value; "15min, the default" if it was not written. */
std::string shown(double seconds, bool written);
/** "0.3/kWh" for messages about a related price; ", the default" appended if it was not written. */
std::string shown_price(double price_per_kwh, bool written);
/** A number in [0, 1]. */
double fraction(const Value& value, std::string_view expected);
/** A share of the group in [0, 1] under `key`, or `fallback` if it is not written. */
double optional_fraction(const MapView& map, std::string_view key, double fallback);
/** A mapping {latency, bandwidth}; the keys not written keep their value in `link`. */
LinkSpec read_link(const Value& value, LinkSpec link);
/** A data size under `key`, or `fallback` if it is not written; > 0 unless `may_be_zero`. */
double read_size(const MapView& map, std::string_view key, double fallback, bool may_be_zero);
/** A duration, > 0 if `positive`, else >= 0. */
double read_duration(const Value& value, bool positive);
/** A positive plain number (p2p.hash_rate_hps, ...). */
double positive_number(const Value& value);
/** An integer in [low, high]. */
std::uint32_t bounded_integer(const Value& value, std::int64_t low, std::int64_t high);
/** The index of the management node named by `value`. */
std::uint32_t management_node_index(const Value& value, const ConsortiumSpec& consortium);

// ---- Section readers ----------------------------------------------------------------------------

/** site: */
SiteSpec read_site(const Value& value);
/** market: (the design's name is checked against MarketDesignRegistry). */
MarketSpec read_market(const Value& value);
/** The keys of market:, to point at one after the section was read. */
std::span<const std::string_view> market_keys();
/** utility: */
UtilitySpec read_utility(const Value& value);
/** network: */
NetworkSpec read_network(const Value& value);
/** grid: (bus-branch from a case file, or zonal); the case file is relative to `scenario_dir`. */
GridSpec read_grid(const Value& value, const std::filesystem::path& scenario_dir);
/** grid.zones and grid.tie_lines: the zonal model, and its mirror as a GridModel (zonal.cpp). */
void read_zonal_grid(const MapView& map, GridSpec& grid);
/** The keys of grid:, to point at one after the section was read. */
std::span<const std::string_view> grid_keys();

/** consortium: when written (even under another design); `top` is the whole scenario. */
void read_consortium_section(const std::optional<Value>& section, const MapView& top, Scenario& scenario);
/** p2p: when written (even under another design); `top` is the whole scenario. */
void read_p2p_section(const std::optional<Value>& section, const MapView& top, Scenario& scenario);
/** The checks of market.design: p2p against the other sections. */
void check_p2p_design(const MapView& top, const Scenario& scenario);

/** What fault times are measured from: the scenario start, which is simulated time `offset_s`
 * (the first market opens one interval before the start). */
struct FaultClock {
  double offset_s = 0.0;
  double end_s = 0.0;  // simulated end of the run
  double at(const Value& value) const { return offset_s + read_duration(value, false); }
};
/** faults: (the consortium design's). */
FaultsSpec read_faults(const Value& value, const ConsortiumSpec& consortium, const std::vector<ParticipantGroup>& groups,
                       const FaultClock& clock);

/** What the participant sections need to know from the rest of the scenario. */
struct GroupContext {
  std::filesystem::path scenario_dir;  // CSV paths are relative to the scenario file
  std::int64_t start_unix_s = 0;
  double interval_s = 0.0;
  std::uint32_t intervals = 0;
  UtilitySpec utility;                 // zero-intelligence price defaults
  const GridSpec* grid = nullptr;      // the scenario's grid: groups then need a bus in it
  const ConsortiumSpec* consortium = nullptr;  // consortium design: groups name their management node
};
/** Whose profile a profile section describes. */
enum class ProfileRole { kLoad, kPv };
/** participants: every group. */
std::vector<ParticipantGroup> read_groups(const Value& value, const GroupContext& context);
/** A group's load: or pv: (profile.cpp). */
ProfileSpec read_profile(const Value& value, ProfileRole role, const GroupContext& context);
/** A group's battery: (profile.cpp). */
BatterySpec read_battery(const Value& value);
/** A group's strategy:, its type looked up in the strategy registries (strategy.cpp). */
StrategySpec read_strategy(const Value& value, const UtilitySpec& utility);

}  // namespace ebsim::sim::scenario_sections
