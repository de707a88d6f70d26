// The market design registry: the three shipped designs, each with what the scenario asks of it.
#include "sim/market_design_registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace ebsim::sim {
namespace {

using ::testing::HasSubstr;

const std::string kMinimal = std::string(EBSIM_SOURCE_DIR) + "/tests/data/scenarios/valid_minimal.yaml";

TEST(MarketDesignRegistry, HoldsTheThreeDesignsSortedByName) {
  EXPECT_EQ(MarketDesignRegistry::instance().names(), (std::vector<std::string>{"centralized", "consortium", "p2p"}));
}

TEST(MarketDesignRegistry, EachDesignHasItsOwnSectionPlatformAndRun) {
  const MarketDesignRegistry& registry = MarketDesignRegistry::instance();
  EXPECT_TRUE(registry.at("centralized").section.empty());
  EXPECT_EQ(registry.at("consortium").section, "consortium");
  EXPECT_EQ(registry.at("p2p").section, "p2p");
  for (const std::string& name : registry.names()) {
    EXPECT_NE(registry.at(name).build_platform, nullptr) << name;
    EXPECT_NE(registry.at(name).make_run, nullptr) << name;
  }
  // Only the centralized exchange settles the grid party; only the consortium reopens or has faults.
  EXPECT_TRUE(registry.at("centralized").settles_case_units);
  EXPECT_FALSE(registry.at("consortium").settles_case_units);
  EXPECT_TRUE(registry.at("consortium").reopens_market);
  EXPECT_TRUE(registry.at("consortium").injects_faults);
  EXPECT_FALSE(registry.at("p2p").reopens_market);
}

TEST(MarketDesignRegistry, TheScenarioOffersTheRegisteredNames) {
  try {
    load_scenario(kMinimal, {"market.design=central"});
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("one of centralized, consortium, p2p"));
  }
  EXPECT_THROW(MarketDesignRegistry::instance().at("central"), std::logic_error);
}

}  // namespace
}  // namespace ebsim::sim
