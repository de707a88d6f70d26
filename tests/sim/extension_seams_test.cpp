// The extension seams end to end: a participant kind and a trace table that exist only in this
// test file are registered through the seams a researcher uses (ParticipantKindRegistration,
// EBSIM_TRACE_TABLE) and run through the real scenario parser, runtime, market design,
// settlement and trace writer. Nothing outside this file knows them.
//
// The kind, "test_heater", is an electric heater drawing a constant `power` and buying it on the
// market at a fixed limit price `bid`; each of its final orders goes into its own table,
// /test_heater_orders. Hand-worked: 3 heaters of 2 kW over 8 intervals of 15 minutes buy
// 2 x 0.25 = 0.5 kWh each per interval: 24 orders of 0.5 kWh, and /settlement meters 0.5 kWh of
// load per heater and interval, which the market plus the utility supply.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simgrid/s4u/Engine.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "models/agents/ordering_agent.hpp"
#include "models/core/units.hpp"
#include "sim/participant_kind.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"
#include "sim/trace/records.hpp"
#include "sim/trace/trace_reader.hpp"

namespace ebsim::trace {
// The test-only table: one schema line set, nothing else to edit.
#define EBSIM_TRACE_TEST_HEATER_COLUMNS(COLUMN)                      \
  COLUMN(std::uint32_t, participant, 0, "", "the heater")            \
  COLUMN(std::uint32_t, interval, 0, "", "delivery interval")        \
  COLUMN(double, wanted_kwh, 0.0, "kWh", "what it ordered")          \
  COLUMN(double, matched_kwh, 0.0, "kWh", "what the market matched")
EBSIM_TRACE_TABLE(TestHeaterRecord, "/test_heater_orders", "one row per heater order (test only)",
                  kSmallTableMaxChunkRows, EBSIM_TRACE_TEST_HEATER_COLUMNS);
}  // namespace ebsim::trace

namespace ebsim::sim {
namespace {

/** The heater's model: constant load, bids at its own price. */
class Heater final : public agents::OrderingAgent {
 public:
  Heater(agents::AgentParams agent, double power_kw, double bid_per_kwh)
      : OrderingAgent(std::move(agent)), power_kw_(power_kw), bid_per_kwh_(bid_per_kwh) {}

 private:
  double meter_interval(IntervalIndex, market::MeterReading& m) override {
    m.load_kwh = power_kw_ * agent_params().timing.interval_h();
    return m.load_kwh;
  }
  double limit_price_per_kwh(NodeContext&, market::Side, double) override { return bid_per_kwh_; }
  double power_kw_, bid_per_kwh_;
};

/** The kind's part of a group, and how it builds a member (its orders go to the test table). */
struct HeaterSpec final : KindSpec {
  double power_kw = 0.0;
  double bid_per_kwh = 0.0;
  Member make_member(const MemberContext& ctx, agents::AgentParams agent) const override {
    Member m;
    m.agent = std::make_unique<Heater>(std::move(agent), power_kw, bid_per_kwh);
    trace::TraceWriter& writer = ctx.writer;
    m.agent->order_completed.connect([&writer](const agents::OrderOutcome& o) {
      writer.add(trace::TestHeaterRecord{o.order.participant, o.order.interval, o.order.quantity_kwh, o.matched_kwh});
    });
    return m;
  }
};

/** The kind: its name, trace code, keys and their reader. */
class HeaterKind final : public ParticipantKind {
 public:
  std::string_view name() const override { return "test_heater"; }
  std::uint8_t trace_code() const override { return 77; }
  std::span<const std::string_view> keys() const override { return kKeys; }
  bool uses_strategy() const override { return false; }
  std::shared_ptr<const KindSpec> read(const scenario_yaml::MapView& map,
                                       const scenario_sections::GroupContext&) const override {
    auto spec = std::make_shared<HeaterSpec>();
    spec->power_kw = map.required("power", "a power such as \"2kW\"").quantity(units::parse_power_kw);
    spec->bid_per_kwh = map.required("bid", "a price such as \"0.25/kWh\"").quantity(units::parse_price_per_kwh);
    return spec;
  }

 private:
  static constexpr std::string_view kKeys[]{"power", "bid"};
};

const ParticipantKindRegistration<HeaterKind> kHeater;  // the one registry line

constexpr const char* kScenario = R"(name: heaters
seed: 5
start: "2026-06-21T11:00:00+02:00"
duration: 2h
participants:
  - name: heaters
    type: test_heater
    count: 3
    power: 2kW
    bid: 0.25/kWh
  - name: roofs
    type: prosumer
    count: 2
    load: {profile: synthetic, daily_energy: 5kWh}
    pv: {profile: synthetic, peak_power: 4kW}
)";

/** A fixed directory: the death test's child re-runs the test body in a new process, and must find it. */
std::filesystem::path test_dir(const std::string& test) {
  const auto dir = std::filesystem::temp_directory_path() / ("ebsim_seams_" + test);
  std::filesystem::create_directories(dir);
  return dir;
}

/** Parse and run the scenario in this process (SimGrid: one engine per process, so in a child). */
void run_in_child(const std::string& scenario_path, const std::string& trace_path) {
  int argc = 1;
  char name[] = "ebsim_tests";
  char* argv[] = {name, nullptr};
  simgrid::s4u::Engine engine(&argc, argv);
  const Scenario sc = load_scenario(scenario_path);
  run_scenario(sc, RunOptions{trace_path, false});
  std::exit(0);
}

TEST(ExtensionSeams, ATestOnlyKindAndTableRunEndToEnd) {
  const auto dir = test_dir("end_to_end");
  const std::string scenario = (dir / "heaters.yaml").string(), trace = (dir / "heaters.h5").string();
  std::ofstream(scenario) << kScenario;
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process: no engine of other tests
  std::filesystem::remove(trace);
  ASSERT_EXIT(run_in_child(scenario, trace), ::testing::ExitedWithCode(0), "");

  const auto heater_rows = trace::read_table<trace::TestHeaterRecord>(trace);
  ASSERT_EQ(heater_rows.size(), 3u * 8u);
  for (const auto& row : heater_rows) {
    EXPECT_LT(row.participant, 3u);
    EXPECT_NEAR(row.wanted_kwh, 0.5, 1e-12);
    EXPECT_GE(row.matched_kwh, 0.0);
    EXPECT_LE(row.matched_kwh, 0.5 + 1e-12);
  }
  const auto groups = trace::read_table<trace::GroupRecord>(trace);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].type, 77);
  EXPECT_EQ(groups[1].type, 0);
  double heater_load = 0.0, heater_supplied = 0.0;
  for (const auto& line : trace::read_table<trace::SettlementRecord>(trace)) {
    if (line.participant >= 3) continue;
    EXPECT_NEAR(line.load_kwh, 0.5, 1e-12);
    heater_load += line.load_kwh;
    heater_supplied += line.market_buy_kwh + line.utility_import_kwh;
  }
  EXPECT_NEAR(heater_load, 3 * 8 * 0.5, 1e-9);
  EXPECT_NEAR(heater_supplied, heater_load, 1e-9);
  // The market matched in the table what settlement says the heaters bought.
  double matched = 0.0, bought = 0.0;
  for (const auto& row : heater_rows) matched += row.matched_kwh;
  for (const auto& line : trace::read_table<trace::SettlementRecord>(trace))
    if (line.participant < 3) bought += line.market_buy_kwh;
  EXPECT_NEAR(matched, bought, 1e-9);
  EXPECT_GT(matched, 0.0) << "at 11:00-13:00 in June the roofs have surplus to sell";
  std::filesystem::remove_all(dir);
}

TEST(ExtensionSeams, TheTestKindReadsItsOwnKeysAndRefusesOthers) {
  const auto dir = test_dir("own_keys");
  const std::string scenario = (dir / "bad.yaml").string();
  std::string text = kScenario;
  text.replace(text.find("    bid: 0.25/kWh"), 17, "    bid: 0.25/kWh\n    pv: {profile: synthetic, peak_power: 1kW}");
  std::ofstream(scenario) << text;
  try {
    load_scenario(scenario);
    ADD_FAILURE() << "a pv key on a test_heater group was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("participants[heaters].pv: expected no 'pv' key with type: test_heater"));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ebsim::sim
