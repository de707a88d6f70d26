// The whole scenario: the top-level keys, each section handed to its reader (sim/scenario/*.cpp),
// the design's own section to its registry entry, and the checks across sections.
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/core/units.hpp"
#include "models/market/nodal.hpp"
#include "sim/market_design_registry.hpp"
#include "sim/scenario/sections.hpp"
#include "sim/scenario_text.hpp"

namespace ebsim::sim {
namespace {

using namespace scenario_sections;

constexpr std::string_view kTopKeys[]{"name",    "description", "seed", "start",      "duration",
                                      "currency", "site",       "market", "utility",  "network",
                                      "grid",    "consortium",  "p2p",  "faults",     "participants"};
constexpr std::string_view kTimeForm = "an ISO-8601 time with an offset such as \"2026-06-21T00:00:00+02:00\"";

bool is_currency(std::string_view text) {
  return text.size() == 3 && std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/** name, description, seed, start and currency. */
void read_identity(const MapView& top, Scenario& scenario) {
  const Value name = top.required("name", kNameForm);
  scenario.name = name.text(kNameForm);
  name.require(is_name(scenario.name), kNameForm);
  if (auto description = top.find("description")) scenario.description = description->text("a text");
  if (auto seed = top.find("seed")) scenario.seed = seed->unsigned_integer("an integer >= 0");

  const Value start = top.required("start", kTimeForm);
  scenario.start_iso = start.text(kTimeForm);
  const auto start_time = parse_iso8601(scenario.start_iso);
  if (!start_time) start.fail(kTimeForm);
  scenario.start_unix_s = start_time->unix_s;
  scenario.utc_offset_s = start_time->utc_offset_s;

  if (auto currency = top.find("currency")) {
    scenario.currency = currency->text("a currency code of 3 capital letters such as EUR");
    currency->require(is_currency(scenario.currency), "a currency code of 3 capital letters such as EUR");
  }
}

/** duration: a whole number of market intervals. */
void read_run_duration(const MapView& top, Scenario& scenario) {
  const Value duration = top.required("duration", "a duration such as \"1d\"");
  scenario.duration_s = duration.quantity(units::parse_duration_s);
  duration.require(scenario.duration_s > 0, "a duration > 0");
  const double intervals = scenario.duration_s / scenario.market.interval_s;
  const bool whole = std::fabs(intervals - std::round(intervals)) <= 1e-9 * intervals;
  duration.require(whole && intervals <= std::numeric_limits<std::uint32_t>::max(),
                   "a whole multiple of market.interval (" +
                       units::format_duration(scenario.market.interval_s) + ")");
}

/** The clearing rule and the design against the grid (read before the design sections). */
void check_grid_rules(const MapView& top, Scenario& scenario, const MarketDesignEntry& design) {
  if (scenario.market.clearing_rule == market::Nodal::kName && !scenario.grid.present) {
    MapView(*top.find("market"), market_keys())
        .required("clearing", "")
        .fail("a rule that needs no grid: clearing: nodal needs a top-level grid: {file: ...}");
  }
  if (scenario.market.clearing_rule == market::Nodal::kName && scenario.grid.zonal) {
    MapView(*top.find("market"), market_keys())
        .required("clearing", "")
        .fail("a rule that runs on zones: clearing: nodal needs a bus-branch grid: {file: ...}, not grid.zones");
  }
  if (scenario.grid.case_units) {
    // Only the nodal OPF can dispatch the case's generators and serve its loads; and only the
    // centralized exchange can settle the grid party, which has no keys to sign ledger trades.
    const Value units = MapView(*top.find("grid"), grid_keys()).required("case_units", "");
    if (scenario.market.clearing_rule != market::Nodal::kName) {
      units.fail("exclude: case_units: include needs market.clearing: nodal (only the nodal OPF dispatches "
                 "the case's generators and serves its loads)",
                 "include with market.clearing: " + scenario.market.clearing_rule);
    }
    if (!design.settles_case_units) {
      units.fail("exclude: case_units: include needs market.design: centralized (the grid party that owns the "
                 "case's units has no keys to sign ledger trades)",
                 "include with market.design: " + scenario.market.design);
    }
    scenario.market.clearing_params.nodal_includes_case_units = true;
  }
}

/** Every design's own section (read even when another design is chosen), then the chosen one's checks. */
void read_design_sections(const MapView& top, Scenario& scenario, const MarketDesignEntry& design) {
  for (const auto& [name, entry] : MarketDesignRegistry::instance().entries()) {
    if (entry.read_section != nullptr) entry.read_section(top.find(entry.section), top, scenario);
  }
  if (design.check != nullptr) design.check(top, scenario);
  if (scenario.grid.security_option == consensus::SecurityOption::kReopen && !design.reopens_market) {
    MapView(*top.find("grid"), grid_keys())
        .required("security_check", "")
        .fail("none or cancel_last: reopen (option B) needs market.design: consortium");
  }
}

/** participants, then faults (which name the groups). */
void read_members(const MapView& top, const std::filesystem::path& scenario_dir, Scenario& scenario,
                  const MarketDesignEntry& design) {
  GroupContext context;
  context.scenario_dir = scenario_dir;
  context.grid = scenario.grid.present ? &scenario.grid : nullptr;
  context.consortium = scenario.consortium.management_nodes.empty() ? nullptr : &scenario.consortium;
  context.start_unix_s = scenario.start_unix_s;
  context.interval_s = scenario.market.interval_s;
  context.intervals = scenario.interval_count();
  context.utility = scenario.utility;
  scenario.groups = read_groups(top.required("participants", "a non-empty list of participant groups"), context);
  if (auto faults = top.find("faults")) {
    if (scenario.consortium.management_nodes.empty()) {
      top.reject("faults", "no consortium section", "scenarios with a consortium section");
    }
    if (!design.injects_faults) {
      scenario.notes.push_back(faults->where_key() + ": faults: not used with market.design: centralized");
    }
    FaultClock clock;
    clock.offset_s = scenario.market.interval_s;
    scenario.faults = read_faults(*faults, scenario.consortium, scenario.groups, clock);
  }
}

Scenario read_scenario(const Value& root, const std::string& path) {
  Scenario scenario;
  const MapView top(root, kTopKeys);
  read_identity(top, scenario);
  if (auto site = top.find("site")) scenario.site = read_site(*site);
  if (auto market = top.find("market")) scenario.market = read_market(*market);
  if (auto utility = top.find("utility")) scenario.utility = read_utility(*utility);
  if (auto network = top.find("network")) scenario.network = read_network(*network);
  read_run_duration(top, scenario);

  const MarketDesignEntry& design = MarketDesignRegistry::instance().at(scenario.market.design);
  const std::filesystem::path scenario_dir = std::filesystem::path(path).parent_path();
  if (auto grid = top.find("grid")) scenario.grid = read_grid(*grid, scenario_dir);
  check_grid_rules(top, scenario, design);
  read_design_sections(top, scenario, design);
  read_members(top, scenario_dir, scenario, design);
  return scenario;
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       std::optional<std::uint64_t> seed) {
  scenario_yaml::Origin origin(path);
  YAML::Node root = scenario_yaml::parse_scenario_file(path);
  for (const std::string& text : overrides) scenario_yaml::apply_override(root, text, origin);
  if (seed) scenario_yaml::apply_seed(root, *seed, origin);

  Scenario scenario = read_scenario(scenario_yaml::Value(origin, root, ""), path);
  scenario.source_path = path;
  scenario.yaml_as_run = scenario_yaml::emit(root);
  return scenario;
}

}  // namespace ebsim::sim
