// End-to-end: scenarios/rules/security_check_feeder.yaml (pay_as_clear on grids/feeder3.m with
// grid.security_check: cancel_last) runs, and its trace records the cancellations.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <utility>

#include "analysis/report.hpp"
#include "sim/trace/trace_reader.hpp"
#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

TEST(SecurityCheckRun, FeederScenarioCancelsOverloadingTrades) {
  const std::filesystem::path dir = fresh_dir("security-check");
  const std::string trace = (dir / "run.h5").string();
  const CliResult r = run_cli("run scenarios/rules/security_check_feeder.yaml -q -o '" + trace + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto checks = trace::read_table<trace::SecurityCheckRecord>(trace);
  ASSERT_FALSE(checks.empty()) << "the feeder-end PV should overload line 2-3 at midday";
  const auto trades = trace::read_table<trace::TradeRecord>(trace);
  std::set<std::pair<std::uint64_t, std::uint64_t>> kept;
  for (const auto& t : trades) kept.insert({t.buy_order, t.sell_order});
  for (const auto& row : checks) {
    EXPECT_GT(std::abs(row.flow_mw), row.limit_mw) << "interval " << row.interval;
    EXPECT_GT(row.limit_mw, 0.0);
    EXPECT_GT(row.quantity_kwh, 0.0);
    EXPECT_GT(row.cancelled_in_interval, row.iteration);
    EXPECT_EQ(kept.count({row.buy_order, row.sell_order}), 0u) << "a cancelled trade was settled";
  }

  // The check only removes trades: what was kept plus what was cancelled is what the same
  // run clears without the check (same seed, same orders, same rule).
  const std::string unchecked = (dir / "unchecked.h5").string();
  ASSERT_EQ(run_cli("run scenarios/rules/security_check_feeder.yaml -q --set grid.security_check=none -o '" +
                    unchecked + "'")
                .exit_code,
            0);
  const analysis::RunSummary with_check = analysis::summarize_trace(trace);
  const analysis::RunSummary without = analysis::summarize_trace(unchecked);
  EXPECT_EQ(with_check.security_cancelled_trades, checks.size());
  EXPECT_EQ(without.security_cancelled_trades, 0u);
  EXPECT_GT(with_check.security_cancelled_kwh, 0.0);
  EXPECT_NEAR(with_check.local_traded_kwh + with_check.security_cancelled_kwh, without.local_traded_kwh, 1e-9);
  EXPECT_EQ(with_check.trades + with_check.security_cancelled_trades, without.trades);
}

}  // namespace
}  // namespace ebsim::test
