// analysis/compare: print_comparison's side-by-side table, from summaries built by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "analysis/report.hpp"

namespace ebsim::analysis {
namespace {

RunSummary centralized_run() {
  RunSummary s;
  s.scenario_name = "town";
  s.market_design = "centralized";
  s.currency = "EUR";
  s.participants = 40;
  s.intervals = 96;
  s.orders = 3840;
  s.trades = 500;
  s.local_traded_kwh = 1234.5;
  s.price_mean_per_kwh = 0.1234;
  s.participants_paid = 321.25;
  s.declared_welfare = 45.5;
  s.messages_total = 100;
  s.bytes_total = 5000;
  s.latency_p50_s = 0.5;
  s.latency_p90_s = 1.0;
  s.latency_p99_s = 2.0;
  return s;
}

RunSummary consortium_run() {
  RunSummary s = centralized_run();
  s.market_design = "consortium";
  s.messages_total = 250;   // ratio 2.5
  s.bytes_total = 20000;    // ratio 4
  s.latency_p50_s = 1.5;    // ratio 3
  s.latency_p90_s = 2.5;    // ratio 2.5
  s.latency_p99_s = 7.0;    // no ratio row
  s.consortium.blocks = 96;
  s.consortium.final_latency_p50_s = 60.25;
  s.consortium.final_latency_p90_s = 120.5;
  s.consortium.crypto_cpu_s = 3.75;
  s.consortium.clearing_cpu_s = 1.0;
  s.consortium.disputes = 2;
  s.consortium.failovers = 1;
  return s;
}

/** The cells of the row labelled `label` (the text after the label, split at blanks); empty if
 * no line starts with the label. */
std::vector<std::string> cells(const std::string& table, const std::string& label) {
  std::istringstream in(table);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(label, 0) != 0 || (line.size() > label.size() && line[label.size()] != ' ')) continue;
    std::istringstream rest(line.substr(label.size()));
    std::vector<std::string> out;
    for (std::string cell; rest >> cell;) out.push_back(cell);
    return out;
  }
  return {};
}

using Cells = std::vector<std::string>;

TEST(Compare, TwoRunsGetARatioColumnForTrafficAndLatency) {
  std::ostringstream out;
  print_comparison(out, {centralized_run(), consortium_run()}, {"a.h5", "b.h5"});
  const std::string table = out.str();
  EXPECT_EQ(cells(table, "messages"), (Cells{"100", "250", "2.500"})) << table;
  EXPECT_EQ(cells(table, "bytes"), (Cells{"5000", "20000", "4.000"})) << table;
  EXPECT_EQ(cells(table, "latency p50 (s)"), (Cells{"0.5000", "1.5000", "3.000"})) << table;
  EXPECT_EQ(cells(table, "latency p90 (s)"), (Cells{"1.0000", "2.5000", "2.500"})) << table;
  EXPECT_EQ(cells(table, "latency p99 (s)"), (Cells{"2.0000", "7.0000"})) << table;  // no ratio asked
  EXPECT_EQ(cells(table, "bytes per trade"), (Cells{"10.0", "40.0"})) << table;
  // The header: scenario and design, then the labels, and the ratio column's title.
  const std::string first_line = table.substr(0, table.find('\n'));
  EXPECT_NE(first_line.find("town (centralized)"), std::string::npos) << table;
  EXPECT_NE(first_line.find("town (consortium)"), std::string::npos) << table;
  EXPECT_NE(first_line.find("ratio"), std::string::npos) << table;
  const std::string second_line = table.substr(first_line.size() + 1, table.find('\n', first_line.size() + 1) -
                                                                          first_line.size() - 1);
  EXPECT_NE(second_line.find("a.h5"), std::string::npos) << table;
  EXPECT_NE(second_line.find("b.h5"), std::string::npos) << table;
}

TEST(Compare, ConsortiumRowsShowADashForCentralizedRuns) {
  std::ostringstream out;
  print_comparison(out, {centralized_run(), consortium_run()}, {"a.h5", "b.h5"});
  const std::string table = out.str();
  EXPECT_EQ(cells(table, "blocks"), (Cells{"-", "96"})) << table;
  EXPECT_EQ(cells(table, "bid -> final block p50 (s)"), (Cells{"-", "60.2500"})) << table;
  EXPECT_EQ(cells(table, "bid -> final block p90 (s)"), (Cells{"-", "120.5000"})) << table;
  EXPECT_EQ(cells(table, "crypto CPU (s)"), (Cells{"-", "3.750000"})) << table;
  EXPECT_EQ(cells(table, "clearing CPU (s)"), (Cells{"-", "1.000000"})) << table;
  EXPECT_EQ(cells(table, "disputes"), (Cells{"-", "2"})) << table;
  EXPECT_EQ(cells(table, "failovers"), (Cells{"-", "1"})) << table;
  EXPECT_EQ(cells(table, "participants"), (Cells{"40", "40"})) << table;
  EXPECT_EQ(cells(table, "traded locally (kWh)"), (Cells{"1234.500", "1234.500"})) << table;
  EXPECT_EQ(cells(table, "mean price (EUR/kWh)"), (Cells{"0.1234", "0.1234"})) << table;
  EXPECT_EQ(cells(table, "declared welfare (EUR)"), (Cells{"45.50", "45.50"})) << table;
}

TEST(Compare, P2pRowsShowTheChainOnlyForP2pRuns) {
  RunSummary p2p = centralized_run();
  p2p.market_design = "p2p";
  p2p.p2p.blocks = 240;
  p2p.p2p.stale_rate = 0.0125;
  p2p.p2p.confirmation_p50_s = 400.5;
  p2p.p2p.confirmation_p90_s = 600.25;
  p2p.p2p.fees = 0.144;
  p2p.p2p.energy_j = 7.2e6;  // 2 kWh
  std::ostringstream out;
  print_comparison(out, {centralized_run(), consortium_run(), p2p}, {"a.h5", "b.h5", "c.h5"});
  const std::string table = out.str();
  EXPECT_EQ(cells(table, "p2p blocks made"), (Cells{"-", "-", "240"})) << table;
  EXPECT_EQ(cells(table, "p2p stale rate"), (Cells{"-", "-", "0.0125"})) << table;
  EXPECT_EQ(cells(table, "p2p order -> final p50 (s)"), (Cells{"-", "-", "400.5000"})) << table;
  EXPECT_EQ(cells(table, "p2p order -> final p90 (s)"), (Cells{"-", "-", "600.2500"})) << table;
  EXPECT_EQ(cells(table, "p2p fees (EUR)"), (Cells{"-", "-", "0.1440"})) << table;
  EXPECT_EQ(cells(table, "consensus energy (kWh)"), (Cells{"-", "-", "2.000"})) << table;
  EXPECT_EQ(cells(table, "blocks"), (Cells{"-", "96", "-"})) << table;
}

TEST(Compare, RatioIsADashWhenTheFirstRunHasNothing) {
  RunSummary first = centralized_run();
  first.messages_total = 0;
  first.latency_p50_s = std::numeric_limits<double>::quiet_NaN();  // no order got a result
  first.trades = 0;
  std::ostringstream out;
  print_comparison(out, {first, consortium_run()}, {"a.h5", "b.h5"});
  const std::string table = out.str();
  EXPECT_EQ(cells(table, "messages"), (Cells{"0", "250", "-"})) << table;
  EXPECT_EQ(cells(table, "latency p50 (s)"), (Cells{"-", "1.5000", "-"})) << table;
  EXPECT_EQ(cells(table, "bytes per trade"), (Cells{"-", "40.0"})) << table;
}

TEST(Compare, ThreeRunsHaveNoRatioColumn) {
  std::ostringstream out;
  print_comparison(out, {centralized_run(), consortium_run(), consortium_run()}, {"a.h5", "b.h5", "c.h5"});
  const std::string table = out.str();
  EXPECT_EQ(table.find("ratio"), std::string::npos) << table;
  EXPECT_EQ(cells(table, "messages"), (Cells{"100", "250", "250"})) << table;
  EXPECT_EQ(cells(table, "blocks"), (Cells{"-", "96", "96"})) << table;
}

TEST(Compare, ColumnsAreAlignedWithoutTrailingBlanks) {
  std::ostringstream out;
  print_comparison(out, {centralized_run(), consortium_run()}, {"a.h5", "b.h5"});
  std::istringstream in(out.str());
  std::size_t with_ratio = 0, without_ratio = 0;  // line lengths: every row ends in one of two columns
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    ASSERT_FALSE(line.empty());
    EXPECT_NE(line.back(), ' ') << "trailing blank: " << line;
    const bool ratio_row = lines < 2 || line.rfind("messages", 0) == 0 || line.rfind("bytes  ", 0) == 0 ||
                           line.rfind("latency p50", 0) == 0 || line.rfind("latency p90", 0) == 0;
    std::size_t& width = ratio_row ? with_ratio : without_ratio;
    if (width == 0) width = line.size();
    EXPECT_EQ(line.size(), width) << line;
  }
  EXPECT_EQ(lines, 30);  // two header lines and 28 rows
  EXPECT_EQ(with_ratio, without_ratio + 2 + 12);  // the gap and the ratio column
}

TEST(Compare, LabelsMustMatchSummaries) {
  std::ostringstream out;
  EXPECT_THROW(print_comparison(out, {centralized_run(), consortium_run()}, {"a.h5"}), std::invalid_argument);
}

}  // namespace
}  // namespace ebsim::analysis
