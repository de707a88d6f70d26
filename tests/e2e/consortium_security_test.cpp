// End-to-end: security-constrained clearing among management nodes (issue 4, seed 003 Fig. 5)
// on scenarios/consortium/feeder_security.yaml. The final trades are checked against the
// feeder's ratings with flows computed here by hand (radial feeder: a line carries the net
// injection of everything beyond it), independently of the DC PTDF code under test.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "sim/trace/trace_reader.hpp"
#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

const std::string kScenario = "scenarios/consortium/feeder_security.yaml";

// grids/feeder3.m: branch 0 is 1-2 (6 kW), branch 1 is 2-3 (4 kW). Participants in scenario
// order: 8 PV households at bus 3, 4 at bus 2, then 30 households at bus 1.
int bus_of(std::uint32_t participant) { return participant < 8 ? 3 : participant < 12 ? 2 : 1; }
constexpr double kLimitMw[2] = {0.006, 0.004};
constexpr double kIntervalHours = 0.25;

/** Largest |flow| / rating over every interval's final trades. */
double worst_loading(const std::string& trace) {
  std::map<std::uint32_t, std::map<int, double>> injection_mw;  // interval -> bus -> MW
  for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) {
    const double mw = t.quantity_kwh / kIntervalHours / 1000.0;
    injection_mw[t.interval][bus_of(t.seller)] += mw;
    injection_mw[t.interval][bus_of(t.buyer)] -= mw;
  }
  double worst = 0.0;
  for (auto& [k, inj] : injection_mw) {
    const double flow_23 = inj[3] * -1.0;            // from 2 to 3: what bus 3 draws
    const double flow_12 = -(inj[2] + inj[3]);        // from 1 to 2: what buses 2 and 3 draw
    worst = std::max({worst, std::abs(flow_12) / kLimitMw[0], std::abs(flow_23) / kLimitMw[1]});
  }
  return worst;
}

std::set<std::tuple<std::uint32_t, std::uint64_t, std::uint64_t>> trade_keys(const std::string& trace) {
  std::set<std::tuple<std::uint32_t, std::uint64_t, std::uint64_t>> keys;
  for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) keys.insert({t.interval, t.buy_order, t.sell_order});
  return keys;
}

std::string run(const std::filesystem::path& dir, const std::string& name, const std::string& extra) {
  const std::string trace = (dir / (name + ".h5")).string();
  const CliResult r = run_cli("run " + kScenario + " -q " + extra + " -o '" + trace + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return trace;
}

TEST(ConsortiumSecurityRun, BothOptionsEndWithinTheLineRatingsAndNameTheObjectingNode) {
  const auto dir = fresh_dir("consortium-security");
  const std::string unchecked = run(dir, "none", "--set grid.security_check=none");
  const std::string option_a = run(dir, "a", "--set grid.security_check=cancel_last");
  const std::string option_b = run(dir, "b", "--set grid.security_check=reopen");

  // The trace's /line_flows are the final trades' flows: the same as computed here by hand.
  for (const std::string& trace : {unchecked, option_a, option_b}) {
    std::map<std::uint32_t, std::map<int, double>> injection_mw;
    for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) {
      injection_mw[t.interval][bus_of(t.seller)] += t.quantity_kwh / kIntervalHours / 1000.0;
      injection_mw[t.interval][bus_of(t.buyer)] -= t.quantity_kwh / kIntervalHours / 1000.0;
    }
    const auto rows = trace::read_table<trace::LineFlowRecord>(trace);
    ASSERT_EQ(rows.size(), 2u * 96u) << "two branches, 96 intervals";
    for (const auto& row : rows) {
      auto& inj = injection_mw[row.interval];
      const double expected = row.branch == 0 ? -(inj[2] + inj[3]) : -inj[3];
      EXPECT_NEAR(row.flow_mw, expected, 1e-12) << trace << " interval " << row.interval << " branch " << row.branch;
      EXPECT_EQ(row.limit_mw, kLimitMw[row.branch]);
      EXPECT_EQ(row.from_bus, row.branch == 0 ? 1 : 2);
    }
  }

  // Without the check the feeder-end PV overloads line 2-3 at midday: the check has work to do.
  EXPECT_GT(worst_loading(unchecked), 1.5);
  EXPECT_LE(worst_loading(option_a), 1.0 + 1e-9);
  EXPECT_LE(worst_loading(option_b), 1.0 + 1e-9);

  for (const std::string& trace : {option_a, option_b}) {
    const auto checks = trace::read_table<trace::SecurityCheckRecord>(trace);
    ASSERT_FALSE(checks.empty()) << trace;
    for (const auto& row : checks) {
      EXPECT_LT(row.node, 2u) << "a management node (head 0 or feeder 1) objected";
      EXPECT_GT(std::abs(row.flow_mw), row.limit_mw);
      EXPECT_EQ(row.limit_mw, kLimitMw[row.branch]);
    }
  }

  // Option A only removes trades: kept plus cancelled is the unchecked run's market.
  auto kept = trade_keys(option_a);
  const auto all = trade_keys(unchecked);
  for (const auto& row : trace::read_table<trace::SecurityCheckRecord>(option_a)) {
    EXPECT_EQ(kept.count({row.interval, row.buy_order, row.sell_order}), 0u) << "a cancelled trade was settled";
    kept.insert({row.interval, row.buy_order, row.sell_order});
  }
  EXPECT_EQ(kept, all);

  // Option B re-opens the remaining capacity: it never trades less than option A, interval by interval.
  std::map<std::uint32_t, double> energy_a, energy_b;
  for (const auto& t : trace::read_table<trace::TradeRecord>(option_a)) energy_a[t.interval] += t.quantity_kwh;
  for (const auto& t : trace::read_table<trace::TradeRecord>(option_b)) energy_b[t.interval] += t.quantity_kwh;
  double total_a = 0.0, total_b = 0.0;
  for (const auto& [k, e] : energy_a) total_a += e;
  for (const auto& [k, e] : energy_b) total_b += e;
  EXPECT_GT(total_b, total_a);
}

TEST(ConsortiumSecurityRun, OptionACancelsExactlyWhatTheCentralizedExchangeCancels) {
  // Same orders, same arrival order (declaration time), same greedy rule: the management nodes'
  // objections end where the exchange's own check ends.
  const auto dir = fresh_dir("consortium-security-vs-centralized");
  const std::string consortium = run(dir, "consortium", "--set grid.security_check=cancel_last");
  const std::string centralized =
      run(dir, "centralized", "--set grid.security_check=cancel_last --set market.design=centralized");
  EXPECT_EQ(trade_keys(consortium), trade_keys(centralized));
}

}  // namespace
}  // namespace ebsim::test
