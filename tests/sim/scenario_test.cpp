#include "sim/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

namespace ebsim::sim {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSourceDir = EBSIM_SOURCE_DIR;
const std::string kDemo = kSourceDir + "/scenarios/demo_neighbourhood.yaml";
constexpr std::int64_t kDemoStart = 1781992800;  // 2026-06-21T00:00:00+02:00 (python datetime)

std::string fixture(const std::string& name) { return kSourceDir + "/tests/data/scenarios/" + name; }

/** The InputError message of loading `path`; fails the test if it loads. */
std::string error_of(const std::string& path, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario(path, overrides);
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no InputError for " << path;
  return "";
}

std::string fixture_error(const std::string& name) { return error_of(fixture(name)); }

std::string set_error(const std::string& override_text) {
  return error_of(fixture("valid_minimal.yaml"), {override_text});
}

// ---- Positive: the demo and the defaults ---------------------------------------------------

TEST(ScenarioLoad, DemoHasTheWrittenValues) {
  const Scenario s = load_scenario(kDemo);
  EXPECT_EQ(s.name, "demo_neighbourhood");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.start_iso, "2026-06-21T00:00:00+02:00");
  EXPECT_EQ(s.start_unix_s, kDemoStart);
  EXPECT_EQ(s.utc_offset_s, 7200);
  EXPECT_DOUBLE_EQ(s.duration_s, 86400.0);
  EXPECT_EQ(s.currency, "EUR");
  EXPECT_DOUBLE_EQ(s.site.latitude_deg, 52.5);
  EXPECT_EQ(s.market.clearing_rule, "pay_as_clear");
  EXPECT_DOUBLE_EQ(s.market.interval_s, 900.0);
  EXPECT_DOUBLE_EQ(s.market.gate_closure_s, 300.0);
  EXPECT_DOUBLE_EQ(s.market.bid_window_s, 480.0);
  EXPECT_DOUBLE_EQ(s.market.exchange_fee_per_kwh, 0.005);
  EXPECT_EQ(s.interval_count(), 96u);
  EXPECT_DOUBLE_EQ(s.utility.retail_per_kwh, 0.30);
  EXPECT_DOUBLE_EQ(s.utility.feed_in_per_kwh, 0.08);
  EXPECT_EQ(s.network.model, "CM02");
  EXPECT_DOUBLE_EQ(s.network.backbone.bandwidth_bytes_per_s, 125e6);  // 1Gbps
  EXPECT_DOUBLE_EQ(s.network.sizes.result_per_trade_bytes, 60.0);
  EXPECT_EQ(s.participant_count(), 60u);
  ASSERT_EQ(s.groups.size(), 4u);

  const ParticipantGroup& pv = s.groups[0];
  EXPECT_EQ(pv.name, "pv_households");
  EXPECT_EQ(pv.type, ParticipantType::kProsumer);
  EXPECT_EQ(pv.count, 24u);
  EXPECT_EQ(pv.load.kind, ProfileSpec::Kind::kSynthetic);
  EXPECT_DOUBLE_EQ(pv.load.daily_energy_kwh, 10.0);
  EXPECT_EQ(pv.pv.kind, ProfileSpec::Kind::kSynthetic);
  EXPECT_DOUBLE_EQ(pv.pv.peak_power_kw, 5.0);
  EXPECT_FALSE(pv.battery.present);
  EXPECT_EQ(pv.strategy.type, "zero_intelligence");
  EXPECT_DOUBLE_EQ(pv.strategy.params.price_min_per_kwh, 0.08);
  EXPECT_DOUBLE_EQ(pv.strategy.params.price_max_per_kwh, 0.30);
  EXPECT_DOUBLE_EQ(pv.access.latency_s, 0.020);           // default access link
  EXPECT_DOUBLE_EQ(pv.access.bandwidth_bytes_per_s, 1.25e6);

  const ParticipantGroup& battery = s.groups[1];
  EXPECT_EQ(battery.count, 12u);
  EXPECT_DOUBLE_EQ(battery.load.noise, 0.1);  // defaults
  EXPECT_DOUBLE_EQ(battery.pv.noise, 0.2);
  EXPECT_TRUE(battery.battery.present);
  EXPECT_DOUBLE_EQ(battery.battery.capacity_kwh, 13.5);
  EXPECT_DOUBLE_EQ(battery.battery.power_kw, 5.0);
  EXPECT_DOUBLE_EQ(battery.battery.share, 0.5);

  const ParticipantGroup& households = s.groups[2];
  EXPECT_EQ(households.type, ParticipantType::kConsumer);
  EXPECT_EQ(households.count, 18u);
  EXPECT_EQ(households.pv.kind, ProfileSpec::Kind::kNone);
  EXPECT_EQ(households.strategy.type, "truthful");

  const ParticipantGroup& shops = s.groups[3];
  EXPECT_EQ(shops.count, 6u);
  EXPECT_DOUBLE_EQ(shops.access.latency_s, 0.010);
  EXPECT_DOUBLE_EQ(shops.access.bandwidth_bytes_per_s, 6.25e6);  // 50Mbps
}

TEST(ScenarioLoad, DemoCsvProfileIsResampledKeepingTheDailyMean) {
  const Scenario s = load_scenario(kDemo);
  const ProfileSpec& load = s.groups[3].load;
  ASSERT_EQ(load.kind, ProfileSpec::Kind::kCsv);
  EXPECT_THAT(load.csv_path, HasSubstr("scenarios/profiles/small_business_load.csv"));
  ASSERT_EQ(load.csv_power_kw.size(), 96u);
  // The CSV's 24 hourly values sum to 35.698 kWh (see its header): mean 35.698 / 24 kW.
  const double mean_kw = std::accumulate(load.csv_power_kw.begin(), load.csv_power_kw.end(), 0.0) / 96;
  EXPECT_NEAR(mean_kw, 35.698 / 24, 1e-12);
  EXPECT_DOUBLE_EQ(load.csv_power_kw[0], 0.6);         // 00:00-00:15 holds the 00:00 row
  EXPECT_DOUBLE_EQ(load.csv_power_kw[13 * 4 + 3], 3.0); // 13:45-14:00 holds the 13:00 row
}

TEST(ScenarioLoad, DefaultsApplyToAMinimalScenario) {
  const Scenario s = load_scenario(fixture("valid_minimal.yaml"));
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.currency, "EUR");
  EXPECT_EQ(s.description, "");
  EXPECT_DOUBLE_EQ(s.site.latitude_deg, 48.0);
  EXPECT_EQ(s.market.design, "centralized");
  EXPECT_DOUBLE_EQ(s.market.bid_window_s, 480.0);
  EXPECT_DOUBLE_EQ(s.utility.retail_per_kwh, 0.30);
  EXPECT_EQ(s.network.model, "CM02");
  EXPECT_DOUBLE_EQ(s.network.exchange.latency_s, 0.001);
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].strategy.type, "truthful");
  EXPECT_DOUBLE_EQ(s.groups[0].load.noise, 0.1);
  EXPECT_EQ(s.source_path, fixture("valid_minimal.yaml"));
}

TEST(ScenarioLoad, EveryShippedScenarioLoads) {
  int loaded = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kSourceDir + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(load_scenario(entry.path().string()));
    ++loaded;
  }
  EXPECT_GE(loaded, 1);
}

// ---- Positive: clearing rules and their parameters -------------------------------------------

TEST(ScenarioClearing, EveryRuleWithoutParametersCanBeChosen) {
  for (const std::string rule : {"pay_as_clear", "pay_as_bid", "cda", "posted_price"}) {
    const Scenario s = load_scenario(fixture("valid_minimal.yaml"), {"market.clearing=" + rule});
    EXPECT_EQ(s.market.clearing_rule, rule);
    EXPECT_FALSE(s.market.clearing_params.fixed_price_per_kwh.has_value()) << rule;
  }
  EXPECT_FALSE(load_scenario(kDemo).market.clearing_params.fixed_price_per_kwh.has_value());
}

TEST(ScenarioClearing, FixedPriceIsReadInEitherPriceUnit) {
  const Scenario s =
      load_scenario(fixture("valid_minimal.yaml"), {"market.clearing=fixed_price", "market.fixed_price=0.20/kWh"});
  EXPECT_EQ(s.market.clearing_rule, "fixed_price");
  ASSERT_TRUE(s.market.clearing_params.fixed_price_per_kwh.has_value());
  EXPECT_DOUBLE_EQ(*s.market.clearing_params.fixed_price_per_kwh, 0.20);
  const Scenario mwh =
      load_scenario(fixture("valid_minimal.yaml"), {"market.clearing=fixed_price", "market.fixed_price=150/MWh"});
  EXPECT_DOUBLE_EQ(*mwh.market.clearing_params.fixed_price_per_kwh, 0.15);
  EXPECT_THAT(mwh.yaml_as_run, HasSubstr("fixed_price: 150/MWh"));
}

TEST(ScenarioClearing, ShippedRuleScenariosUseTheirRules) {
  const std::string dir = kSourceDir + "/scenarios/rules/";
  EXPECT_EQ(load_scenario(dir + "pay_as_bid.yaml").market.clearing_rule, "pay_as_bid");
  EXPECT_EQ(load_scenario(dir + "cda_latency.yaml").market.clearing_rule, "cda");
  EXPECT_EQ(load_scenario(dir + "posted_price_charging.yaml").market.clearing_rule, "posted_price");
  const Scenario tokens = load_scenario(dir + "fixed_price_tokens.yaml");
  EXPECT_EQ(tokens.market.clearing_rule, "fixed_price");
  ASSERT_TRUE(tokens.market.clearing_params.fixed_price_per_kwh.has_value());
  EXPECT_DOUBLE_EQ(*tokens.market.clearing_params.fixed_price_per_kwh, 1.0);  // 1 kWh = 1 token
  const Scenario nodal = load_scenario(dir + "nodal_case9.yaml");
  EXPECT_EQ(nodal.market.clearing_rule, "nodal");
  ASSERT_TRUE(nodal.grid.present);
  EXPECT_EQ(nodal.grid.model.name, "feeder3");
  EXPECT_EQ(nodal.grid.model.buses.size(), 3u);
  ASSERT_EQ(nodal.groups.size(), 3u);
  EXPECT_EQ(nodal.groups[0].bus, 3);
  EXPECT_EQ(nodal.groups[1].bus, 2);
  EXPECT_EQ(nodal.groups[2].bus, 1);
}

// ---- Grid and buses ------------------------------------------------------------------------

const std::string kFeederOverride = "grid={file: ../../../scenarios/grids/feeder3.m}";

TEST(ScenarioGrid, GroupsAreOnBusesOfTheGrid) {
  const Scenario s = load_scenario(fixture("valid_minimal.yaml"),
                                   {kFeederOverride, "participants.homes.bus=2", "market.clearing=nodal"});
  EXPECT_TRUE(s.grid.present);
  EXPECT_EQ(s.groups[0].bus, 2);
  EXPECT_FALSE(load_scenario(fixture("valid_minimal.yaml")).grid.present);
}

TEST(ScenarioGrid, BadGridInputNamesTheKey) {
  EXPECT_THAT(set_error("market.clearing=nodal"),
              AllOf(HasSubstr("market.clearing"), HasSubstr("nodal needs a top-level grid")));
  EXPECT_THAT(set_error("participants.homes.bus=2"),
              AllOf(HasSubstr("participants[homes].bus"), HasSubstr("no top-level grid")));
  EXPECT_THAT(set_error(kFeederOverride), AllOf(HasSubstr("participants[homes]"), HasSubstr("bus"),
                                                HasSubstr("every group needs one with a top-level grid")));
  EXPECT_THAT(error_of(fixture("valid_minimal.yaml"), {kFeederOverride, "participants.homes.bus=7"}),
              AllOf(HasSubstr("participants[homes].bus"), HasSubstr("the number of a bus in"),
                    HasSubstr("feeder3.m")));
  EXPECT_THAT(set_error("grid={file: no_such_case.m}"),
              AllOf(HasSubstr("no_such_case.m"), HasSubstr("cannot read"), HasSubstr("grid.file")));
}

TEST(ScenarioGrid, CaseUnitsDefaultToExcludeAndIncludeReachesTheNodalRule) {
  const std::string units_case = "grid={file: ../../../scenarios/grids/feeder3_units.m}";
  const Scenario plain =
      load_scenario(fixture("valid_minimal.yaml"), {units_case, "participants.homes.bus=2", "market.clearing=nodal"});
  EXPECT_FALSE(plain.grid.case_units);
  EXPECT_FALSE(plain.market.clearing_params.nodal_includes_case_units);
  const Scenario included = load_scenario(
      fixture("valid_minimal.yaml"),
      {units_case, "grid.case_units=include", "participants.homes.bus=2", "market.clearing=nodal"});
  EXPECT_TRUE(included.grid.case_units);
  EXPECT_TRUE(included.market.clearing_params.nodal_includes_case_units);
  // exclude says what every rule does anyway, so it is accepted with any rule.
  EXPECT_FALSE(load_scenario(fixture("valid_minimal.yaml"), {units_case, "grid.case_units=exclude", "participants.homes.bus=2"})
                   .grid.case_units);
  const Scenario ready = load_scenario(kSourceDir + "/scenarios/rules/nodal_case_units.yaml");
  EXPECT_TRUE(ready.market.clearing_params.nodal_includes_case_units);
  EXPECT_EQ(ready.grid.model.generators.size(), 2u);
}

TEST(ScenarioGrid, CaseUnitsWhereTheyHaveNoMeaningAreErrors) {
  const std::vector<std::string> nodal{kFeederOverride, "participants.homes.bus=2", "market.clearing=nodal"};
  auto with = [&](std::vector<std::string> overrides, const std::string& extra) {
    overrides.push_back(extra);
    return error_of(fixture("valid_minimal.yaml"), overrides);
  };
  EXPECT_THAT(with(nodal, "grid.case_units=yes"),
              AllOf(HasSubstr("grid.case_units"), HasSubstr("exclude"), HasSubstr("include"), HasSubstr("yes")));
  EXPECT_THAT(with({kFeederOverride, "participants.homes.bus=2"}, "grid.case_units=include"),
              AllOf(HasSubstr("grid.case_units"), HasSubstr("needs market.clearing: nodal"),
                    HasSubstr("market.clearing: pay_as_clear")));
  EXPECT_THAT(error_of(fixture("valid_minimal.yaml"), {kFeederOverride, "participants.homes.bus=2", "market.clearing=nodal",
                                                       "grid.case_units=include", "market.design=p2p"}),
              AllOf(HasSubstr("grid.case_units"), HasSubstr("market.design: centralized")));
  EXPECT_THAT(with(nodal, "grid.case_unit=include"), AllOf(HasSubstr("grid.case_unit"), HasSubstr("case_units")));
}

TEST(ScenarioGrid, SecurityCheckDefaultsToNoneAndReadsCancelLast) {
  const Scenario plain = load_scenario(fixture("valid_minimal.yaml"), {kFeederOverride, "participants.homes.bus=2"});
  EXPECT_EQ(plain.grid.security_check, market::SecurityCheck::kNone);
  const Scenario shipped = load_scenario(kSourceDir + "/scenarios/rules/security_check_feeder.yaml");
  EXPECT_EQ(shipped.market.clearing_rule, "pay_as_clear");
  EXPECT_EQ(shipped.grid.model.name, "feeder3");
  EXPECT_EQ(shipped.grid.security_check, market::SecurityCheck::kCancelLast);
}

TEST(ScenarioGrid, BadSecurityCheckNamesTheKey) {
  EXPECT_THAT(error_of(fixture("valid_minimal.yaml"),
                       {"grid={file: ../../../scenarios/grids/feeder3.m, security_check: sometimes}",
                        "participants.homes.bus=2"}),
              AllOf(HasSubstr("grid.security_check"), HasSubstr("cancel_last")));
  // A security check needs a grid to check: grid without a file is an error naming grid.file.
  EXPECT_THAT(set_error("grid={security_check: cancel_last}"), HasSubstr("grid.file"));
}

// ---- Zonal grid: zones, tie-lines, groups in zones --------------------------------------------

std::string zonal_error(const std::vector<std::string>& overrides) { return error_of(fixture("zonal_minimal.yaml"), overrides); }

TEST(ScenarioZonalGrid, CaseUnitsAreAnErrorOnZones) {
  // Zones have no generators or loads of their own: the key is rejected whatever its value.
  EXPECT_THAT(zonal_error({"grid.case_units=include"}),
              AllOf(HasSubstr("grid.case_units"), HasSubstr("zonal grid"), HasSubstr("bus-branch")));
  EXPECT_THAT(zonal_error({"grid.case_units=exclude"}), HasSubstr("grid.case_units"));
}

TEST(ScenarioZonalGrid, ZonesTieLinesAndGroupZones) {
  const Scenario s = load_scenario(fixture("zonal_minimal.yaml"));
  ASSERT_TRUE(s.grid.present);
  EXPECT_TRUE(s.grid.zonal);
  EXPECT_EQ(s.grid.security_check, market::SecurityCheck::kCancelLast);
  ASSERT_EQ(s.grid.zonal_model.zones.size(), 2u);
  EXPECT_EQ(s.grid.zonal_model.zones[1].name, "south");
  EXPECT_EQ(s.grid.zonal_model.zones[1].id, 2);
  ASSERT_EQ(s.grid.zonal_model.tie_lines.size(), 1u);
  EXPECT_EQ(s.grid.zonal_model.tie_lines[0].from_zone, 0u);
  EXPECT_EQ(s.grid.zonal_model.tie_lines[0].to_zone, 1u);
  EXPECT_DOUBLE_EQ(s.grid.zonal_model.tie_lines[0].capacity_mw, 2.0);
  EXPECT_EQ(s.groups[0].zone, 1u);
  // The mirror the trace's branch columns use: zones as buses (ids 1, 2), tie-lines as branches.
  ASSERT_EQ(s.grid.model.branches.size(), 1u);
  EXPECT_EQ(s.grid.model.branches[0].from_bus, 1);
  EXPECT_EQ(s.grid.model.branches[0].to_bus, 2);
  EXPECT_DOUBLE_EQ(s.grid.model.branches[0].rate_a_mva, 2.0);

  const Scenario other = load_scenario(
      fixture("zonal_minimal.yaml"),
      {"grid.tie_lines.0.capacity=500kW", "participants.homes.zone=north", "grid.security_check=none"});
  EXPECT_DOUBLE_EQ(other.grid.zonal_model.tie_lines[0].capacity_mw, 0.5);
  EXPECT_EQ(other.groups[0].zone, 0u);
  EXPECT_EQ(other.grid.security_check, market::SecurityCheck::kNone);
  const Scenario unlimited = load_scenario(fixture("zonal_minimal.yaml"), {"grid.tie_lines.0.capacity=unlimited"});
  EXPECT_TRUE(std::isinf(unlimited.grid.zonal_model.tie_lines[0].capacity_mw));
  EXPECT_DOUBLE_EQ(unlimited.grid.model.branches[0].rate_a_mva, 0.0);  // MATPOWER's "unlimited"

  const Scenario shipped = load_scenario(kSourceDir + "/scenarios/consortium/transnational_zonal.yaml");
  EXPECT_TRUE(shipped.grid.zonal);
  EXPECT_EQ(shipped.grid.zonal_model.zones.size(), 3u);
  EXPECT_EQ(shipped.grid.security_option, consensus::SecurityOption::kCancelLast);
}

TEST(ScenarioZonalGrid, BadZonalInputNamesFileLineAndKey) {
  // A tie-line to a zone not in grid.zones: file, line 11, the key, the zones there are.
  EXPECT_THAT(fixture_error("zonal_unknown_zone.yaml"),
              AllOf(HasSubstr("zonal_unknown_zone.yaml:11:"), HasSubstr("grid.tie_lines[0].between[1]"),
                    HasSubstr("north"), HasSubstr("south"), HasSubstr("west")));
  EXPECT_THAT(zonal_error({"grid.tie_lines.0.capacity=-1MW"}),
              AllOf(HasSubstr("grid.tie_lines[0].capacity"), HasSubstr("unlimited")));
  EXPECT_THAT(zonal_error({"grid.tie_lines.0.capacity=2"}), HasSubstr("grid.tie_lines[0].capacity"));
  EXPECT_THAT(zonal_error({"grid.tie_lines.0.capacity=lots"}), HasSubstr("grid.tie_lines[0].capacity"));
  EXPECT_THAT(zonal_error({"grid.tie_lines.0={between: [north, south], capacity: 1MW, length: 3km}"}),
              AllOf(HasSubstr("grid.tie_lines[0].length"), HasSubstr("between")));
  EXPECT_THAT(zonal_error({"grid.tie_lines.0={between: [north, north], capacity: 1MW}"}),
              AllOf(HasSubstr("grid.tie_lines[0].between"), HasSubstr("the same zone twice")));
  EXPECT_THAT(zonal_error({"grid.tie_lines.0={between: [north], capacity: 1MW}"}),
              AllOf(HasSubstr("grid.tie_lines[0].between"), HasSubstr("two different names")));
  EXPECT_THAT(zonal_error({"grid.tie_lines.0={between: [north, south]}"}),
              AllOf(HasSubstr("grid.tie_lines[0]"), HasSubstr("capacity")));
  EXPECT_THAT(zonal_error({"grid.zones=[north, north]"}),
              AllOf(HasSubstr("grid.zones[1]"), HasSubstr("not used by an earlier zone")));
  EXPECT_THAT(zonal_error({"grid.zones=[]"}), AllOf(HasSubstr("grid.zones"), HasSubstr("non-empty list")));
  EXPECT_THAT(zonal_error({"grid.zones=[north, south, east]"}),
              AllOf(HasSubstr("grid.tie_lines"), HasSubstr("no path from zone north to zone east")));
  EXPECT_THAT(zonal_error({"grid.file=../../../scenarios/grids/feeder3.m"}),
              AllOf(HasSubstr("grid.file"), HasSubstr("grid.zones")));
  EXPECT_THAT(error_of(fixture("valid_minimal.yaml"), {"grid={file: ../../../scenarios/grids/feeder3.m, tie_lines: []}",
                                                       "participants.homes.bus=2"}),
              AllOf(HasSubstr("grid.tie_lines"), HasSubstr("no grid.zones")));
  // Groups: exactly the kind of place the grid has.
  EXPECT_THAT(zonal_error({"participants.homes.zone=west"}),
              AllOf(HasSubstr("participants[homes].zone"), HasSubstr("north"), HasSubstr("west")));
  EXPECT_THAT(zonal_error({"participants.homes.bus=2"}),
              AllOf(HasSubstr("participants[homes].bus"), HasSubstr("zonal grid")));
  EXPECT_THAT(error_of(fixture("valid_minimal.yaml"), {"grid={zones: [north, south], tie_lines: [{between: [north, south], capacity: 1MW}]}"}),
              AllOf(HasSubstr("participants[homes]"), HasSubstr("zone"), HasSubstr("every group needs one with a zonal grid")));
  EXPECT_THAT(error_of(fixture("valid_minimal.yaml"), {kFeederOverride, "participants.homes.bus=2", "participants.homes.zone=north"}),
              AllOf(HasSubstr("participants[homes].zone"), HasSubstr("bus-branch grid")));
  EXPECT_THAT(set_error("participants.homes.zone=north"),
              AllOf(HasSubstr("participants[homes].zone"), HasSubstr("no top-level grid")));
  EXPECT_THAT(zonal_error({"market.clearing=nodal"}),
              AllOf(HasSubstr("market.clearing"), HasSubstr("bus-branch grid")));
}

// ---- Positive: overrides -------------------------------------------------------------------

TEST(ScenarioOverrides, SetChangesValuesByGroupNameAndIndex) {
  const Scenario s = load_scenario(kDemo, {"participants.pv_households.count=100", "participants.2.count=7",
                                           "market.interval=5min", "market.gate_closure=1min",
                                           "utility.feed_in_tariff=0.05/kWh"});
  EXPECT_EQ(s.groups[0].count, 100u);
  EXPECT_EQ(s.groups[2].count, 7u);
  EXPECT_DOUBLE_EQ(s.market.interval_s, 300.0);
  EXPECT_EQ(s.participant_count(), 100u + 12 + 7 + 6);
  EXPECT_DOUBLE_EQ(s.utility.feed_in_per_kwh, 0.05);
  EXPECT_EQ(load_scenario(kDemo, {"network.max_parallel_sends=4"}).network.max_parallel_sends, 4u);
  EXPECT_EQ(load_scenario(kDemo).network.max_parallel_sends, 16u);
}

TEST(ScenarioOverrides, SeedComesFromSetOrFromTheSeedArgument) {
  EXPECT_EQ(load_scenario(kDemo, {"seed=7"}).seed, 7u);
  EXPECT_EQ(load_scenario(kDemo, {}, 9).seed, 9u);
  EXPECT_EQ(load_scenario(kDemo, {"seed=7"}, 9).seed, 9u);  // --seed wins over --set seed=
}

TEST(ScenarioOverrides, MappingsAndNewOptionalKeysCanBeSet) {
  const Scenario s = load_scenario(fixture("valid_minimal.yaml"),
                                   {"site.latitude=60", "participants.homes.network={latency: 50ms, bandwidth: 2Mbps}"});
  EXPECT_DOUBLE_EQ(s.site.latitude_deg, 60.0);
  EXPECT_DOUBLE_EQ(s.groups[0].access.latency_s, 0.05);
  EXPECT_DOUBLE_EQ(s.groups[0].access.bandwidth_bytes_per_s, 250e3);
}

TEST(ScenarioOverrides, YamlAsRunReflectsOverridesAndIsDeterministic) {
  const Scenario plain = load_scenario(kDemo);
  const Scenario changed = load_scenario(kDemo, {"participants.pv_households.count=100", "market.interval=5min",
                                                 "market.gate_closure=1min"}, 7);
  EXPECT_THAT(plain.yaml_as_run, HasSubstr("count: 24"));
  EXPECT_THAT(changed.yaml_as_run, AllOf(HasSubstr("count: 100"), Not(HasSubstr("count: 24")),
                                         HasSubstr("interval: 5min"), HasSubstr("gate_closure: 1min"),
                                         HasSubstr("seed: 7"), Not(HasSubstr("seed: 42"))));
  EXPECT_EQ(changed.interval_count(), 288u);
  EXPECT_EQ(changed.groups[3].load.csv_power_kw.size(), 288u);
  EXPECT_EQ(load_scenario(kDemo).yaml_as_run, plain.yaml_as_run);
}

TEST(ScenarioOverrides, YamlAsRunLoadsToTheSameScenario) {
  const Scenario original = load_scenario(fixture("valid_minimal.yaml"),
                                          {"participants.homes.count=12", "market.interval=1h", "site.latitude=-33.9"}, 5);
  const std::string copy = ::testing::TempDir() + "ebsim_yaml_as_run_test.yaml";
  std::ofstream(copy) << original.yaml_as_run;
  const Scenario reloaded = load_scenario(copy);
  EXPECT_EQ(reloaded.yaml_as_run, original.yaml_as_run);
  EXPECT_EQ(reloaded.seed, 5u);
  EXPECT_EQ(reloaded.groups[0].count, 12u);
  EXPECT_DOUBLE_EQ(reloaded.market.interval_s, 3600.0);
  EXPECT_DOUBLE_EQ(reloaded.site.latitude_deg, -33.9);
  EXPECT_EQ(reloaded.start_unix_s, original.start_unix_s);
  std::filesystem::remove(copy);
}

// ---- Bad input: one test per kind ----------------------------------------------------------
// Each checks the file, the line (and column), the dotted key and what was expected.

TEST(ScenarioErrors, YamlSyntaxError) {
  EXPECT_THAT(fixture_error("syntax_error.yaml"),
              AllOf(HasSubstr("syntax_error.yaml:7:15: "), HasSubstr("YAML syntax error: end of sequence flow not found")));
}

TEST(ScenarioErrors, EmptyFile) {
  EXPECT_EQ(fixture_error("empty.yaml"),
            fixture("empty.yaml") +
                ": the scenario is empty; expected a mapping with keys name, start, duration, participants");
}

TEST(ScenarioErrors, BinaryGarbage) {
  EXPECT_EQ(fixture_error("binary.png.yaml"),
            fixture("binary.png.yaml") + ":1:1: expected a mapping at the top level, got binary (non-text) data");
}

TEST(ScenarioErrors, TopLevelList) {
  EXPECT_EQ(fixture_error("top_level_list.yaml"),
            fixture("top_level_list.yaml") + ":1:1: expected a mapping at the top level, got a list");
}

TEST(ScenarioErrors, MoreThanOneDocument) {
  EXPECT_EQ(fixture_error("two_documents.yaml"),
            fixture("two_documents.yaml") + ":4:1: expected one YAML document, got 2 (separated by '---')");
}

TEST(ScenarioErrors, UnknownKeySuggestsTheClosest) {
  EXPECT_THAT(fixture_error("unknown_key.yaml"),
              AllOf(HasSubstr("unknown_key.yaml:6:3: market.intervall: expected one of the keys design, clearing, "
                              "interval, gate_closure, bid_window, exchange_fee, fixed_price, got 'intervall'"),
                    HasSubstr("(did you mean 'interval'?)")));
}

TEST(ScenarioErrors, KeyThatDoesNotApply) {
  EXPECT_THAT(fixture_error("key_does_not_apply.yaml"),
              HasSubstr("key_does_not_apply.yaml:12:52: participants[homes].load.file: expected no 'file' key with "
                        "profile: synthetic (it applies only to profile: csv), got file: \"load.csv\""));
  EXPECT_THAT(fixture_error("consumer_with_pv.yaml"),
              HasSubstr("consumer_with_pv.yaml:13:5: participants[homes].pv: expected no 'pv' key with type: consumer "
                        "(it applies only to type: prosumer)"));
}

TEST(ScenarioErrors, DuplicateKey) {
  EXPECT_THAT(fixture_error("duplicate_key.yaml"),
              HasSubstr("duplicate_key.yaml:8:3: market.interval: expected each key at most once, got 'interval' "
                        "again (first at " + fixture("duplicate_key.yaml") + ":6:3)"));
}

TEST(ScenarioErrors, WrongType) {
  EXPECT_THAT(fixture_error("wrong_type_list_for_mapping.yaml"),
              HasSubstr("wrong_type_list_for_mapping.yaml:5:9: market: expected a mapping with the keys design, "
                        "clearing, interval, gate_closure, bid_window, exchange_fee, fixed_price, got a list"));
  EXPECT_THAT(fixture_error("wrong_type_mapping_for_list.yaml"),
              HasSubstr("wrong_type_mapping_for_list.yaml:8:15: participants: expected a non-empty list of "
                        "participant groups, got a mapping"));
  EXPECT_THAT(fixture_error("wrong_type_fractional_count.yaml"),
              HasSubstr("wrong_type_fractional_count.yaml:11:12: participants[homes].count: expected an integer >= 1, "
                        "got \"40.5\""));
  EXPECT_THAT(fixture_error("wrong_type_word_count.yaml"),
              HasSubstr("wrong_type_word_count.yaml:11:12: participants[homes].count: expected an integer >= 1, "
                        "got \"forty\""));
  EXPECT_THAT(fixture_error("wrong_type_quoted_count.yaml"),
              HasSubstr("wrong_type_quoted_count.yaml:11:12: participants[homes].count: expected an integer >= 1, "
                        "got the quoted string \"40\""));
}

TEST(ScenarioErrors, MissingRequiredKey) {
  EXPECT_THAT(fixture_error("missing_required_key.yaml"),
              HasSubstr("missing_required_key.yaml:2:1: duration: expected a duration such as \"1d\" "
                        "(a required key), got nothing (the key is missing)"));
  EXPECT_THAT(fixture_error("missing_required_group_key.yaml"),
              HasSubstr("missing_required_group_key.yaml:9:5: participants[homes].count: expected an integer >= 1 "
                        "(a required key)"));
}

TEST(ScenarioErrors, BadUnit) {
  EXPECT_THAT(fixture_error("bad_unit.yaml"),
              HasSubstr("bad_unit.yaml:6:13: market.interval: expected a duration such as \"15min\" "
                        "(units: ms, s, min, h, d), got \"15m\""));
}

TEST(ScenarioErrors, MissingUnit) {
  EXPECT_THAT(fixture_error("missing_unit.yaml"),
              HasSubstr("missing_unit.yaml:12:46: participants[homes].load.daily_energy: expected an energy such as "
                        "\"13.5kWh\" (units: Wh, kWh, MWh), got \"8\""));
}

TEST(ScenarioErrors, NegativeCount) {
  EXPECT_THAT(fixture_error("negative_count.yaml"),
              HasSubstr("negative_count.yaml:11:12: participants[homes].count: expected an integer >= 1, got \"-3\""));
}

TEST(ScenarioErrors, ZeroInterval) {
  EXPECT_THAT(fixture_error("zero_interval.yaml"),
              HasSubstr("zero_interval.yaml:6:13: market.interval: expected a duration > 0, got \"0min\""));
}

TEST(ScenarioErrors, GateClosureNotBeforeTheInterval) {
  EXPECT_THAT(fixture_error("gate_closure_too_long.yaml"),
              HasSubstr("gate_closure_too_long.yaml:7:17: market.gate_closure: expected a duration >= 0 and < "
                        "market.interval (15min), got \"15min\""));
}

TEST(ScenarioErrors, DurationNotAMultipleOfTheInterval) {
  EXPECT_THAT(fixture_error("duration_not_multiple.yaml"),
              HasSubstr("duration_not_multiple.yaml:4:11: duration: expected a whole multiple of market.interval "
                        "(15min), got \"100min\""));
}

TEST(ScenarioErrors, FeedInAboveRetail) {
  EXPECT_THAT(fixture_error("feed_in_above_retail.yaml"),
              HasSubstr("feed_in_above_retail.yaml:10:19: utility.feed_in_tariff: expected a price <= "
                        "utility.retail_tariff (0.1/kWh), got \"0.20/kWh\""));
}

TEST(ScenarioErrors, UnknownClearingRule) {
  // Lists the registered rules; pay_as_clear is the reference rule (models/market/pay_as_clear.cpp).
  EXPECT_THAT(fixture_error("unknown_clearing_rule.yaml"),
              AllOf(HasSubstr("unknown_clearing_rule.yaml:8:13: market.clearing: expected one of "),
                    HasSubstr("pay_as_clear"), HasSubstr("got \"pay_as_cleer\" (did you mean 'pay_as_clear'?)")));
}

TEST(ScenarioErrors, FixedPriceIsRequiredByFixedPrice) {
  EXPECT_EQ(set_error("market.clearing=fixed_price"),
            fixture("valid_minimal.yaml") +
                ":6:3: market.fixed_price: expected a price such as \"0.20/kWh\" with clearing: fixed_price "
                "(a required key), got nothing (the key is missing)");
  EXPECT_EQ(error_of(fixture("valid_minimal.yaml"), {"market.clearing=fixed_price", "market.fixed_price=0.20"}),
            "--set market.fixed_price=0.20: market.fixed_price: expected a price such as \"0.30/kWh\" "
            "(units: /kWh, /MWh), got \"0.20\"");
}

TEST(ScenarioErrors, FixedPriceIsAnErrorWithAnyOtherRule) {
  // With the default rule, and with a rule chosen explicitly.
  EXPECT_EQ(set_error("market.fixed_price=0.20/kWh"),
            "--set market.fixed_price=0.20/kWh: market.fixed_price: expected no 'fixed_price' key with clearing: "
            "pay_as_clear (it applies only to clearing: fixed_price), got fixed_price: \"0.20/kWh\"");
  EXPECT_THAT(error_of(fixture("valid_minimal.yaml"), {"market.clearing=cda", "market.fixed_price=0.20/kWh"}),
              HasSubstr("market.fixed_price: expected no 'fixed_price' key with clearing: cda (it applies only to "
                        "clearing: fixed_price)"));
}

TEST(ScenarioErrors, CsvErrorNamesTheCsvLineAndTheScenarioKey) {
  EXPECT_THAT(fixture_error("csv_gap.yaml"),
              AllOf(HasSubstr("tests/data/profiles/gap.csv:6: timestamp: expected a constant step of 1h"),
                    HasSubstr("(the CSV named by participants[homes].load.file at " + fixture("csv_gap.yaml") +
                              ":12:32)")));
}

TEST(ScenarioErrors, UnreadableFile) {
  const std::string missing = fixture("no_such_scenario.yaml");
  EXPECT_EQ(error_of(missing), missing + ": cannot read: No such file or directory");
  const std::string directory = kSourceDir + "/tests/data/scenarios";
  EXPECT_EQ(error_of(directory), directory + ": cannot read: Is a directory");
}

TEST(ScenarioErrors, SetWithoutEquals) {
  EXPECT_THAT(set_error("market.interval"),
              HasSubstr("--set market.interval: expected \"dotted.key=value\""));
  EXPECT_THAT(set_error("market.interval"), HasSubstr("got no '='"));
  EXPECT_THAT(set_error("=5min"), HasSubstr("--set =5min: expected \"dotted.key=value\""));
  EXPECT_THAT(set_error("market..interval=5min"), HasSubstr("got an empty part between dots"));
}

TEST(ScenarioErrors, SetUnknownKey) {
  EXPECT_THAT(set_error("market.intervall=5min"),
              AllOf(HasSubstr("--set market.intervall=5min: market.intervall: expected one of the keys"),
                    HasSubstr("(did you mean 'interval'?)")));
  EXPECT_THAT(set_error("participants.homes.colour=red"),
              HasSubstr("--set participants.homes.colour=red: participants[homes].colour: expected one of the keys "
                        "name, type, count, load, pv, battery, strategy, network, bus, zone, management_node, got 'colour'"));
  EXPECT_THAT(set_error("tariff.retail=1/kWh"), HasSubstr("--set tariff.retail=1/kWh: tariff: expected one of the keys"));
}

TEST(ScenarioErrors, SetBadValue) {
  EXPECT_EQ(set_error("market.interval=0min"),
            "--set market.interval=0min: market.interval: expected a duration > 0, got \"0min\"");
  EXPECT_THAT(set_error("participants.homes.count=many"),
              HasSubstr("--set participants.homes.count=many: participants[homes].count: expected an integer >= 1"));
  EXPECT_EQ(set_error("network.max_parallel_sends=0"),
            "--set network.max_parallel_sends=0: network.max_parallel_sends: expected an integer in [1, 100000], "
            "got \"0\"");
  EXPECT_THAT(set_error("seed=[1"), HasSubstr("--set seed=[1: seed: expected a YAML value, got a YAML syntax error"));
}

TEST(ScenarioErrors, SetUnknownGroupOrIndex) {
  EXPECT_EQ(set_error("participants.nobody.count=4"),
            "--set participants.nobody.count=4: participants[nobody]: expected an index or the name of an item "
            "(homes), got \"nobody\"");
  EXPECT_THAT(set_error("participants.3.count=4"),
              HasSubstr("--set participants.3.count=4: participants[3]: expected an index below 1"));
  EXPECT_THAT(set_error("name.first=x"),
              HasSubstr("--set name.first=x: name: expected a mapping or a list to set 'first' in, got \"fixture\""));
}

TEST(ScenarioErrors, TooManyParticipants) {
  EXPECT_THAT(set_error("participants.homes.count=10000001"),
              HasSubstr("participants[homes].count: expected at most 10000000 participants"));
}

}  // namespace
}  // namespace ebsim::sim
