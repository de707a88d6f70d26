// The "generator" participant kind as the scenario reads it: scenarios/plants.yaml, and the
// errors a user gets for a plant group that is wrong (each an override of that file).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/kinds/generator.hpp"
#include "sim/participant_kind.hpp"
#include "sim/scenario.hpp"

namespace ebsim::sim {
namespace {

using ::testing::HasSubstr;

const std::string kPlants = std::string(EBSIM_SOURCE_DIR) + "/scenarios/plants.yaml";

std::string error_of(const std::vector<std::string>& overrides) {
  try {
    load_scenario(kPlants, overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(GeneratorKind, ReadsThePlantsOfTheScenario) {
  const Scenario s = load_scenario(kPlants);
  ASSERT_EQ(s.groups.size(), 5u);
  const PlantSpec& wind = s.groups[2].spec_as<PlantSpec>();
  EXPECT_EQ(s.groups[2].type, "generator");
  EXPECT_EQ(wind.technology, "wind");
  EXPECT_DOUBLE_EQ(wind.capacity_kw, 100.0);
  EXPECT_DOUBLE_EQ(wind.marginal_cost_per_kwh, 0.01);
  EXPECT_FALSE(wind.dispatchable) << "wind must run by default";
  // The CSV's hour 0 (local midnight) is 100 (0.35 + 0.25 cos(-pi/4)) = 52.7 kW, for 4 intervals.
  ASSERT_EQ(wind.output.csv_power_kw.size(), 96u);
  EXPECT_DOUBLE_EQ(wind.output.csv_power_kw[0], 52.7);
  EXPECT_DOUBLE_EQ(wind.output.csv_power_kw[3], 52.7);
  const PlantSpec& chp = s.groups[4].spec_as<PlantSpec>();
  EXPECT_TRUE(chp.dispatchable) << "thermal plants are dispatchable by default";
  EXPECT_EQ(chp.output.kind, ProfileSpec::Kind::kNone) << "constant capacity";
  EXPECT_DOUBLE_EQ(chp.capacity_kw, 50.0);
  EXPECT_DOUBLE_EQ(chp.marginal_cost_per_kwh, 0.14);
  EXPECT_EQ(ParticipantKindRegistry::instance().find("generator")->trace_code(), 2);
}

TEST(GeneratorKind, DispatchCanBeSet) {
  const Scenario s = load_scenario(kPlants, {"participants.wind.dispatch=dispatchable"});
  EXPECT_TRUE(s.groups[2].spec_as<PlantSpec>().dispatchable);
}

TEST(GeneratorKind, KeysOfOtherTypesDoNotApply) {
  EXPECT_THAT(error_of({"participants.chp.pv={profile: synthetic, peak_power: 5kW}"}),
              HasSubstr("participants[chp].pv: expected no 'pv' key with type: generator (it applies only to type: "
                        "prosumer)"));
  EXPECT_THAT(error_of({"participants.chp.strategy={type: truthful}"}),
              HasSubstr("participants[chp].strategy: expected no 'strategy' key with type: generator (it applies only "
                        "to type: consumer or type: prosumer)"));
  EXPECT_THAT(error_of({"participants.households.technology=wind"}),
              HasSubstr("participants[households].technology: expected no 'technology' key with type: consumer"));
}

TEST(GeneratorKind, UnknownKeyListsThePlantKeys) {
  EXPECT_THAT(error_of({"participants.chp.fuel=gas"}),
              HasSubstr("participants[chp].fuel: expected one of the keys name, type, count, technology, capacity, "
                        "output, marginal_cost, dispatch, network, bus, zone, management_node, got 'fuel'"));
}

TEST(GeneratorKind, BadPlantsAreRefusedNamingTheKey) {
  EXPECT_THAT(error_of({"participants.chp.technology=nuclear"}),
              HasSubstr("participants[chp].technology: expected one of wind, pv_farm, hydro, thermal"));
  EXPECT_THAT(error_of({"participants.chp.capacity=0kW"}), HasSubstr("participants[chp].capacity: expected a power > 0"));
  EXPECT_THAT(error_of({"participants.chp.marginal_cost=-0.1/kWh"}),
              HasSubstr("participants[chp].marginal_cost: expected a price >= 0"));
  EXPECT_THAT(error_of({"participants.wind.capacity=50kW"}),
              HasSubstr("participants[wind].output: expected a profile never above the capacity (50"));
  EXPECT_THAT(error_of({"participants.wind.output={profile: synthetic, peak_power: 50kW}"}),
              HasSubstr("participants[wind].output: expected profile: csv (the synthetic profile is solar"));
  EXPECT_THAT(error_of({"participants.pv_farm.output={profile: synthetic, peak_power: 90kW}"}),
              HasSubstr("participants[pv_farm].output: expected a peak_power at most the capacity"));
  EXPECT_THAT(error_of({"participants.chp.dispatch=sometimes"}),
              HasSubstr("participants[chp].dispatch: expected one of dispatchable, must_run"));
}

}  // namespace
}  // namespace ebsim::sim
