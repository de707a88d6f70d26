// End-to-end runs of the consortium design (issue 3): the chain verifies and every byte of it
// is protected, the market outcome equals the centralized design's for the same population,
// real and modeled crypto agree, runs are byte-identical, faults are survived and reported.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/records.hpp"
#include "sim/trace/trace_reader.hpp"
#include "sim/verify_command.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/e2e/trace_outcome.hpp"

namespace ebsim::test {
namespace {

// A short, small version of the shipped scenario: 4 midday hours, fewer members per group.
const std::string kSmall =
    "scenarios/consortium/transnational.yaml -q --set start=2026-06-21T10:00:00+02:00 --set duration=4h "
    "--set participants.north_pv.count=4 --set participants.north_homes.count=3 "
    "--set participants.centre_pv.count=3 --set participants.centre_homes.count=3 "
    "--set participants.south_pv.count=4 --set participants.south_homes.count=2";

std::string run_small(const std::filesystem::path& dir, const std::string& name, const std::string& extra = "") {
  const std::string trace = (dir / (name + ".h5")).string();
  const CliResult r = run_cli("run " + kSmall + " " + extra + " -o '" + trace + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return trace;
}

TEST(ConsortiumRun, ChainVerifiesAndHoldsEveryTrade) {
  const auto dir = fresh_dir("consortium-verify");
  const std::string trace = run_small(dir, "run");
  const CliResult v = run_cli("verify '" + trace + "'");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("intact"), std::string::npos) << v.out;

  const auto blocks = trace::read_table<trace::BlockRecord>(trace);
  const auto rounds = trace::read_table<trace::RoundRecord>(trace);
  const auto intervals = trace::read_table<trace::IntervalRecord>(trace);
  ASSERT_EQ(blocks.size(), intervals.size()) << "one block per interval, empty ones included";
  ASSERT_EQ(rounds.size(), intervals.size());
  for (std::size_t h = 0; h < blocks.size(); ++h) {
    EXPECT_EQ(blocks[h].height, h);
    EXPECT_GE(blocks[h].first_appended_s, rounds[blocks[h].interval].gate_closure_s);
  }
  // The chain's transactions are exactly the settled trades.
  std::multiset<std::tuple<std::uint64_t, std::uint64_t, double>> chained, traded;
  for (const auto& t : trace::read_table<trace::BlockTransactionRecord>(trace))
    chained.insert({t.buy_order, t.sell_order, t.quantity_kwh});
  for (const auto& t : trace::read_table<trace::TradeRecord>(trace)) traded.insert({t.buy_order, t.sell_order, t.quantity_kwh});
  EXPECT_FALSE(traded.empty()) << "midday with PV sellers: the market should trade";
  EXPECT_EQ(chained, traded);

  // Block sizes on the wire, from the default message_sizes (scenarios/README.md): header 160 B,
  // signature 64 B, trade record 110 B; the primary's signature, and per trade the buyer's, the
  // seller's and one per co-signing node.
  std::map<std::uint64_t, double> expected_bytes;
  for (const auto& b : blocks) expected_bytes[b.height] = 160.0 + 64.0;
  for (const auto& t : trace::read_table<trace::BlockTransactionRecord>(trace)) expected_bytes[t.height] += 110.0 + 2 * 64.0;
  for (const auto& s : trace::read_table<trace::BlockSignatureRecord>(trace)) expected_bytes[s.height] += 64.0;
  for (const auto& b : blocks) EXPECT_DOUBLE_EQ(b.bytes, expected_bytes[b.height]) << "height " << b.height;
}

TEST(ConsortiumRun, SameMarketOutcomeAsTheCentralizedDesign) {
  // Same population, orders and rule: the designs differ in how orders travel and how the
  // result is agreed, not in who trades what (no faults, latencies far below the windows).
  const auto dir = fresh_dir("consortium-vs-centralized");
  const std::string consortium = run_small(dir, "consortium");
  const std::string centralized = run_small(dir, "centralized", "--set market.design=centralized");
  EXPECT_EQ(market_outcome(consortium), market_outcome(centralized));
}

TEST(ConsortiumRun, RealAndModeledCryptoGiveTheSameMarketOutcome) {
  // Modeled crypto charges the same calibrated CPU time without doing the work, so orders
  // arrive and clear exactly as with real crypto; the modeled chain (no party signatures)
  // still verifies.
  const auto dir = fresh_dir("consortium-modeled");
  const std::string real = run_small(dir, "real");
  const std::string modeled = run_small(dir, "modeled", "--set consortium.crypto.mode=modeled");
  EXPECT_FALSE(market_outcome(real).empty());
  EXPECT_EQ(market_outcome(real), market_outcome(modeled));
  const CliResult v = run_cli("verify '" + modeled + "'");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(ConsortiumRun, PbftAgreementCountsTwoNTimesNMinusOneMessagesPerRound) {
  // PBFT among the n = 3 management nodes (models/consensus/pbft.hpp's counting convention:
  // messages on the wire, none to oneself): pre-prepare n-1, prepare (n-1)^2 (each backup to
  // every other node), commit n(n-1); sum 2n(n-1) = 12 per round without faults.
  const auto dir = fresh_dir("consortium-pbft");
  const std::string pbft = run_small(dir, "pbft", "--set consortium.agreement=pbft");
  const std::string rotating = run_small(dir, "rotating");
  const CliResult v = run_cli("verify '" + pbft + "'");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(market_outcome(pbft), market_outcome(rotating));

  const std::uint64_t n = 3;
  const std::uint64_t rounds = trace::read_table<trace::RoundRecord>(pbft).size();
  ASSERT_EQ(rounds, 16u);  // 4 h of 15-minute intervals
  std::uint64_t pre_prepare = 0, prepare = 0, commit = 0, view_change = 0;
  for (const auto& m : trace::read_table<trace::MessageStatRecord>(pbft)) {
    const std::string type = m.type;
    if (type == "pbft_pre_prepare") pre_prepare = m.count;
    if (type == "pbft_prepare") prepare = m.count;
    if (type == "pbft_commit") commit = m.count;
    if (type == "pbft_view_change") view_change = m.count;
  }
  EXPECT_EQ(pre_prepare, rounds * (n - 1));
  EXPECT_EQ(prepare, rounds * (n - 1) * (n - 1));
  EXPECT_EQ(commit, rounds * n * (n - 1));
  EXPECT_EQ(pre_prepare + prepare + commit, rounds * 2 * n * (n - 1));
  EXPECT_EQ(view_change, 0u);
}

TEST(ConsortiumRun, Sm3Sm2SuiteVerifies) {
  const auto dir = fresh_dir("consortium-sm2");
  const std::string trace = run_small(dir, "sm2", "--set consortium.crypto.suite=sm3-sm2");
  const CliResult v = run_cli("verify '" + trace + "'");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("sm3-sm2"), std::string::npos);
}

TEST(ConsortiumRun, SameSeedByteIdenticalTrace) {
  const auto dir = fresh_dir("consortium-determinism");
  const std::string a = run_small(dir, "a");
  const std::string b = run_small(dir, "b");
  EXPECT_EQ(read_file(a), read_file(b));
}

// ---- Tampering: every byte of every ledger field ---------------------------------------------

/** Rewrites one byte of one row of a compound dataset in place (the file's own packed layout). */
class DatasetBytes {
 public:
  DatasetBytes(const std::string& path, const char* dataset) {
    trace::detail::silence_hdf5_error_printing();
    file_ = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    dataset_ = H5Dopen2(file_, dataset, H5P_DEFAULT);
    type_ = H5Dget_type(dataset_);
    const hid_t space = H5Dget_space(dataset_);
    hsize_t rows = 0;
    H5Sget_simple_extent_dims(space, &rows, nullptr);
    H5Sclose(space);
    row_size_ = H5Tget_size(type_);
    data_.resize(rows * row_size_);
    if (rows > 0) H5Dread(dataset_, type_, H5S_ALL, H5S_ALL, H5P_DEFAULT, data_.data());
  }
  ~DatasetBytes() {
    H5Tclose(type_);
    H5Dclose(dataset_);
    H5Fclose(file_);
  }
  std::size_t rows() const { return row_size_ ? data_.size() / row_size_ : 0; }
  int members() const { return H5Tget_nmembers(type_); }
  std::string member_name(int i) const {
    char* name = H5Tget_member_name(type_, i);
    std::string s = name;
    H5free_memory(name);
    return s;
  }
  std::size_t member_offset(int i) const { return H5Tget_member_offset(type_, i); }
  std::size_t member_size(int i) const {
    const hid_t t = H5Tget_member_type(type_, i);
    const std::size_t size = H5Tget_size(t);
    H5Tclose(t);
    return size;
  }
  std::uint8_t& byte(std::size_t row, std::size_t offset) { return data_[row * row_size_ + offset]; }
  std::uint64_t u8_member(std::size_t row, const std::string& name) const {
    for (int i = 0; i < members(); ++i)
      if (member_name(i) == name) return data_[row * row_size_ + member_offset(i)];
    return 0;
  }
  void write() { H5Dwrite(dataset_, type_, H5S_ALL, H5S_ALL, H5P_DEFAULT, data_.data()); }

 private:
  hid_t file_ = -1, dataset_ = -1, type_ = -1;
  std::size_t row_size_ = 0;
  std::vector<std::uint8_t> data_;
};

/** Bytes of a blob column that belong to the ledger (those within its *_length). */
std::size_t used_blob_bytes(const DatasetBytes& table, std::size_t row, const std::string& column) {
  return table.u8_member(row, column + "_length");
}

TEST(ConsortiumRun, VerifyCatchesAFlippedByteInEveryLedgerField) {
  const auto dir = fresh_dir("consortium-tamper");
  const std::string original = run_small(dir, "original");
  ASSERT_TRUE(sim::verify_trace(original).intact);
  const std::string copy = (dir / "tampered.h5").string();

  // Participants that appear in the chain: their keys and areas are what signatures depend on.
  std::set<std::uint32_t> traders;
  for (const auto& t : trace::read_table<trace::BlockTransactionRecord>(original)) {
    traders.insert(t.buyer);
    traders.insert(t.seller);
  }
  const auto keys = trace::read_table<trace::LedgerKeyRecord>(original);
  const auto blocks = trace::read_table<trace::BlockRecord>(original);
  std::size_t first_trading_block = 0;
  while (first_trading_block < blocks.size() && blocks[first_trading_block].transaction_count == 0) ++first_trading_block;
  ASSERT_LT(first_trading_block, blocks.size());
  std::size_t first_trading_key = 0;
  while (!traders.count(keys[first_trading_key].id)) ++first_trading_key;

  struct Target {
    const char* dataset;
    std::size_t row;
    std::set<std::string> skip;  // columns that are not ledger content
  };
  const std::vector<Target> targets = {
      {"/blocks", first_trading_block, {"first_appended_s", "last_appended_s", "bytes"}},
      {"/blocks", blocks.size() - 1, {"first_appended_s", "last_appended_s", "bytes"}},
      {"/block_transactions", 0, {}},
      {"/block_signatures", 0, {}},
      {"/ledger_keys", first_trading_key, {}},
      {"/ledger_keys", keys.size() - 1, {}},  // a management node's key
  };
  std::size_t flips = 0;
  for (const Target& target : targets) {
    std::filesystem::copy_file(original, copy, std::filesystem::copy_options::overwrite_existing);
    std::vector<std::tuple<std::string, std::size_t, std::size_t>> fields;  // column, offset, bytes
    {
      DatasetBytes table(copy, target.dataset);
      ASSERT_LT(target.row, table.rows()) << target.dataset;
      for (int m = 0; m < table.members(); ++m) {
        const std::string name = table.member_name(m);
        if (target.skip.count(name)) continue;
        std::size_t size = table.member_size(m);
        if (size == trace::kBlobLength) size = used_blob_bytes(table, target.row, name);
        fields.emplace_back(name, table.member_offset(m), size);
      }
    }
    for (const auto& [column, offset, size] : fields) {
      for (std::size_t b = 0; b < size; ++b) {
        std::filesystem::copy_file(original, copy, std::filesystem::copy_options::overwrite_existing);
        {
          DatasetBytes table(copy, target.dataset);
          table.byte(target.row, offset + b) ^= 0x01;
          table.write();
        }
        const sim::VerifyOutcome v = sim::verify_trace(copy);
        EXPECT_FALSE(v.intact) << target.dataset << " row " << target.row << " column " << column << " byte " << b;
        ++flips;
      }
    }
  }
  EXPECT_GT(flips, 500u);
}

// ---- Faults and adversaries --------------------------------------------------------------

TEST(ConsortiumRun, SurvivesCrashByzantinePrimaryMisreportAndLossyLink) {
  const auto dir = fresh_dir("consortium-faults");
  const std::string trace = (dir / "faults.h5").string();
  const CliResult r = run_cli("run scenarios/consortium/faults.yaml -q -o '" + trace + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;  // invariants (no lost order, no fork, liveness) held
  EXPECT_EQ(run_cli("verify '" + trace + "'").exit_code, 0);

  const auto failovers = trace::read_table<trace::FailoverRecordRow>(trace);
  const auto refusals = trace::read_table<trace::RefusalRecord>(trace);
  const auto disputes = trace::read_table<trace::DisputeRecordRow>(trace);
  EXPECT_FALSE(failovers.empty()) << "the crashed primary and the Byzantine primary are both replaced";
  EXPECT_FALSE(refusals.empty()) << "honest centres refuse the Byzantine primary's altered result";
  for (const auto& f : refusals) EXPECT_EQ(f.primary, 2u) << "only south (index 2) is Byzantine";
  ASSERT_FALSE(disputes.empty()) << "north's participants dispute its halved results";
  for (const auto& d : disputes) {
    EXPECT_TRUE(d.upheld);
    EXPECT_GT(d.resolved_s, d.raised_s);
  }
  // Some messages on the lossy link were lost.
  std::uint64_t lost = 0;
  for (const auto& m : trace::read_table<trace::MessageStatRecord>(trace)) lost += m.lost;
  EXPECT_GT(lost, 0u);
  // The recovering centre caught up: it appended every block.
  const auto appends = trace::read_table<trace::BlockAppendRecord>(trace);
  const auto blocks = trace::read_table<trace::BlockRecord>(trace);
  std::set<std::uint64_t> centre_heights;
  for (const auto& a : appends)
    if (a.node == 1) centre_heights.insert(a.height);
  EXPECT_EQ(centre_heights.size(), blocks.size());
}

// ---- Bad input -----------------------------------------------------------------------------

struct BadConsortiumCase {
  const char* name;
  const char* overrides;
  const char* expected;  // part of the message
};

class ConsortiumBadInput : public ::testing::TestWithParam<BadConsortiumCase> {};

TEST_P(ConsortiumBadInput, IsRejectedWithExitCode2) {
  const BadConsortiumCase& c = GetParam();
  const CliResult r = run_cli("validate scenarios/consortium/transnational.yaml " + std::string(c.overrides));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConsortiumBadInput,
    ::testing::Values(
        BadConsortiumCase{"UnknownNode", "--set participants.north_pv.management_node=west",
                          "participants[north_pv].management_node"},
        BadConsortiumCase{"RotationMissesANode", "--set 'consortium.rotation.order=[north, centre]'",
                          "consortium.rotation.order"},
        BadConsortiumCase{"UnknownSuite", "--set consortium.crypto.suite=md5-rsa", "consortium.crypto.suite"},
        BadConsortiumCase{"UnknownAgreement", "--set consortium.agreement=raft", "consortium.agreement"},
        BadConsortiumCase{"CrashOfUnknownNode", "--set 'faults={crashes: [{node: west, at: 1h, duration: 10min}]}'",
                          "faults.crashes[0].node"},
        BadConsortiumCase{"LinkFaultWithoutEffect",
                          "--set 'faults={links: [{between: [north, south], from: 1h, until: 2h}]}'",
                          "loss > 0 or extra_delay > 0"},
        BadConsortiumCase{"PeriodBackwards",
                          "--set 'faults={misreports: [{node: north, from: 2h, until: 1h}]}'",
                          "faults.misreports[0].until"},
        BadConsortiumCase{"UnknownKey", "--set consortium.primary=north", "consortium.primary"}),
    [](const ::testing::TestParamInfo<BadConsortiumCase>& info) { return info.param.name; });

}  // namespace
}  // namespace ebsim::test
