// analysis/bills: the per-group bills of summarize_trace / print_summary, on a small synthetic
// trace written with TraceWriter whose bills are worked out by hand below.
#include "analysis/bills.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>

#include "analysis/report.hpp"
#include "sim/scenario.hpp"
#include "sim/trace/records.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ebsim::analysis {
namespace {

namespace fs = std::filesystem;
using namespace ebsim::trace;

RunMetadata metadata() {
  RunMetadata m;
  m.ebsim_version = "0.1.0-test";
  m.scenario_name = "bills-test";
  m.seed = 1;
  m.market_design = "centralized";
  m.clearing_rule = "pay_as_clear";
  m.network_model = "CM02";
  m.currency = "EUR";
  m.start_iso = "2024-06-01T00:00:00+02:00";
  m.interval_s = 900.0;
  m.interval_count = 2;
  m.participant_count = 3;
  return m;
}

GroupRecord group(std::uint32_t index, const char* name, std::uint32_t count) {
  GroupRecord row;
  row.group = index;
  std::memcpy(row.name, name, std::min(std::strlen(name), sizeof row.name));
  row.count = count;
  return row;
}

ParticipantRecord participant(std::uint32_t id, std::uint32_t in_group) {
  ParticipantRecord row;
  row.participant = id;
  row.group = in_group;
  return row;
}

/** A settlement row; market, fee and utility payments as given, total their sum. */
SettlementRecord line(std::uint32_t k, std::uint32_t who, double load, double pv, double charge, double discharge,
                      double import_kwh, double export_kwh, double market, double fee, double utility) {
  SettlementRecord row;
  row.interval = k;
  row.participant = who;
  row.load_kwh = load;
  row.pv_kwh = pv;
  row.battery_charge_kwh = charge;
  row.battery_discharge_kwh = discharge;
  row.utility_import_kwh = import_kwh;
  row.utility_export_kwh = export_kwh;
  row.market_payment = market;
  row.fee_payment = fee;
  row.utility_payment = utility;
  row.total_payment = market + fee + utility;
  return row;
}

/** Retail 0.25, feed-in 0.0625, market price 0.125, exchange fee 0.03125 per kWh and side (all
 * exact in binary). Groups: "prosumers" = participants 0 and 1, "consumers" = participant 2.
 *
 * Interval 0: P0 load 1, PV 3: surplus 2, sold on the market: -2 x 0.125 + 2 x 0.03125 = -0.1875.
 *             P1 load 1, PV 2, charges 0.5: surplus 0.5, exported: -0.5 x 0.0625 = -0.03125.
 *             P2 load 3: buys P0's 2 (0.25 + fee 0.0625) and imports 1 (0.25): 0.5625.
 * Interval 1: P0 load 2: imports 2: 0.5.  P1 load 1, discharges 0.5: imports 0.5: 0.125.
 *             P2 load 1: imports 1: 0.25.
 * Bills: prosumers (0.3125 + 0.09375) / 2 = 0.203125; consumers 0.8125.
 * Utility only (each interval's net flow at the tariffs): P0 -2 x 0.0625 + 2 x 0.25 = 0.375,
 *   P1 -0.5 x 0.0625 + 0.5 x 0.25 = 0.09375: prosumers 0.234375; consumers 4 x 0.25 = 1.0. */
void write_trace(const std::string& path, bool with_export = true) {
  TraceWriter writer(path);
  writer.add(group(0, "prosumers", 2));
  writer.add(group(1, "consumers", 1));
  writer.add(participant(0, 0));
  writer.add(participant(1, 0));
  writer.add(participant(2, 1));
  writer.add(line(0, 0, 1, 3, 0, 0, 0, 0, -0.25, 0.0625, 0));
  if (with_export) writer.add(line(0, 1, 1, 2, 0.5, 0, 0, 0.5, 0, 0, -0.03125));
  else writer.add(line(0, 1, 1, 2, 0.5, 0, 0, 0, -0.0625, 0.015625, 0));  // sells its 0.5 instead
  writer.add(line(0, 2, 3, 0, 0, 0, 1, 0, 0.25, 0.0625, 0.25));
  writer.add(line(1, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0.5));
  writer.add(line(1, 1, 1, 0, 0, 0.5, 0.5, 0, 0, 0, 0.125));
  writer.add(line(1, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0.25));
  writer.commit(metadata());
}

class BillsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("ebsim_" + std::string(test->test_suite_name()) + "_" + test->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(BillsTest, MeanBillPerMemberAndUtilityOnlyBillMatchHandComputation) {
  const std::string trace = path("bills.h5");
  write_trace(trace);
  const RunSummary s = summarize_trace(trace);
  ASSERT_EQ(s.bills.size(), 2u);
  EXPECT_EQ(s.bills[0].name, "prosumers");
  EXPECT_EQ(s.bills[0].members, 2u);
  EXPECT_DOUBLE_EQ(s.bills[0].bill_per_member, 0.203125);
  EXPECT_DOUBLE_EQ(s.bills[0].utility_only_per_member, 0.234375);
  EXPECT_EQ(s.bills[1].name, "consumers");
  EXPECT_EQ(s.bills[1].members, 1u);
  EXPECT_DOUBLE_EQ(s.bills[1].bill_per_member, 0.8125);
  EXPECT_DOUBLE_EQ(s.bills[1].utility_only_per_member, 1.0);

  std::ostringstream table;
  print_summary(table, s);
  const std::string text = table.str();
  EXPECT_NE(text.find("Bills (mean per member over the run: paid minus received)"), std::string::npos);
  EXPECT_NE(text.find("  prosumers (2)                         0.20 EUR (utility only: 0.23)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  consumers (1)                         0.81 EUR (utility only: 1.00)\n"), std::string::npos)
      << text;
}

TEST_F(BillsTest, UtilityOnlyBillIsUnknownWhenTheTraceShowsNoFeedInTariff) {
  // Nobody exported, so the trace does not show the feed-in tariff; the prosumers had a surplus
  // to price with it, the consumers did not.
  const std::string trace = path("no_export.h5");
  write_trace(trace, /*with_export=*/false);
  const RunSummary s = summarize_trace(trace);
  ASSERT_EQ(s.bills.size(), 2u);
  EXPECT_TRUE(std::isnan(s.bills[0].utility_only_per_member));
  EXPECT_DOUBLE_EQ(s.bills[0].bill_per_member, (-0.1875 + 0.5 + (-0.0625 + 0.015625) + 0.125) / 2.0);
  EXPECT_DOUBLE_EQ(s.bills[1].utility_only_per_member, 1.0);
  std::ostringstream table;
  print_summary(table, s);
  EXPECT_NE(table.str().find("(utility only: -)"), std::string::npos);
}

TEST_F(BillsTest, SettlementOfAnUnknownParticipantIsAnInputError) {
  const std::string trace = path("orphan.h5");
  {
    TraceWriter writer(trace);
    writer.add(group(0, "prosumers", 1));
    writer.add(participant(0, 0));
    writer.add(line(0, 5, 1, 0, 0, 0, 1, 0, 0, 0, 0.25));
    writer.commit(metadata());
  }
  EXPECT_THROW(summarize_trace(trace), sim::InputError);
}

}  // namespace
}  // namespace ebsim::analysis
