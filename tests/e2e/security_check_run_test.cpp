// End-to-end: scenarios/rules/security_check_feeder.yaml (pay_as_clear on grids/feeder3.m with
// grid.security_check: cancel_last) runs, and its trace records the cancellations.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <utility>

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
}

}  // namespace
}  // namespace ebsim::test
