// End-to-end: scenarios/plants.yaml (households beside a wind turbine, a PV farm and a CHP plant)
// runs in all three market designs; from the trace alone, each plant's production follows its
// technology: the dispatchable CHP produces exactly what it sold and curtails the rest of its
// 50 kW x 0.25 h = 12.5 kWh per interval; the must-run wind turbine produces its CSV profile
// (hourly means, so four equal intervals per hour) and exports what it did not sell; no plant
// sells below its marginal cost; energy and money balance per interval.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/trace/trace_reader.hpp"
#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

constexpr const char* kScenario = "scenarios/plants.yaml";
constexpr double kTol = 1e-9;

/** Participants of scenarios/plants.yaml: 40 households, 20 PV households, then one wind turbine,
 * one PV farm and one CHP plant, ids in group order. */
constexpr std::uint32_t kWind = 60, kPvFarm = 61, kChp = 62;

/** The wind CSV's hourly means (kW), from its formula 100 (0.35 + 0.25 cos(2 pi (h - 3) / 24)). */
double wind_kw(int hour) { return std::round(1000.0 * (0.35 + 0.25 * std::cos(2 * M_PI * (hour - 3) / 24.0))) / 10.0; }

std::string run(const std::string& name, const std::string& extra = "") {
  const std::filesystem::path dir = fresh_dir(name);
  const std::string trace = (dir / "run.h5").string();
  const CliResult r = run_cli(std::string("run ") + kScenario + " -q -o '" + trace + "' " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return trace;
}

void check_plants(const std::string& trace, std::size_t intervals) {
  std::map<std::uint32_t, std::vector<trace::SettlementRecord>> lines;
  for (const auto& row : trace::read_table<trace::SettlementRecord>(trace)) lines[row.participant].push_back(row);
  ASSERT_EQ(lines[kChp].size(), intervals);
  double chp_sold = 0.0;
  for (const auto& row : lines[kChp]) {
    EXPECT_NEAR(row.generation_kwh, row.market_sell_kwh, kTol) << "interval " << row.interval;
    EXPECT_NEAR(row.generation_kwh + row.curtailed_kwh, 12.5, kTol) << "interval " << row.interval;
    EXPECT_NEAR(row.utility_export_kwh, 0.0, kTol);
    chp_sold += row.market_sell_kwh;
  }
  for (const auto& row : lines[kWind]) {
    // Interval k delivers over local hour k / 4 of the day (the trace starts at local midnight).
    EXPECT_NEAR(row.generation_kwh, wind_kw(static_cast<int>(row.interval / 4)) * 0.25, kTol) << row.interval;
    EXPECT_NEAR(row.market_sell_kwh + row.utility_export_kwh, row.generation_kwh, kTol) << row.interval;
    EXPECT_EQ(row.curtailed_kwh, 0.0);
  }
  // The PV farm produces by day only (synthetic solar shape at 52.5 N: nothing before 03:00 local).
  for (const auto& row : lines[kPvFarm]) {
    if (row.interval < 12) EXPECT_EQ(row.generation_kwh, 0.0);
    EXPECT_LE(row.generation_kwh, 80.0 * 0.25 + kTol);
  }
  // Households generate nothing.
  for (const auto& row : lines[0]) EXPECT_EQ(row.generation_kwh, 0.0);
  // No plant sells below its marginal cost (wind 0.01, PV farm 0, CHP 0.14 EUR/kWh).
  for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) {
    if (t.seller == kChp) EXPECT_GE(t.seller_price_per_kwh, 0.14 - kTol);
    if (t.seller == kWind) EXPECT_GE(t.seller_price_per_kwh, 0.01 - kTol);
  }
  // The interval totals are the sums of the lines.
  double generation = 0.0, curtailed = 0.0, lines_generation = 0.0, lines_curtailed = 0.0;
  for (const auto& r : trace::read_table<trace::IntervalRecord>(trace)) {
    generation += r.generation_kwh;
    curtailed += r.curtailed_kwh;
    EXPECT_LT(std::abs(r.energy_imbalance_kwh), 1e-9);
    EXPECT_LT(std::abs(r.money_imbalance), 1e-9);
  }
  for (const auto& [p, rows] : lines)
    for (const auto& row : rows) {
      lines_generation += row.generation_kwh;
      lines_curtailed += row.curtailed_kwh;
    }
  EXPECT_NEAR(generation, lines_generation, 1e-6);
  EXPECT_NEAR(curtailed, lines_curtailed, 1e-6);
  EXPECT_NEAR(curtailed, intervals * 12.5 - chp_sold, 1e-6);
  // /groups records the kind: households 1 (consumer), 0 (prosumer), plants 2 (generator).
  const auto groups = trace::read_table<trace::GroupRecord>(trace);
  ASSERT_EQ(groups.size(), 5u);
  EXPECT_EQ(groups[0].type, 1);
  EXPECT_EQ(groups[1].type, 0);
  for (int g = 2; g < 5; ++g) EXPECT_EQ(groups[g].type, 2);
}

TEST(GeneratorRun, CentralizedPlantsFollowTheirTechnology) { check_plants(run("generator_central"), 96); }

TEST(GeneratorRun, ConsortiumPlantsFollowTheirTechnology) {
  check_plants(run("generator_consortium", "--set market.design=consortium --set duration=3h "
                                           "--set 'consortium={management_nodes: [{name: town}]}'"),
               12);
}

TEST(GeneratorRun, PeerToPeerPlantsFollowTheirTechnology) {
  check_plants(run("generator_p2p", "--set market.design=p2p --set duration=2h"), 8);
}

TEST(GeneratorRun, ACheaperChpSellsMore) {
  // At 0.05/kWh the CHP undercuts the households' PV offers more often than at 0.14.
  auto sold = [](const std::string& trace) {
    double kwh = 0.0;
    for (const auto& row : trace::read_table<trace::SettlementRecord>(trace))
      if (row.participant == kChp) kwh += row.market_sell_kwh;
    return kwh;
  };
  EXPECT_GT(sold(run("generator_cheap", "--set participants.chp.marginal_cost=0.05/kWh")),
            sold(run("generator_dear")) + 1.0);
}

}  // namespace
}  // namespace ebsim::test
