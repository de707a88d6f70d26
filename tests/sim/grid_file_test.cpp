#include "sim/grid_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>
#include <string>

#include "models/grid/dc_network.hpp"
#include "sim/scenario.hpp"

namespace ebsim::sim {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string fixture(const std::string& name) { return std::string(EBSIM_SOURCE_DIR) + "/tests/data/grids/" + name; }

std::string shipped(const std::string& name) {
  return std::string(EBSIM_SOURCE_DIR) + "/scenarios/grids/" + name + ".m";
}

/** The InputError message of loading `path`. */
std::string error_of(const std::string& path) {
  try {
    load_grid_file(path);
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no InputError for " << path;
  return "";
}

TEST(GridFile, LoadsAValidFixture) {
  const grid::GridModel grid = load_grid_file(fixture("good.m"));
  EXPECT_EQ(grid.name, "good");
  EXPECT_EQ(grid.buses.size(), 3u);
  EXPECT_EQ(grid.generators.size(), 2u);
  EXPECT_EQ(grid.branches.size(), 3u);
  EXPECT_EQ(grid.gencosts.size(), 2u);
}

/** One shipped case's size, from /work/shared/grids/README.md. */
struct CaseSize {
  const char* name;
  std::size_t buses, branches, generators;
};

TEST(GridFile, LoadsEveryShippedCaseWithTheDocumentedSizes) {
  for (const CaseSize& size : {CaseSize{"case9", 9, 9, 3}, CaseSize{"case14", 14, 20, 5}, CaseSize{"case30", 30, 41, 6},
                               CaseSize{"case57", 57, 80, 7}, CaseSize{"case118", 118, 186, 54},
                               CaseSize{"case300", 300, 411, 69}}) {
    const grid::GridModel grid = load_grid_file(shipped(size.name));
    EXPECT_EQ(grid.name, size.name);
    EXPECT_EQ(grid.buses.size(), size.buses) << size.name;
    EXPECT_EQ(grid.branches.size(), size.branches) << size.name;
    EXPECT_EQ(grid.generators.size(), size.generators) << size.name;
    EXPECT_EQ(grid.gencosts.size(), size.generators) << size.name;
    EXPECT_DOUBLE_EQ(grid.base_mva, 100.0) << size.name;
    for (const grid::GenCost& cost : grid.gencosts) {
      EXPECT_EQ(cost.model, grid::GenCost::Model::kPolynomial) << size.name;  // all quadratic
      EXPECT_EQ(cost.coefficients.size(), 3u) << size.name;
    }
  }
}

TEST(GridFile, DocumentedCaseProperties) {
  // case9: constant cost terms and Pmin > 0.
  const grid::GridModel case9 = load_grid_file(shipped("case9"));
  EXPECT_DOUBLE_EQ(case9.gencosts[0].coefficients.back(), 150.0);
  EXPECT_DOUBLE_EQ(case9.generators[0].pmin_mw, 10.0);
  // case14 and case57: all branch limits 0 (unlimited); case30: all finite.
  for (const char* name : {"case14", "case57"}) {
    for (const grid::Branch& branch : load_grid_file(shipped(name)).branches) EXPECT_EQ(branch.rate_a_mva, 0.0) << name;
  }
  for (const grid::Branch& branch : load_grid_file(shipped("case30")).branches) EXPECT_GT(branch.rate_a_mva, 0.0);
  // case118: reference bus 69 at 30 degrees, kept by the DC power flow.
  const grid::GridModel case118 = load_grid_file(shipped("case118"));
  const std::size_t reference = case118.bus_index(69);
  EXPECT_EQ(case118.buses[reference].type, grid::BusType::kReference);
  EXPECT_DOUBLE_EQ(case118.buses[reference].va_deg, 30.0);
  EXPECT_EQ(grid::build_dc_network(case118).reference_buses, (std::vector<std::size_t>{reference}));
  EXPECT_NEAR(grid::dc_power_flow(case118, grid::case_injection_mw(case118)).theta_rad[reference],
              30.0 * 3.14159265358979323846 / 180.0, 1e-15);
}

TEST(GridFile, Case300ShuntConductanceCountsAsLoad) {
  // 17 buses of case300 have Gs > 0, 1.30 MW in all (summed from the file); Pd sums to 23525.85 MW.
  const grid::GridModel grid = load_grid_file(shipped("case300"));
  const std::vector<double> load_mw = grid::dc_bus_load_mw(grid);
  EXPECT_NEAR(std::accumulate(load_mw.begin(), load_mw.end(), 0.0), 23525.85 + 1.30, 1e-6);
  const std::size_t bus_9533 = grid.bus_index(9533);  // Pd 1.19, Gs 0.10
  EXPECT_DOUBLE_EQ(grid.buses[bus_9533].gs_mw, 0.10);
  EXPECT_DOUBLE_EQ(load_mw[bus_9533], 1.19 + 0.10);
  // The reference bus covers the whole imbalance: load 23527.15 minus the file's Pg elsewhere.
  const std::vector<double> injection_mw = grid::case_injection_mw(grid);
  EXPECT_NEAR(std::accumulate(injection_mw.begin(), injection_mw.end(), 0.0), 23479.43 - 23527.15, 1e-6);
}

TEST(GridFile, UnreadableFiles) {
  EXPECT_EQ(error_of(fixture("no_such_file.m")), fixture("no_such_file.m") + ": cannot read: No such file or directory");
  EXPECT_THAT(error_of(fixture("")), HasSubstr(": cannot read: Is a directory"));
  EXPECT_THAT(error_of(fixture("binary.m")),
              AllOf(StartsWith(fixture("binary.m") + ": cannot read:"), HasSubstr("binary")));
}

TEST(GridFile, EachMalformedFixtureNamesFileLineAndProblem) {
  struct Expected {
    const char* file;
    const char* location;  // ":<line>: " or ": " when not on one line
    const char* message;
  };
  for (const Expected& expected : {
           Expected{"bad_version.m", ":3: ", "mpc.version: expected '2' (MATPOWER case format version 2), got '1'"},
           Expected{"missing_bus.m", ": ", "missing mpc.bus: expected a matrix of buses"},
           Expected{"missing_base_mva.m", ": ", "missing mpc.baseMVA: expected the system MVA base"},
           Expected{"short_row.m", ":10: ", "mpc.bus row has 12 columns; expected at least 13 (BUS_I"},
           Expected{"bad_number.m", ":25: ", "mpc.branch column 4 (BR_X): expected a number, got '0.1O'"},
           Expected{"unknown_bus.m", ":18: ",
                    "mpc.gen column 1 (GEN_BUS): expected a bus number listed in mpc.bus, got 4 (no such bus)"},
           Expected{"duplicate_bus.m", ":11: ", "mpc.bus: bus number 2 appears twice (first on line 10)"},
           Expected{"gencost_rows.m", ":30: ",
                    "mpc.gencost has 3 rows; expected 2 (one per generator) or 4 (with reactive power costs)"},
           Expected{"bad_cost_model.m", ":32: ",
                    "mpc.gencost column 1 (MODEL): expected 1 (piecewise linear) or 2 (polynomial), got 3"},
           Expected{"pwl_not_increasing.m", ":32: ",
                    "mpc.gencost column 7 (COST): expected piecewise-linear x2 (MW) greater than x1 = 50"},
           Expected{"no_reference.m", ":8: ", "mpc.bus has no reference bus: expected one bus of type 3"},
           Expected{"unclosed_matrix.m", ":30: ", "mpc.branch matrix opened on line 23 is not closed: expected ']'"},
       }) {
    EXPECT_THAT(error_of(fixture(expected.file)),
                StartsWith(fixture(expected.file) + expected.location + expected.message))
        << expected.file;
  }
}

}  // namespace
}  // namespace ebsim::sim
