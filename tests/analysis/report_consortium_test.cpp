// analysis/report: the consortium section of summarize_trace / print_summary, on small
// synthetic traces written with TraceWriter whose expected figures are worked out by hand.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/report.hpp"
#include "sim/scenario.hpp"
#include "sim/trace/records.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ebsim::analysis {
namespace {

namespace fs = std::filesystem;
using namespace ebsim::trace;

template <std::size_t N>
void set_name(char (&field)[N], const char* name) {
  std::memcpy(field, name, std::min(std::strlen(name), N));  // NUL-padded: field starts zeroed
}

RunMetadata metadata(const std::string& design) {
  RunMetadata m;
  m.ebsim_version = "0.1.0-test";
  m.scenario_name = "report-consortium-test";
  m.seed = 7;
  m.market_design = design;
  if (design == "consortium") {
    m.consortium_agreement = "pbft";
    m.crypto_suite = "sha256-ed25519";
    m.crypto_mode = "real";
  }
  m.clearing_rule = "pay_as_clear";
  m.network_model = "CM02";
  m.currency = "EUR";
  m.start_iso = "2024-06-01T00:00:00+02:00";
  m.interval_s = 900.0;
  m.interval_count = 3;
  m.participant_count = 4;
  return m;
}

MessageStatRecord message(const char* type, std::uint64_t count, std::uint64_t bytes, std::uint64_t lost) {
  MessageStatRecord row;
  set_name(row.type, type);
  row.count = count;
  row.bytes = bytes;
  row.lost = lost;
  return row;
}

LinkMessageRecord link(const char* type, const char* from, const char* to, std::uint64_t count, std::uint64_t bytes,
                       std::uint64_t lost) {
  LinkMessageRecord row;
  set_name(row.type, type);
  set_name(row.from_role, from);
  set_name(row.to_role, to);
  row.count = count;
  row.bytes = bytes;
  row.lost = lost;
  return row;
}

BlockTransactionRecord transaction(std::uint64_t height, std::uint32_t index, double buy_submitted_s,
                                   double sell_submitted_s) {
  BlockTransactionRecord row;
  row.height = height;
  row.index = index;
  row.buy_submitted_s = buy_submitted_s;
  row.sell_submitted_s = sell_submitted_s;
  return row;
}

/** The hand-built consortium trace (every number below is chosen so that the expected figures
 * in the tests can be worked out by hand; times are exact in binary).
 *
 * Blocks (height: transactions, first_appended_s): 0: 1, 1000; 1: 2, 1900; 2: 1, 3400.
 * Transactions (height: buy_submitted_s, sell_submitted_s -> latency = appended - later of both):
 *   0: 900, 950 -> 50;  1: 1810, 1700 -> 90;  1: 1600, 1650 -> 250;  2: 3000, 3390 -> 10.
 * Rounds (interval: gate_closure_s, final_s -> round time): 0: 840, 1000 -> 160;
 *   1: 1740, 2040 -> 300;  2: 2640, 3400 -> 760.  Failovers: one in interval 1, two in 2.
 * Refusals: 2.  Disputes (raised, resolved, upheld): (100, 160, 1), (200, 290, 0), (300, -1, 0).
 * CPU (crypto, clearing): participants (0.5, 0); node 0 (1.25, 0.75); node 1 (2.0, 0.25).
 * Links: bid p->mn 10 msg 1000 B 1 lost; result mn->p 8 msg 400 B; proposal mn->mn 4 msg 4000 B;
 *   ack p->mn 2 msg 100 B. */
void write_consortium_trace(const std::string& path, bool with_orphan_transaction = false) {
  TraceWriter writer(path);
  const double appended_s[] = {1000.0, 1900.0, 3400.0};
  const std::uint32_t counts[] = {1, 2, 1};
  for (std::uint32_t h = 0; h < 3; ++h) {
    BlockRecord row;
    row.height = h;
    row.interval = h;
    row.timestamp_s = appended_s[h] - 5.0;
    row.transaction_count = counts[h];
    row.first_appended_s = appended_s[h];
    row.last_appended_s = appended_s[h] + 10.0;
    writer.add(row);
  }
  writer.add(transaction(0, 0, 900.0, 950.0));
  writer.add(transaction(1, 0, 1810.0, 1700.0));
  writer.add(transaction(1, 1, 1600.0, 1650.0));
  writer.add(transaction(2, 0, 3000.0, 3390.0));
  if (with_orphan_transaction) writer.add(transaction(9, 0, 3000.0, 3000.0));

  const double gate_s[] = {840.0, 1740.0, 2640.0}, final_s[] = {1000.0, 2040.0, 3400.0};
  for (std::uint32_t k = 0; k < 3; ++k) {
    RoundRecord row;
    row.interval = k;
    row.attempts = k + 1;
    row.gate_closure_s = gate_s[k];
    row.proposal_s = gate_s[k] + 30.0;
    row.final_s = final_s[k];
    row.height = k;
    row.trades = counts[k];
    writer.add(row);
  }
  writer.add(FailoverRecordRow{1, 1, 2, 1800.0});
  writer.add(FailoverRecordRow{2, 2, 3, 2700.0});
  writer.add(FailoverRecordRow{2, 3, 0, 3000.0});
  for (std::uint32_t k = 1; k < 3; ++k) {
    RefusalRecord row{k, 0, k, 100.0 * k, {}};
    set_name(row.reason, "bad_price");
    writer.add(row);
  }
  writer.add(DisputeRecordRow{0, 1, 11, 100.0, 160.0, 1, 1});
  writer.add(DisputeRecordRow{1, 2, 12, 200.0, 290.0, 2, 0});
  writer.add(DisputeRecordRow{2, 3, 13, 300.0, -1.0, 0, 0});

  CpuRecord participants{};
  set_name(participants.role, "participants");
  participants.crypto_s = 0.5;
  writer.add(participants);
  for (std::uint32_t node = 0; node < 2; ++node) {
    CpuRecord row{};
    set_name(row.role, "management_node");
    row.id = node;
    row.crypto_s = node == 0 ? 1.25 : 2.0;
    row.clearing_s = node == 0 ? 0.75 : 0.25;
    writer.add(row);
  }

  writer.add(message("bid", 10, 1000, 1));
  writer.add(message("result", 8, 400, 0));
  writer.add(message("proposal", 4, 4000, 0));
  writer.add(message("ack", 2, 100, 0));
  writer.add(link("bid", "participant", "management_node", 10, 1000, 1));
  writer.add(link("result", "management_node", "participant", 8, 400, 0));
  writer.add(link("proposal", "management_node", "management_node", 4, 4000, 0));
  writer.add(link("ack", "participant", "management_node", 2, 100, 0));
  writer.commit(metadata("consortium"));
}

class ReportConsortiumTest : public ::testing::Test {
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

/** The printed line of `label` (the first line, after the first occurrence of `after`, that
 * starts with "  " + label), or "". */
std::string line_of(const std::string& table, const std::string& label, const std::string& after = "") {
  const std::size_t from = table.find(after);
  if (from == std::string::npos) return "";
  std::istringstream in(table.substr(from));
  for (std::string line; std::getline(in, line);)
    if (line.rfind("  " + label, 0) == 0) return line;
  return "";
}

TEST_F(ReportConsortiumTest, ChainFiguresMatchHandComputation) {
  const std::string trace = path("consortium.h5");
  write_consortium_trace(trace);
  const RunSummary s = summarize_trace(trace);
  const ConsortiumSummary& c = s.consortium;
  EXPECT_EQ(s.market_design, "consortium");
  EXPECT_EQ(c.agreement, "pbft");
  EXPECT_EQ(c.crypto_suite, "sha256-ed25519");
  EXPECT_EQ(c.crypto_mode, "real");
  EXPECT_EQ(c.blocks, 3u);
  EXPECT_EQ(c.transactions, 4u);
  EXPECT_DOUBLE_EQ(c.transactions_per_block_mean, 4.0 / 3.0);
  EXPECT_EQ(c.transactions_per_block_max, 2u);
  // 2 blocks after the first, over 3400 - 1000 = 2400 s = 2/3 h: 3 blocks/h.
  EXPECT_DOUBLE_EQ(c.chain_growth_blocks_per_h, 3.0);
  // Latencies sorted: 10, 50, 90, 250 (n = 4). Nearest rank ceil(p/100 * n):
  // p50 -> rank 2 = 50; p90 -> rank ceil(3.6) = 4 = 250; p99 -> rank 4 = 250.
  // (Linear interpolation would give 70 and 202; a definition change makes these fail.)
  EXPECT_EQ(c.final_latency_p50_s, 50.0);
  EXPECT_EQ(c.final_latency_p90_s, 250.0);
  EXPECT_EQ(c.final_latency_p99_s, 250.0);
  EXPECT_EQ(c.final_latency_max_s, 250.0);
}

TEST_F(ReportConsortiumTest, RoundsFaultsAndRecoveryMatchHandComputation) {
  const std::string trace = path("consortium.h5");
  write_consortium_trace(trace);
  const ConsortiumSummary c = summarize_trace(trace).consortium;
  EXPECT_EQ(c.rounds, 3u);
  // Round times 160, 300, 760: p50 = rank ceil(1.5) = 2 -> 300.
  EXPECT_EQ(c.round_time_p50_s, 300.0);
  EXPECT_EQ(c.round_time_max_s, 760.0);
  EXPECT_EQ(c.failovers, 3u);
  EXPECT_EQ(c.rounds_with_failover, 2u);  // intervals 1 and 2 (interval 2 had two failovers)
  EXPECT_EQ(c.recovery_mean_s, 530.0);    // (300 + 760) / 2
  EXPECT_EQ(c.recovery_max_s, 760.0);
  EXPECT_EQ(c.refusals, 2u);
  EXPECT_EQ(c.disputes, 3u);
  EXPECT_EQ(c.disputes_upheld, 1u);
  EXPECT_EQ(c.disputes_resolved, 2u);
  EXPECT_EQ(c.dispute_resolution_mean_s, 75.0);  // (60 + 90) / 2; the unresolved one is left out
}

TEST_F(ReportConsortiumTest, CpuAndLinkTrafficAreGroupedAndSummed) {
  const std::string trace = path("consortium.h5");
  write_consortium_trace(trace);
  const RunSummary s = summarize_trace(trace);
  const ConsortiumSummary& c = s.consortium;
  ASSERT_EQ(c.cpu.size(), 3u);
  EXPECT_EQ(c.cpu[0].role, "participants");
  EXPECT_EQ(c.cpu[0].crypto_s, 0.5);
  EXPECT_EQ(c.cpu[2].role, "management_node");
  EXPECT_EQ(c.cpu[2].id, 1u);
  EXPECT_EQ(c.cpu[2].clearing_s, 0.25);
  EXPECT_EQ(c.crypto_cpu_s, 3.75);   // 0.5 + 1.25 + 2.0
  EXPECT_EQ(c.clearing_cpu_s, 1.0);  // 0 + 0.75 + 0.25

  ASSERT_EQ(c.links.size(), 3u);  // the two participant -> management_node rows share a link
  EXPECT_EQ(c.links[0].from_role, "participant");
  EXPECT_EQ(c.links[0].to_role, "management_node");
  EXPECT_EQ(c.links[0].count, 12u);
  EXPECT_EQ(c.links[0].bytes, 1100u);
  EXPECT_EQ(c.links[0].lost, 1u);
  ASSERT_EQ(c.links[0].types.size(), 2u);
  EXPECT_EQ(c.links[0].types[0].type, "bid");
  EXPECT_EQ(c.links[0].types[1].type, "ack");
  EXPECT_EQ(c.links[1].from_role, "management_node");
  EXPECT_EQ(c.links[1].to_role, "participant");
  EXPECT_EQ(c.links[2].to_role, "management_node");
  EXPECT_EQ(c.links[2].bytes, 4000u);

  EXPECT_EQ(s.messages_total, 24u);
  EXPECT_EQ(s.bytes_total, 5500u);
  EXPECT_EQ(s.messages_lost, 1u);
}

TEST_F(ReportConsortiumTest, PrintedConsortiumSectionShowsTheFigures) {
  const std::string trace = path("consortium.h5");
  write_consortium_trace(trace);
  std::ostringstream out;
  print_summary(out, summarize_trace(trace));
  const std::string table = out.str();
  for (const char* section : {"Consortium chain", "Bid -> final block", "Rounds and faults", "CPU time",
                              "Traffic by link"})
    EXPECT_NE(table.find(std::string("\n") + section), std::string::npos) << section << " in\n" << table;
  EXPECT_NE(line_of(table, "agreement").find("pbft"), std::string::npos) << table;
  EXPECT_NE(line_of(table, "crypto suite").find("sha256-ed25519"), std::string::npos) << table;
  EXPECT_NE(line_of(table, "chain growth").find("3.00 blocks/h"), std::string::npos) << table;
  EXPECT_NE(line_of(table, "transactions/block mean").find("1.33"), std::string::npos) << table;
  EXPECT_NE(line_of(table, "p90", "Bid -> final block").find("250.0000 s"), std::string::npos) << table;  // the bid -> final block p90
  EXPECT_NE(line_of(table, "recovery time mean").find("530.0000 s"), std::string::npos) << table;
  EXPECT_NE(line_of(table, "dispute resolution mean").find("75.0000 s (2 resolved)"), std::string::npos) << table;
  EXPECT_NE(line_of(table, "management node 1").find("2.000000 s crypto, 0.250000 s clearing"), std::string::npos)
      << table;
  EXPECT_NE(line_of(table, "total").find("3.750000 s crypto, 1.000000 s clearing"), std::string::npos) << table;
  // Network: the lost count, and the lost column on the type that lost messages only.
  EXPECT_NE(line_of(table, "lost").find("1 msg"), std::string::npos) << table;
  EXPECT_NE(line_of(table, "  bid").find("10 msg, 1000 B, 1 lost"), std::string::npos) << table;
  EXPECT_EQ(line_of(table, "  result").find("lost"), std::string::npos) << table;
  // Traffic by link: a heading per link, then its total and its types.
  const std::string link_block = "  participant -> management_node\n";
  const std::size_t at = table.find(link_block);
  ASSERT_NE(at, std::string::npos) << table;
  const std::string after = table.substr(at + link_block.size());
  const std::string total = after.substr(0, after.find('\n'));
  EXPECT_EQ(total.rfind("    total", 0), 0u) << total;
  EXPECT_NE(total.find("12 msg, 1100 B, 1 lost"), std::string::npos) << total;
  EXPECT_NE(table.find("  management_node -> management_node\n"), std::string::npos) << table;
  // Sections come before the invariants, which stay last.
  EXPECT_LT(table.find("Traffic by link"), table.find("Invariants"));
}

TEST_F(ReportConsortiumTest, TransactionOfAMissingBlockIsAnInputErrorNamingFileAndDataset) {
  const std::string trace = path("orphan.h5");
  write_consortium_trace(trace, /*with_orphan_transaction=*/true);
  try {
    summarize_trace(trace);
    FAIL() << "expected an InputError";
  } catch (const sim::InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(trace), std::string::npos) << message;
    EXPECT_NE(message.find("/block_transactions"), std::string::npos) << message;
    EXPECT_NE(message.find("height 9"), std::string::npos) << message;
  }
}

TEST_F(ReportConsortiumTest, EmptyConsortiumTraceIsNanSafe) {
  const std::string trace = path("empty.h5");
  {
    TraceWriter writer(trace);
    writer.commit(metadata("consortium"));
  }
  const RunSummary s = summarize_trace(trace);
  EXPECT_EQ(s.consortium.blocks, 0u);
  EXPECT_TRUE(std::isnan(s.consortium.chain_growth_blocks_per_h));
  EXPECT_TRUE(std::isnan(s.consortium.final_latency_p50_s));
  EXPECT_TRUE(std::isnan(s.consortium.round_time_p50_s));
  EXPECT_TRUE(std::isnan(s.consortium.recovery_mean_s));
  EXPECT_TRUE(std::isnan(s.consortium.dispute_resolution_mean_s));
  std::ostringstream out;
  print_summary(out, s);
  EXPECT_NE(out.str().find("Consortium chain"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("nan"), std::string::npos) << out.str();
}

TEST_F(ReportConsortiumTest, CentralizedTraceHasNoConsortiumSectionAndNoLostLineWithoutLoss) {
  const std::string trace = path("centralized.h5");
  {
    TraceWriter writer(trace);
    writer.add(message("bid", 5, 500, 0));
    writer.add(link("bid", "participant", "exchange", 5, 500, 0));
    writer.commit(metadata("centralized"));
  }
  const RunSummary s = summarize_trace(trace);
  EXPECT_TRUE(s.consortium.links.empty());  // the consortium tables are not read
  std::ostringstream out;
  print_summary(out, s);
  const std::string table = out.str();
  for (const char* absent : {"Consortium", "Traffic by link", "lost", "CPU time"})
    EXPECT_EQ(table.find(absent), std::string::npos) << absent << " in\n" << table;
  // The per-type line keeps its centralized form exactly.
  EXPECT_EQ(line_of(table, "  bid"), "    bid                                    5 msg, 500 B") << table;
}

TEST_F(ReportConsortiumTest, CentralizedTraceShowsLostMessagesWhenAny) {
  const std::string trace = path("lossy.h5");
  {
    TraceWriter writer(trace);
    writer.add(message("bid", 5, 500, 2));
    writer.add(message("result", 3, 90, 0));
    writer.commit(metadata("centralized"));
  }
  std::ostringstream out;
  print_summary(out, summarize_trace(trace));
  const std::string table = out.str();
  EXPECT_NE(line_of(table, "lost").find("2 msg"), std::string::npos) << table;
  EXPECT_NE(line_of(table, "  bid").find("5 msg, 500 B, 2 lost"), std::string::npos) << table;
  EXPECT_EQ(line_of(table, "  result").find("lost"), std::string::npos) << table;
  EXPECT_EQ(table.find("Consortium"), std::string::npos) << table;
}

}  // namespace
}  // namespace ebsim::analysis
