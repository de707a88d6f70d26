// ebsim's DC OPF and DC power flow against a CHECKED public reference: MATPOWER's own test suite.
//
// MATPOWER (https://github.com/MATPOWER/matpower, 3-clause BSD) tests its printout in
// lib/t/t_printpf.m: it loads lib/t/t_auction_case.m (shipped here, unchanged, as
// tests/data/matpower/t_auction_case.m), makes two changes
//
//     mpc.gencost(1:5, 1:7) = ones(5, 1) * [2 0 0 3 0.1 45 0];   % gens 1-5: 0.1 P^2 + 45 P ($/h, P in MW)
//     mpc.branch(18, RATE_A) = 25;                                 % branch 12-15 limited to 25 MW
//
// runs rundcopf (MIPS, tolerances 1e-8) and requires the printout to equal lib/t/pretty_print_dcopf.txt
// character for character. Every expected number below is copied from that file (MATPOWER commit
// 285fb71913e7d0a205e025efc4c2f2e50fcf8e6d of pretty_print_dcopf.txt; the printed figures are the same
// in the other stored versions) and is compared to its printed precision: a printed value v with d
// decimals stands for the interval [v - 0.5 * 10^-d, v + 0.5 * 10^-d], so the tolerance is half a unit
// of the last printed digit (plus 1e-9 for the binary representation of the printed decimal).
//
// The case exercises what a real MATPOWER case can hold beyond the IEEE cases in scenarios/grids/:
// the version 1 case format (a function returning [baseMVA, bus, gen, branch, areas, gencost]), a bus
// number (220) out of sequence, three areas, out-of-service branches, three dispatchable loads
// (generators with Pmin = -30 < Pmax = 0 and a piecewise-linear "cost" that is the negative of their
// value), a piecewise-linear generator cost (gen 6) next to quadratic ones, and a binding branch limit.
//
// This replaces two earlier comparisons whose "MATPOWER figures" had been recalled rather than read
// (a case9 rundcopf objective, and case9 rundcpf flows): no text printout of those runs exists in
// MATPOWER's sources (its own 9-bus DC solutions, lib/t/soln9_dcopf.mat and soln9_dcpf.mat for its test
// cases t_case9_opf / t_case9_pf, are binary .mat files), so they could not be checked. MATPOWER's text
// printouts of power flows (lib/t/pretty-printing/pp_pf_case9.txt, pp_pf_t_auction_case.txt) are AC
// power flows, which ebsim does not model; the DC power flow is checked below on the DC OPF printout
// instead (its angles and flows are a DC power flow of the printed dispatch).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "models/grid/dc_network.hpp"
#include "models/grid/dc_opf.hpp"
#include "models/grid/matpower.hpp"

namespace ebsim::grid {
namespace {

/** Half a unit of the last printed digit, for a figure printed with `decimals` decimals. */
constexpr double printed(int decimals) { return 0.5 * std::pow(10.0, -decimals) + 1e-9; }

constexpr double kDegPerRad = 180.0 / std::numbers::pi;

GridModel load_auction_case() {
  const std::string path = std::string(EBSIM_SOURCE_DIR) + "/tests/data/matpower/t_auction_case.m";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse_matpower(text.str(), "t_auction_case");
}

/** t_auction_case with t_printpf.m's two changes, applied through the GridModel API. */
GridModel printpf_case() {
  GridModel grid = load_auction_case();
  // mpc.gencost(1:5, 1:7) = ones(5, 1) * [2 0 0 3 0.1 45 0]: MODEL 2 (polynomial), NCOST 3, c2 c1 c0.
  // (Columns 8-12 keep the old piecewise-linear points; with NCOST = 3 MATPOWER does not read them.)
  for (std::size_t g = 0; g < 5; ++g) {
    GenCost& cost = grid.gencosts.at(g);
    cost.model = GenCost::Model::kPolynomial;
    cost.startup = cost.shutdown = 0.0;
    cost.coefficients = {0.1, 45.0, 0.0};
  }
  // mpc.branch(18, RATE_A) = 25 (MATLAB's row 18 is index 17).
  grid.branches.at(17).rate_a_mva = 25.0;
  return grid;
}

// ---- pretty_print_dcopf.txt, transcribed --------------------------------------------------------

// "Objective Function Value = 2234.87 $/hr"
constexpr double kObjective = 2234.87;

// "Generator Data" (gens 1-6, Pg and Lambda P) and "Dispatchable Load Data" (gens 7-9, Pd = -Pg).
struct PrintedGen {
  int bus;
  double pg_mw;    // 2 decimals
  double lambda;   // 2 decimals ($/MWh at the generator's bus)
};
const std::vector<PrintedGen> kGens{
    {1, 35.08, 52.02},   {2, 35.10, 52.02},   {220, 36.39, 52.28}, {27, 36.12, 52.22},  {23, 38.96, 52.79},
    {13, 60.00, 51.66},  {7, -30.00, 52.04},  {15, -30.00, 53.05}, {30, -30.00, 52.22},
};

// "Bus Data": bus number, Ang(deg) (3 decimals), Lambda P ($/MWh, 3 decimals), in file order.
struct PrintedBus {
  int id;
  double angle_deg;
  double lmp;
};
const std::vector<PrintedBus> kBuses{
    {1, 0.000, 52.016},   {2, -0.523, 52.020},  {3, -2.163, 52.002},  {4, -2.107, 52.000},
    {5, -2.028, 52.032},  {6, -2.158, 52.044},  {7, -2.931, 52.039},  {8, -2.430, 52.047},
    {9, -1.284, 52.164},  {10, -0.827, 52.227}, {11, -1.284, 52.164}, {12, -2.517, 51.661},
    {13, 2.296, 51.661},  {14, -4.036, 52.447}, {15, -4.379, 53.052}, {16, -4.182, 51.661},
    {17, -5.320, 51.661}, {18, -6.562, 53.052}, {19, -7.575, 53.052}, {20, -7.677, 53.052},
    {21, -0.383, 52.267}, {220, -0.217, 52.278}, {23, -2.164, 52.791}, {24, -1.748, 52.440},
    {25, -2.133, 52.308}, {26, -3.019, 52.308}, {27, -1.889, 52.224}, {28, -2.187, 52.063},
    {29, -5.315, 52.224}, {30, -8.267, 52.224},
};

// "Branch Data": From Bus Injection P (MW, 2 decimals), branches 1-41 in file order.
const std::vector<double> kBranchFlows{
    15.21, 19.87,  16.27,  -2.45,  13.14,  15.86, 2.24,  13.14, 16.86, 11.83, -7.26, -4.15, 0.00, -7.26,
    2.75,  -60.00, 10.20,  25.00,  14.53,  2.99,  10.46, 17.32, 13.60, 2.56,  0.00,  0.00,  -11.07,
    -7.09, -14.46, -19.33, 14.84,  -2.69,  2.04,  4.07,  -2.03, -1.30, 14.24, 18.55, 11.45, -2.12, 0.82,
};

// "Branch Flow Constraints": only branch 18 (12 -> 15) shows a multiplier, "Pf mu" 1.953 at Pf = 25.00.
constexpr std::size_t kBindingBranch = 17;  // branch 18
constexpr double kBindingMu = 1.953;        // 3 decimals
// "Generation Constraints": only gen 6 shows one, "Pmax mu" 1.661.
constexpr double kGen6PmaxMu = 1.661;
// "Dispatchable Load Constraints": "Pmin mu" of gens 7, 8, 9.
const std::vector<double> kLoadPminMu{47.961, 46.948, 47.776};
// printpf shows a multiplier only when it exceeds 1e-4 (MATPOWER's ptol); "-" otherwise.
constexpr double kPrintedMuThreshold = 1e-4;

class MatpowerReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    grid_ = new GridModel(printpf_case());
    result_ = new DcOpfResult(solve_dc_opf(*grid_));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete grid_;
    result_ = nullptr;
    grid_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(result_->optimal) << result_->status; }

  static GridModel* grid_;
  static DcOpfResult* result_;
};
GridModel* MatpowerReference::grid_ = nullptr;
DcOpfResult* MatpowerReference::result_ = nullptr;

TEST(MatpowerReferenceCase, ImportsTheVersionOneCaseAsMatpowerDoes) {
  const GridModel grid = load_auction_case();
  EXPECT_DOUBLE_EQ(grid.base_mva, 100.0);
  ASSERT_EQ(grid.buses.size(), 30u);        // "Buses 30"
  ASSERT_EQ(grid.generators.size(), 9u);    // 6 generators + 3 dispatchable loads
  ASSERT_EQ(grid.branches.size(), 41u);     // "Branches 41"
  ASSERT_EQ(grid.gencosts.size(), 9u);
  EXPECT_EQ(grid.buses[21].id, 220);        // bus numbers need not be consecutive
  EXPECT_EQ(grid.bus_index(220), 21u);
  EXPECT_EQ(grid.bus_index(23), 22u);
  EXPECT_EQ(grid.generators[2].bus, 220);
  // Areas: "Area Summary" counts 11, 10 and 9 buses in areas 1, 2, 3.
  std::map<int, int> buses_per_area;
  for (const Bus& bus : grid.buses) ++buses_per_area[bus.area];
  EXPECT_EQ(buses_per_area, (std::map<int, int>{{1, 11}, {2, 10}, {3, 9}}));
  // Dispatchable loads: Pmin -30, Pmax 0, piecewise-linear value 100 $/MWh.
  for (std::size_t g = 6; g < 9; ++g) {
    EXPECT_EQ(grid.generators[g].pmin_mw, -30.0);
    EXPECT_EQ(grid.generators[g].pmax_mw, 0.0);
    EXPECT_EQ(grid.gencosts[g].model, GenCost::Model::kPiecewiseLinear);
    EXPECT_EQ(grid.gencosts[g].coefficients, (std::vector<double>{-30, -3000, -20, -2000, -10, -1000, 0, 0}));
  }
  EXPECT_FALSE(grid.branches[24].in_service);  // 10-20 and 10-17 are out of service
  EXPECT_FALSE(grid.branches[25].in_service);
  EXPECT_EQ(grid.branches[14].rate_a_mva, 10.0);
}

TEST_F(MatpowerReference, Objective) {
  // "Objective Function Value = 2234.87 $/hr" (the dispatchable loads' value, -3000 $/h each at
  // -30 MW, is part of it).
  EXPECT_NEAR(result_->objective_per_h, kObjective, printed(2));
  EXPECT_NEAR(result_->dual_objective_per_h, result_->objective_per_h, 1e-6 * kObjective);
}

TEST_F(MatpowerReference, GeneratorDispatchAndDispatchableLoads) {
  ASSERT_EQ(result_->pg_mw.size(), kGens.size());
  double total_mw = 0.0;
  for (std::size_t g = 0; g < kGens.size(); ++g) {
    EXPECT_EQ(grid_->generators[g].bus, kGens[g].bus) << "gen " << g + 1;
    EXPECT_NEAR(result_->pg_mw[g], kGens[g].pg_mw, printed(2)) << "gen " << g + 1;
    // "Lambda P" of the generator table: the LMP at its bus, 2 decimals.
    const double lmp = result_->lmp_per_mwh[grid_->bus_index(kGens[g].bus)];
    EXPECT_NEAR(lmp, kGens[g].lambda, printed(2)) << "gen " << g + 1;
    if (g < 6) total_mw += result_->pg_mw[g];
  }
  EXPECT_NEAR(total_mw, 241.64, printed(2));  // "Total: 241.64" (generation; load 151.64 fixed + 90 dispatchable)
}

TEST_F(MatpowerReference, BusAnglesAndLmps) {
  ASSERT_EQ(grid_->buses.size(), kBuses.size());
  for (std::size_t i = 0; i < kBuses.size(); ++i) {
    ASSERT_EQ(grid_->buses[i].id, kBuses[i].id);
    EXPECT_NEAR(result_->lmp_per_mwh[i], kBuses[i].lmp, printed(3)) << "bus " << kBuses[i].id;
    EXPECT_NEAR(result_->theta_rad[i] * kDegPerRad, kBuses[i].angle_deg, printed(3)) << "bus " << kBuses[i].id;
  }
  // "Lambda P  51.66 $/MWh @ bus 13 ... 53.05 $/MWh @ bus 15" (ties at 12, 16, 17 and 18, 19, 20).
  const auto [lo, hi] = std::minmax_element(result_->lmp_per_mwh.begin(), result_->lmp_per_mwh.end());
  EXPECT_NEAR(*lo, 51.66, printed(2));
  EXPECT_NEAR(*hi, 53.05, printed(2));
  EXPECT_NEAR(result_->lmp_per_mwh[grid_->bus_index(13)], *lo, 1e-9);
  EXPECT_NEAR(result_->lmp_per_mwh[grid_->bus_index(15)], *hi, 1e-9);
}

TEST_F(MatpowerReference, BranchFlows) {
  ASSERT_EQ(result_->branch_flow_mw.size(), kBranchFlows.size());
  for (std::size_t k = 0; k < kBranchFlows.size(); ++k) {
    EXPECT_NEAR(result_->branch_flow_mw[k], kBranchFlows[k], printed(2)) << "branch " << k + 1;
  }
}

TEST_F(MatpowerReference, BindingLineAndShadowPrices) {
  // Branch 18 (12 -> 15) at its new 25 MW limit, from-end multiplier 1.953 $/MWh; no other branch limit binds
  // (RATE_A is 10000 MW on most branches, 10 MW on branches 15 and 32, which carry 2.75 and -2.69 MW).
  EXPECT_EQ(grid_->branches[kBindingBranch].from_bus, 12);
  EXPECT_EQ(grid_->branches[kBindingBranch].to_bus, 15);
  EXPECT_TRUE(result_->branch_binding[kBindingBranch]);
  EXPECT_NEAR(result_->branch_flow_mw[kBindingBranch], 25.0, printed(3));
  EXPECT_NEAR(result_->branch_shadow_price_per_mwh[kBindingBranch], kBindingMu, printed(3));
  for (std::size_t k = 0; k < grid_->branches.size(); ++k) {
    if (k == kBindingBranch) continue;
    EXPECT_FALSE(result_->branch_binding[k]) << "branch " << k + 1;
    EXPECT_LE(result_->branch_shadow_price_per_mwh[k], kPrintedMuThreshold) << "branch " << k + 1;
  }
}

TEST_F(MatpowerReference, GeneratorLimitMultipliers) {
  // "Generation Constraints": gen 6 (bus 13, piecewise-linear cost, 50 $/MWh on its last segment) at
  // Pmax 60 MW with Pmax mu 1.661 = LMP 51.661 - 50. Gens 1-5 are between their limits.
  EXPECT_NEAR(result_->gen_mu_pmax_per_mwh[5], kGen6PmaxMu, printed(3));
  EXPECT_LE(result_->gen_mu_pmin_per_mwh[5], kPrintedMuThreshold);
  for (std::size_t g = 0; g < 5; ++g) {
    EXPECT_LE(result_->gen_mu_pmin_per_mwh[g], kPrintedMuThreshold) << "gen " << g + 1;
    EXPECT_LE(result_->gen_mu_pmax_per_mwh[g], kPrintedMuThreshold) << "gen " << g + 1;
  }
  // "Dispatchable Load Constraints": each load takes all 30 MW (its value, 100 $/MWh, is above the LMP):
  // Pmin mu = 100 - LMP.
  for (std::size_t k = 0; k < kLoadPminMu.size(); ++k) {
    EXPECT_NEAR(result_->gen_mu_pmin_per_mwh[6 + k], kLoadPminMu[k], printed(3)) << "gen " << 7 + k;
    EXPECT_LE(result_->gen_mu_pmax_per_mwh[6 + k], kPrintedMuThreshold) << "gen " << 7 + k;
  }
}

TEST_F(MatpowerReference, AreaSummary) {
  // "Area Summary": generation 70.2, 99.0, 72.5 MW; net export -10.0, -5.4, 15.4 MW (1 decimal);
  // "Total Inter-tie Flow 18.2" MW (branches joining two areas, in service or not).
  std::map<int, double> generation_mw, net_export_mw;
  for (std::size_t g = 0; g < grid_->generators.size(); ++g) {
    const int area = grid_->buses[grid_->bus_index(grid_->generators[g].bus)].area;
    if (g < 6) generation_mw[area] += result_->pg_mw[g];
    net_export_mw[area] += result_->pg_mw[g];
  }
  for (const Bus& bus : grid_->buses) net_export_mw[bus.area] -= bus.pd_mw + bus.gs_mw;
  EXPECT_NEAR(generation_mw[1], 70.2, printed(1));
  EXPECT_NEAR(generation_mw[2], 99.0, printed(1));
  EXPECT_NEAR(generation_mw[3], 72.5, printed(1));
  EXPECT_NEAR(net_export_mw[1], -10.0, printed(1));
  EXPECT_NEAR(net_export_mw[2], -5.4, printed(1));
  EXPECT_NEAR(net_export_mw[3], 15.4, printed(1));
  double tie_flow_mw = 0.0;
  int ties = 0;
  for (std::size_t k = 0; k < grid_->branches.size(); ++k) {
    const Branch& branch = grid_->branches[k];
    const int from_area = grid_->buses[grid_->bus_index(branch.from_bus)].area;
    const int to_area = grid_->buses[grid_->bus_index(branch.to_bus)].area;
    if (from_area == to_area) continue;
    ++ties;
    tie_flow_mw += std::abs(result_->branch_flow_mw[k]);
  }
  EXPECT_EQ(ties, 7);  // "Inter-ties 7"
  EXPECT_NEAR(tie_flow_mw, 18.2, printed(1));
}

TEST_F(MatpowerReference, DcPowerFlowOfTheDispatchReproducesThePrintedAnglesAndFlows) {
  // The printed angles and flows are a DC power flow of the printed dispatch (lossless, angles from the
  // reference bus 1 at 0 degrees). ebsim's dc_power_flow, given the OPF's injections, must give them too.
  std::vector<double> injection_mw(grid_->buses.size(), 0.0);
  for (std::size_t i = 0; i < grid_->buses.size(); ++i)
    injection_mw[i] = -(grid_->buses[i].pd_mw + grid_->buses[i].gs_mw);
  for (std::size_t g = 0; g < grid_->generators.size(); ++g)
    injection_mw[grid_->bus_index(grid_->generators[g].bus)] += result_->pg_mw[g];
  const DcFlowResult flow = dc_power_flow(*grid_, injection_mw);
  for (std::size_t k = 0; k < kBranchFlows.size(); ++k) {
    EXPECT_NEAR(flow.branch_flow_mw[k], kBranchFlows[k], printed(2)) << "branch " << k + 1;
  }
  for (std::size_t i = 0; i < kBuses.size(); ++i) {
    EXPECT_NEAR(flow.theta_rad[i] * kDegPerRad, kBuses[i].angle_deg, printed(3)) << "bus " << kBuses[i].id;
  }
}

}  // namespace
}  // namespace ebsim::grid
