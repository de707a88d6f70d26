#include "models/grid/zonal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "models/grid/matpower.hpp"

namespace ebsim::grid {
namespace {

constexpr double kTolerance_mw = 1e-9;

ZonalModel make_zonal(std::size_t zone_count, std::vector<TieLine> tie_lines) {
  ZonalModel zonal;
  for (std::size_t zone = 0; zone < zone_count; ++zone) {
    zonal.zones.push_back(Zone{static_cast<int>(zone + 1), std::string(1, static_cast<char>('A' + zone))});
  }
  zonal.tie_lines = std::move(tie_lines);
  return zonal;
}

/** Net export of each zone implied by tie-line flows (for checking a reported flow pattern). */
std::vector<double> exports_of_flows(const ZonalModel& zonal, const std::vector<double>& flow_mw) {
  std::vector<double> exports(zonal.zones.size(), 0.0);
  for (std::size_t k = 0; k < zonal.tie_lines.size(); ++k) {
    exports[zonal.tie_lines[k].from_zone] += flow_mw[k];
    exports[zonal.tie_lines[k].to_zone] -= flow_mw[k];
  }
  return exports;
}

TEST(Zonal, RadialChainFeasibleWithinCapacities) {
  // A -(100)- B -(50)- C: A exports 80, B takes 30 and C 50.
  const ZonalModel zonal = make_zonal(3, {{0, 1, 100.0}, {1, 2, 50.0}});
  const TransferCheck check = check_transfers(zonal, {80.0, -30.0, -50.0});
  EXPECT_TRUE(check.feasible);
  EXPECT_DOUBLE_EQ(check.total_export_mw, 80.0);
  EXPECT_NEAR(check.max_transfer_mw, 80.0, kTolerance_mw);
  ASSERT_EQ(check.tie_line_flow_mw.size(), 2u);
  EXPECT_NEAR(check.tie_line_flow_mw[0], 80.0, kTolerance_mw);  // radial: the flows are forced
  EXPECT_NEAR(check.tie_line_flow_mw[1], 50.0, kTolerance_mw);
  EXPECT_TRUE(check.congested_tie_lines.empty());
}

TEST(Zonal, RadialChainReportsTheBottleneck) {
  // A sends 80 to C, but B-C carries only 50.
  const ZonalModel zonal = make_zonal(3, {{0, 1, 100.0}, {1, 2, 50.0}});
  const TransferCheck check = check_transfers(zonal, {80.0, 0.0, -80.0});
  EXPECT_FALSE(check.feasible);
  EXPECT_NEAR(check.max_transfer_mw, 50.0, kTolerance_mw);
  EXPECT_EQ(check.congested_tie_lines, (std::vector<std::size_t>{1}));
}

TEST(Zonal, FlowsUseEitherDirection) {
  // The tie-line is written C -> A; the export goes A -> C.
  const ZonalModel zonal = make_zonal(3, {{2, 0, 40.0}});
  const TransferCheck check = check_transfers(zonal, {40.0, 0.0, -40.0});
  EXPECT_TRUE(check.feasible);
  EXPECT_NEAR(check.tie_line_flow_mw[0], -40.0, kTolerance_mw);
}

TEST(Zonal, MeshedTriangleUsesBothPaths) {
  // A-B 100, B-C 100, A-C 50: A can send 150 to C (50 direct, 100 via B), not more.
  const ZonalModel zonal = make_zonal(3, {{0, 1, 100.0}, {1, 2, 100.0}, {0, 2, 50.0}});
  const TransferCheck fits = check_transfers(zonal, {140.0, 0.0, -140.0});
  EXPECT_TRUE(fits.feasible);
  const std::vector<double> delivered = exports_of_flows(zonal, fits.tie_line_flow_mw);
  EXPECT_NEAR(delivered[0], 140.0, kTolerance_mw);
  EXPECT_NEAR(delivered[1], 0.0, kTolerance_mw);
  EXPECT_NEAR(delivered[2], -140.0, kTolerance_mw);
  for (std::size_t k = 0; k < zonal.tie_lines.size(); ++k) {
    EXPECT_LE(std::abs(fits.tie_line_flow_mw[k]), zonal.tie_lines[k].capacity_mw + kTolerance_mw);
  }

  const TransferCheck too_much = check_transfers(zonal, {180.0, 0.0, -180.0});
  EXPECT_FALSE(too_much.feasible);
  EXPECT_NEAR(too_much.max_transfer_mw, 150.0, kTolerance_mw);
  EXPECT_EQ(too_much.congested_tie_lines, (std::vector<std::size_t>{0, 2}));  // both lines out of A
}

TEST(Zonal, BottleneckBehindAStrongLink) {
  // A -(1000)- B, then B -(10)- C and B -(10)- D: A's 50 MW for C and D stop at B.
  const ZonalModel zonal = make_zonal(4, {{0, 1, 1000.0}, {1, 2, 10.0}, {1, 3, 10.0}});
  const TransferCheck check = check_transfers(zonal, {50.0, 0.0, -25.0, -25.0});
  EXPECT_FALSE(check.feasible);
  EXPECT_NEAR(check.max_transfer_mw, 20.0, kTolerance_mw);
  EXPECT_EQ(check.congested_tie_lines, (std::vector<std::size_t>{1, 2}));
}

TEST(Zonal, ParallelAndUnlimitedTieLines) {
  const ZonalModel parallel = make_zonal(2, {{0, 1, 30.0}, {1, 0, 30.0}});
  EXPECT_TRUE(check_transfers(parallel, {60.0, -60.0}).feasible);
  EXPECT_FALSE(check_transfers(parallel, {-61.0, 61.0}).feasible);
  const ZonalModel unlimited = make_zonal(3, {{0, 1, kUnlimitedMw}, {1, 2, 5.0}});
  const TransferCheck big = check_transfers(unlimited, {1e6, -1e6, 0.0});
  EXPECT_TRUE(big.feasible);
  EXPECT_NEAR(big.tie_line_flow_mw[0], 1e6, 1e-6);
  const TransferCheck blocked = check_transfers(unlimited, {1e6, 0.0, -1e6});
  EXPECT_EQ(blocked.congested_tie_lines, (std::vector<std::size_t>{1}));  // never the unlimited one
  EXPECT_TRUE(check_transfers(unlimited, {0.0, 0.0, 0.0}).feasible);
}

TEST(Zonal, DisconnectedZonesCannotTrade) {
  const ZonalModel zonal = make_zonal(4, {{0, 1, 10.0}, {2, 3, 10.0}});
  EXPECT_EQ(zone_components(zonal), (std::vector<int>{0, 0, 1, 1}));
  EXPECT_FALSE(zones_connected(zonal));
  const TransferCheck check = check_transfers(zonal, {5.0, 0.0, -5.0, 0.0});
  EXPECT_FALSE(check.feasible);
  EXPECT_EQ(check.max_transfer_mw, 0.0);
  EXPECT_TRUE(check.congested_tie_lines.empty());  // no path at all, nothing to raise
  EXPECT_TRUE(check_transfers(zonal, {5.0, -5.0, -3.0, 3.0}).feasible);
}

TEST(Zonal, AdjacencyIsSortedWithoutRepeats) {
  const ZonalModel zonal = make_zonal(4, {{2, 0, 1.0}, {0, 1, 1.0}, {1, 0, 2.0}, {0, 3, 0.0}});
  const std::vector<std::vector<std::size_t>> adjacency = zone_adjacency(zonal);
  EXPECT_EQ(adjacency[0], (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(adjacency[1], (std::vector<std::size_t>{0}));
  EXPECT_EQ(adjacency[2], (std::vector<std::size_t>{0}));
  EXPECT_TRUE(zones_connected(zonal));
  EXPECT_TRUE(zones_connected(make_zonal(1, {})));
  EXPECT_TRUE(zones_connected(ZonalModel{}));
}

TEST(Zonal, RejectsBadModelsAndInputs) {
  EXPECT_THROW(validate(make_zonal(2, {{0, 2, 1.0}})), std::invalid_argument);
  EXPECT_THROW(validate(make_zonal(2, {{1, 1, 1.0}})), std::invalid_argument);
  EXPECT_THROW(validate(make_zonal(2, {{0, 1, -1.0}})), std::invalid_argument);
  ZonalModel same_ids = make_zonal(2, {});
  same_ids.zones[1].id = same_ids.zones[0].id;
  EXPECT_THROW(validate(same_ids), std::invalid_argument);
  const ZonalModel zonal = make_zonal(2, {{0, 1, 10.0}});
  EXPECT_THROW(check_transfers(zonal, {1.0}), std::invalid_argument);
  EXPECT_THROW(check_transfers(zonal, {5.0, -4.0}), std::invalid_argument);  // does not balance
  EXPECT_THROW(check_transfers(zonal, {std::nan(""), 0.0}), std::invalid_argument);
}

TEST(Zonal, FromAreasOfAHandMadeGrid) {
  // Areas 7 and 3; two lines between them (one unlimited), one out of service, one inside area 7.
  GridModel grid;
  grid.buses = {Bus{.id = 1, .area = 7}, Bus{.id = 2, .area = 3}, Bus{.id = 3, .area = 7}};
  grid.branches = {Branch{.from_bus = 1, .to_bus = 2, .x_pu = 0.1, .rate_a_mva = 40.0},
                   Branch{.from_bus = 2, .to_bus = 3, .x_pu = 0.1, .rate_a_mva = 60.0},
                   Branch{.from_bus = 3, .to_bus = 2, .x_pu = 0.1, .rate_a_mva = 500.0, .in_service = false},
                   Branch{.from_bus = 1, .to_bus = 3, .x_pu = 0.1, .rate_a_mva = 5.0}};
  grid.index_buses();
  ZonalModel zonal = zonal_from_areas(grid);
  ASSERT_EQ(zonal.zones.size(), 2u);
  EXPECT_EQ(zonal.zones[0].id, 3);
  EXPECT_EQ(zonal.zones[0].name, "area 3");
  EXPECT_EQ(zonal.zones[1].id, 7);
  ASSERT_EQ(zonal.tie_lines.size(), 1u);
  EXPECT_EQ(zonal.tie_lines[0].from_zone, 0u);
  EXPECT_EQ(zonal.tie_lines[0].to_zone, 1u);
  EXPECT_DOUBLE_EQ(zonal.tie_lines[0].capacity_mw, 100.0);

  grid.branches[1].rate_a_mva = 0.0;  // RATE_A 0: no limit, so the bundle has none
  zonal = zonal_from_areas(grid);
  EXPECT_EQ(zonal.tie_lines[0].capacity_mw, kUnlimitedMw);
}

TEST(Zonal, FromAreasOfCase30) {
  // case30's three areas; tie-lines summed by hand from the file:
  // areas 1-2: 4-12 (65); 1-3: 6-10 (32), 9-10 (65), 28-27 (65); 2-3: 10-20, 10-17 (32 each), 23-24 (16).
  std::ifstream in(std::string(EBSIM_SOURCE_DIR) + "/scenarios/grids/case30.m");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const ZonalModel zonal = zonal_from_areas(parse_matpower(text, "case30"));
  ASSERT_EQ(zonal.zones.size(), 3u);
  ASSERT_EQ(zonal.tie_lines.size(), 3u);
  EXPECT_EQ(zonal.tie_lines[0].from_zone, 0u);
  EXPECT_EQ(zonal.tie_lines[0].to_zone, 1u);
  EXPECT_DOUBLE_EQ(zonal.tie_lines[0].capacity_mw, 65.0);
  EXPECT_EQ(zonal.tie_lines[1].to_zone, 2u);
  EXPECT_DOUBLE_EQ(zonal.tie_lines[1].capacity_mw, 162.0);
  EXPECT_EQ(zonal.tie_lines[2].from_zone, 1u);
  EXPECT_DOUBLE_EQ(zonal.tie_lines[2].capacity_mw, 80.0);
  EXPECT_TRUE(zones_connected(zonal));
  // Area 1 can send at most 65 + 162 = 227 MW out.
  EXPECT_TRUE(check_transfers(zonal, {227.0, -100.0, -127.0}).feasible);
  const TransferCheck check = check_transfers(zonal, {228.0, -100.0, -128.0});
  EXPECT_FALSE(check.feasible);
  EXPECT_EQ(check.congested_tie_lines, (std::vector<std::size_t>{0, 1}));
}

}  // namespace
}  // namespace ebsim::grid
