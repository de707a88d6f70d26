// End-to-end tests of the ebsim command line: what a user types, what they get.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <regex>

#include "analysis/report.hpp"
#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kGolden = "tests/data/e2e/golden.yaml";

TEST(Cli, VersionAndHelp) {
  const CliResult version = run_cli("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("ebsim 0."), std::string::npos) << version.out;
  const CliResult help = run_cli("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* sub : {"run", "validate", "report"}) EXPECT_NE(help.out.find(sub), std::string::npos) << sub;
  const CliResult run_help = run_cli("run --help");
  EXPECT_EQ(run_help.exit_code, 0);
  for (const char* opt : {"--seed", "--output", "--set", "--quiet"})
    EXPECT_NE(run_help.out.find(opt), std::string::npos) << opt;
}

TEST(Cli, UnknownSubcommandOrOptionIsBadInput) {
  EXPECT_EQ(run_cli("frobnicate").exit_code, 2);
  EXPECT_EQ(run_cli(std::string("run ") + kGolden + " --no-such-option").exit_code, 2);
}

TEST(Cli, ValidateAcceptsTheGoldenScenarioAndRejectsAnUnknownOverride) {
  const CliResult ok = run_cli(std::string("validate ") + kGolden);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("5 participants"), std::string::npos) << ok.out;
  const CliResult bad = run_cli(std::string("validate ") + kGolden + " --set market.intervall=5min");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("market.intervall"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("did you mean 'interval'"), std::string::npos) << bad.err;
}

// The golden market, worked by hand. Per 15-minute interval:
//   sellers (2): load 0.4 kW, PV 2.0 kW -> surplus 1.6 kW * 0.25 h = 0.4 kWh each, offered at
//                the feed-in tariff 0.08 (truthful); buyers (3): 1.2 kW * 0.25 h = 0.3 kWh each,
//                bid at the retail tariff 0.30.
//   Supply 0.8 < demand 0.9: both offers fill, one bid is partly filled (0.2 of 0.3). The
//   partly filled bid bounds the competitive range from below at 0.30 and the marginal bid
//   from above at 0.30, so p = 0.30. Traded 0.8 kWh, utility import 0.9 - 0.8 = 0.1 kWh.
//   Payments: each seller -0.4*0.30 + 0.01*0.4 = -0.116; buyers together
//   0.8*0.30 + 0.01*0.8 + 0.1*0.30 = 0.278; participants 0.046 = exchange 2*0.01*0.8 = 0.016
//   + utility 0.1*0.30 = 0.030. Welfare (0.30 - 0.08) * 0.8 = 0.176.
// Over 4 intervals: traded 3.2, import 0.4, load 4.4, PV 4.0, paid 0.184, exchange 0.064,
// utility 0.12, welfare 0.704.
TEST(Cli, GoldenRunMatchesTheHandWorkedMarket) {
  const fs::path dir = fresh_dir("golden");
  const fs::path trace = dir / "golden.h5";
  const CliResult r = run_cli(std::string("run ") + kGolden + " -q -o '" + trace.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << "--quiet must keep stderr empty: " << r.err;
  ASSERT_TRUE(fs::exists(trace));
  EXPECT_FALSE(fs::exists(trace.string() + ".partial"));

  const analysis::RunSummary s = analysis::summarize_trace(trace.string());
  EXPECT_EQ(s.participants, 5u);
  EXPECT_EQ(s.intervals, 4u);
  EXPECT_EQ(s.orders, 20u);  // every participant, every interval
  EXPECT_EQ(s.orders_late, 0u);
  EXPECT_EQ(s.intervals_with_price, 4u);
  EXPECT_NEAR(s.local_traded_kwh, 3.2, 1e-9);
  EXPECT_NEAR(s.utility_import_kwh, 0.4, 1e-9);
  EXPECT_NEAR(s.utility_export_kwh, 0.0, 1e-9);
  EXPECT_NEAR(s.load_kwh, 4.4, 1e-9);
  EXPECT_NEAR(s.pv_kwh, 4.0, 1e-9);
  EXPECT_NEAR(s.price_min_per_kwh, 0.30, 1e-12);
  EXPECT_NEAR(s.price_max_per_kwh, 0.30, 1e-12);
  EXPECT_NEAR(s.participants_paid, 0.184, 1e-9);
  EXPECT_NEAR(s.exchange_received, 0.064, 1e-9);
  EXPECT_NEAR(s.utility_received, 0.12, 1e-9);
  EXPECT_NEAR(s.declared_welfare, 0.704, 1e-9);
  // Messages: 20 bids, 20 acks, 20 results, 4 * 5 statements.
  std::uint64_t total = 0;
  for (const auto& m : s.messages) total += m.count;
  EXPECT_EQ(total, 20u + 20u + 20u + 20u);
  // Latency: an order is sent within the first 8 min of its market and its result comes
  // after gate closure at 10 min, so every latency lies in (2 min, 10 min] plus network time.
  EXPECT_GT(s.latency_p50_s, 120.0);
  EXPECT_LT(s.latency_max_s, 600.0 + 1.0);
  // The table printed by `run` and by `report` agree line for line, but for wall time.
  const CliResult rep = run_cli("report '" + trace.string() + "'");
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const std::regex wall("wall time[^\n]*\n");
  EXPECT_EQ(std::regex_replace(rep.out, wall, ""),
            std::regex_replace(r.out.substr(0, r.out.find("trace: ")), wall, ""));
}

// Supply above demand (one buyer): the partly filled marginal offer sets p = feed-in 0.08.
// Per interval: traded 0.3, export 0.8 - 0.3 = 0.5 kWh. Over 4 intervals: traded 1.2,
// export 2.0, utility -2.0 * 0.08 = -0.16, exchange 2 * 0.01 * 1.2 = 0.024,
// participants -0.136.
TEST(Cli, OverrideTurnsTheGoldenMarketIntoASurplus) {
  const fs::path trace = fresh_dir("surplus") / "surplus.h5";
  const CliResult r =
      run_cli(std::string("run ") + kGolden + " -q --set participants.buyers.count=1 -o '" + trace.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const analysis::RunSummary s = analysis::summarize_trace(trace.string());
  EXPECT_EQ(s.participants, 3u);
  EXPECT_NEAR(s.price_min_per_kwh, 0.08, 1e-12);
  EXPECT_NEAR(s.price_max_per_kwh, 0.08, 1e-12);
  EXPECT_NEAR(s.local_traded_kwh, 1.2, 1e-9);
  EXPECT_NEAR(s.utility_export_kwh, 2.0, 1e-9);
  EXPECT_NEAR(s.utility_received, -0.16, 1e-9);
  EXPECT_NEAR(s.exchange_received, 0.024, 1e-9);
  EXPECT_NEAR(s.participants_paid, -0.136, 1e-9);
}

TEST(Cli, SameSeedGivesAByteIdenticalTraceAndAnotherSeedDoesNot) {
  const fs::path dir = fresh_dir("determinism");
  const std::string scenario = "scenarios/demo_neighbourhood.yaml -q";
  ASSERT_EQ(run_cli("run " + scenario + " -o '" + (dir / "a.h5").string() + "'").exit_code, 0);
  ASSERT_EQ(run_cli("run " + scenario + " -o '" + (dir / "b.h5").string() + "'").exit_code, 0);
  ASSERT_EQ(run_cli("run " + scenario + " --seed 43 -o '" + (dir / "c.h5").string() + "'").exit_code, 0);
  const std::string a = read_file(dir / "a.h5"), b = read_file(dir / "b.h5"), c = read_file(dir / "c.h5");
  ASSERT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b) << "two runs with the same seed wrote different traces";
  EXPECT_FALSE(a == c) << "a different seed should change the trace";
}

TEST(Cli, LateOrdersAreRejectedAndCounted) {
  // A bid window of 14 min against a gate closing 10 min after the market opens: an order
  // sent uniformly in [0, 14) min is late with probability 4/14. With 5 participants x 4
  // intervals = 20 orders, P(no late order) = (10/14)^20 = 1.2e-3; the seed is fixed anyway.
  const fs::path trace = fresh_dir("late") / "late.h5";
  const CliResult r =
      run_cli(std::string("run ") + kGolden + " -q --set market.bid_window=14min -o '" + trace.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const analysis::RunSummary s = analysis::summarize_trace(trace.string());
  EXPECT_GT(s.orders_late, 0u);
  EXPECT_LT(s.orders_late, s.orders);
  EXPECT_EQ(s.orders, 20u);
}

TEST(Cli, BadScenarioExitsWithTwoAndLeavesNoTrace) {
  const fs::path dir = fresh_dir("bad");
  const fs::path trace = dir / "bad.h5";
  const CliResult r = run_cli(std::string("run ") + kGolden + " -q --set participants.buyers.count=-3 -o '" +
                              trace.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("participants[buyers].count"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(dir)) << "a rejected scenario must not leave a trace";
}

TEST(Cli, UnwritableOutputPathIsBadInput) {
  // The output's parent "directory" is a regular file, so no one (not even root) can create it.
  const fs::path dir = fresh_dir("unwritable");
  { std::ofstream(dir / "plain_file") << "x"; }
  const fs::path trace = dir / "plain_file" / "out.h5";
  const CliResult r = run_cli(std::string("run ") + kGolden + " -q -o '" + trace.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(trace.string()), std::string::npos) << r.err;
}

TEST(Cli, ReportOnSomethingThatIsNotATraceIsBadInput) {
  const CliResult r = run_cli(std::string("report ") + kGolden);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("golden.yaml"), std::string::npos) << r.err;
}

TEST(Cli, EveryShippedScenarioRuns) {
  const fs::path dir = fresh_dir("scenarios");
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(EBSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    const fs::path trace = dir / (entry.path().stem().string() + ".h5");
    const CliResult r = run_cli("run '" + entry.path().string() + "' -q -o '" + trace.string() + "'");
    EXPECT_EQ(r.exit_code, 0) << entry.path() << ": " << r.err;
    EXPECT_TRUE(fs::exists(trace)) << entry.path();
  }
  EXPECT_GE(count, 1);
}

}  // namespace
}  // namespace ebsim::test
