// End-to-end: the security check on a zonal grid (issue 4: zones = countries, tie-lines with
// transfer capacities) on scenarios/consortium/transnational_zonal.yaml, under the centralized
// and the consortium design. The final transfers are checked against the tie-line capacities with
// the zones' net exports recomputed here by hand from /trades (three zones in a line: the
// north-centre tie-line carries north's net export, the centre-south one south's net import),
// independently of the max-flow code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "sim/trace/trace_reader.hpp"
#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

// Four midday hours of the shipped scenario: the PV surplus one country sells abroad is largest.
const std::string kScenario =
    "scenarios/consortium/transnational_zonal.yaml -q --set start=2026-06-21T10:00:00+02:00 --set duration=4h";

// Participants in scenario order: north_pv 4 + north_homes 3, centre_pv 3 + centre_homes 3,
// south_pv 4 + south_homes 2. Zones 0 north, 1 centre, 2 south (trace zone ids 1, 2, 3).
int zone_of(std::uint32_t participant) { return participant < 7 ? 0 : participant < 13 ? 1 : 2; }
// The scenario's tie-lines: 0 north-centre, 1 centre-south (MW).
constexpr double kCapacityMw[2] = {0.001, 0.001};
constexpr int kTieZones[2][2] = {{1, 2}, {2, 3}};
constexpr double kIntervalHours = 0.25;

/** Largest transfer / capacity over every interval's final trades. */
double worst_loading(const std::string& trace) {
  std::map<std::uint32_t, std::map<int, double>> export_mw;  // interval -> zone -> net export
  for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) {
    const double mw = t.quantity_kwh / kIntervalHours / 1000.0;
    export_mw[t.interval][zone_of(t.seller)] += mw;
    export_mw[t.interval][zone_of(t.buyer)] -= mw;
  }
  double worst = 0.0;
  for (auto& [k, exports] : export_mw) {
    const double north_to_centre = exports[0];
    const double centre_to_south = -exports[2];
    worst = std::max({worst, std::abs(north_to_centre) / kCapacityMw[0], std::abs(centre_to_south) / kCapacityMw[1]});
  }
  return worst;
}

using Key = std::tuple<std::uint32_t, std::uint64_t, std::uint64_t>;  // interval, buy order, sell order

std::set<Key> trade_keys(const std::string& trace) {
  std::set<Key> keys;
  for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) keys.insert({t.interval, t.buy_order, t.sell_order});
  return keys;
}

std::set<Key> cancelled_keys(const std::string& trace) {
  std::set<Key> keys;
  for (const auto& row : trace::read_table<trace::SecurityCheckRecord>(trace))
    keys.insert({row.interval, row.buy_order, row.sell_order});
  return keys;
}

std::string run(const std::filesystem::path& dir, const std::string& name, const std::string& extra) {
  const std::string trace = (dir / (name + ".h5")).string();
  const CliResult r = run_cli("run " + kScenario + " " + extra + " -o '" + trace + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return trace;
}

void expect_rows_name_tie_lines(const std::string& trace, bool consortium) {
  const auto rows = trace::read_table<trace::SecurityCheckRecord>(trace);
  ASSERT_FALSE(rows.empty()) << trace << ": the midday exports should not fit the tie-lines";
  for (const auto& row : rows) {
    ASSERT_LT(row.branch, 2u);
    EXPECT_EQ(row.from_bus, kTieZones[row.branch][0]) << "from_bus holds the tie-line's first zone id";
    EXPECT_EQ(row.to_bus, kTieZones[row.branch][1]);
    EXPECT_DOUBLE_EQ(row.limit_mw, kCapacityMw[row.branch]) << "a radial line of zones: the cut is one tie-line";
    EXPECT_GT(std::abs(row.flow_mw), row.limit_mw * (1.0 + 1e-9));
    if (consortium) {
      EXPECT_LT(row.node, 3u) << "a management node objected";
    } else {
      EXPECT_EQ(row.node, 0xFFFFFFFFu);
    }
  }
}

TEST(ZonalRun, BothDesignsEndWithinTheTieLinesAndCancelTheSameTrades) {
  const auto dir = fresh_dir("zonal-run");
  const std::string unchecked = run(dir, "none", "--set grid.security_check=none");
  const std::string centralized = run(dir, "centralized", "--set market.design=centralized");
  const std::string option_a = run(dir, "a", "");
  const std::string option_b = run(dir, "b", "--set grid.security_check=reopen");

  // Without the check the midday exports overload a tie-line: the check has work to do.
  EXPECT_GT(worst_loading(unchecked), 1.2);
  EXPECT_TRUE(trace::read_table<trace::SecurityCheckRecord>(unchecked).empty());
  for (const std::string& trace : {centralized, option_a, option_b}) {
    EXPECT_LE(worst_loading(trace), 1.0 + 1e-9) << trace;
    EXPECT_FALSE(trace::read_table<trace::TradeRecord>(trace).empty()) << trace;
  }
  // /line_flows: in a line of zones the transfer on each tie-line is fixed by the exports
  // (north's net export crosses north-centre; south's net import crosses centre-south).
  for (const std::string& trace : {unchecked, centralized, option_a, option_b}) {
    std::map<std::uint32_t, std::map<int, double>> export_mw;
    for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) {
      export_mw[t.interval][zone_of(t.seller)] += t.quantity_kwh / kIntervalHours / 1000.0;
      export_mw[t.interval][zone_of(t.buyer)] -= t.quantity_kwh / kIntervalHours / 1000.0;
    }
    const auto rows = trace::read_table<trace::LineFlowRecord>(trace);
    ASSERT_EQ(rows.size(), 2u * 16u) << trace << ": two tie-lines, 16 intervals";
    for (const auto& row : rows) {
      auto& exports = export_mw[row.interval];
      const double expected = row.branch == 0 ? exports[0] : -exports[2];
      EXPECT_NEAR(row.flow_mw, expected, 1e-12) << trace << " interval " << row.interval;
      EXPECT_EQ(row.from_bus, kTieZones[row.branch][0]);
      EXPECT_EQ(row.to_bus, kTieZones[row.branch][1]);
      EXPECT_EQ(row.limit_mw, kCapacityMw[row.branch]);
    }
  }
  expect_rows_name_tie_lines(centralized, false);
  expect_rows_name_tie_lines(option_a, true);
  expect_rows_name_tie_lines(option_b, true);

  // Same orders, same declaration times, same greedy rule: the management nodes' objections end
  // where the exchange's own check ends.
  EXPECT_EQ(cancelled_keys(option_a), cancelled_keys(centralized));
  EXPECT_EQ(trade_keys(option_a), trade_keys(centralized));

  // Option A only removes trades: kept plus cancelled is the unchecked market, and no cancelled
  // trade is settled.
  std::set<Key> kept = trade_keys(option_a);
  for (const Key& key : cancelled_keys(option_a)) {
    EXPECT_EQ(kept.count(key), 0u) << "a cancelled trade was settled";
    kept.insert(key);
  }
  EXPECT_EQ(kept, trade_keys(unchecked));

  // Option B re-opens bidding on the capacity left: it never trades less than option A.
  const auto energy = [](const std::string& trace) {
    double kwh = 0.0;
    for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) kwh += t.quantity_kwh;
    return kwh;
  };
  EXPECT_GE(energy(option_b), energy(option_a) - 1e-9);
}

TEST(ZonalRun, ChainOfTheZonalRunVerifies) {
  const auto dir = fresh_dir("zonal-verify");
  const std::string trace = run(dir, "a", "");
  const CliResult v = run_cli("verify '" + trace + "'");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

}  // namespace
}  // namespace ebsim::test
