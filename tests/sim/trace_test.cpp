// TraceWriter (sim/trace) and summarize_trace / print_summary (analysis/report).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "analysis/report.hpp"
#include "sim/scenario.hpp"
#include "sim/trace/records.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ebsim::trace {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kOrderCount = 40000;      // > 2 chunks of /orders: exercises block appends
constexpr std::size_t kOrdersWithResult = 100;  // latencies 1..100 s

template <std::size_t N>
void set_name(char (&field)[N], const char* name) {
  std::memcpy(field, name, std::min(std::strlen(name), N));  // NUL-padded: field starts zeroed
}

/** Known rows for every table, and the metadata to commit them with. */
struct SampleTrace {
  std::vector<GroupRecord> groups;
  std::vector<ParticipantRecord> participants;
  std::vector<OrderRecord> orders;
  std::vector<TradeRecord> trades;
  std::vector<IntervalRecord> intervals;
  std::vector<SettlementRecord> settlement;
  std::vector<MessageStatRecord> messages;
  RunMetadata metadata;
};

SampleTrace make_sample() {
  SampleTrace t;
  for (std::uint32_t g = 0; g < 2; ++g) {
    GroupRecord row;
    row.group = g;
    set_name(row.name, g == 0 ? "prosumers" : "consumers");
    row.type = static_cast<std::uint8_t>(g);
    row.count = g == 0 ? 3 : 2;
    row.strategy = static_cast<std::uint8_t>(1 - g);
    t.groups.push_back(row);
  }
  for (std::uint32_t p = 0; p < 5; ++p) {
    ParticipantRecord row;
    row.participant = p;
    row.group = p < 3 ? 0 : 1;
    row.node = 10 + p;
    row.pv_peak_kw = p < 3 ? 4.5 + p : 0.0;
    row.battery_capacity_kwh = p == 0 ? 10.0 : 0.0;
    row.battery_power_kw = p == 0 ? 5.0 : 0.0;
    row.access_latency_s = 0.01 * (p + 1);
    row.access_bandwidth_bytes_per_s = 1.25e6 * (p + 1);
    t.participants.push_back(row);
  }
  for (std::size_t i = 0; i < kOrderCount; ++i) {
    OrderRecord row;
    row.order = 1000 + i;
    row.interval = static_cast<std::uint32_t>(i % 4);
    row.participant = static_cast<std::uint32_t>(i % 5);
    row.side = static_cast<std::uint8_t>(i % 2);
    // The first orders are all accepted; the rest cycle through every status code.
    row.status = static_cast<std::uint8_t>(i < kOrdersWithResult ? 0 : i % 4);
    row.quantity_kwh = 0.5 + 0.125 * static_cast<double>(i % 10);
    row.limit_price_per_kwh = 0.1 + 0.01 * static_cast<double>(i % 7);
    row.submitted_s = 10.5 + 0.25 * static_cast<double>(i);  // exact in binary: latencies stay exact
    row.arrived_s = row.submitted_s + 0.125;
    row.matched_kwh = row.quantity_kwh / 2;
    // Latencies 1..100 s in shuffled order (37 is coprime with 100); the rest got no result.
    if (i < kOrdersWithResult) row.result_received_s = row.submitted_s + static_cast<double>((i * 37) % 100 + 1);
    t.orders.push_back(row);
  }
  for (std::uint32_t i = 0; i < 30; ++i) {
    TradeRecord row;
    row.interval = i % 3;
    row.buy_order = 1000 + 2 * i;
    row.sell_order = 1001 + 2 * i;
    row.buyer = i % 5;
    row.seller = (i + 1) % 5;
    row.quantity_kwh = 1.0 + 0.5 * i;
    row.price_per_kwh = 0.08 + 0.001 * i;
    t.trades.push_back(row);
  }
  const double clearing_prices[] = {0.11, 0.09, 0.13};
  for (std::uint32_t k = 0; k < 4; ++k) {
    IntervalRecord row;
    row.interval = k;
    row.delivery_start_s = 900.0 * k;
    row.delivery_start_unix_s = 1717192800 + 900 * static_cast<std::int64_t>(k);
    row.gate_closure_s = 900.0 * k - 60.0;
    row.bids = 100 + k;
    row.offers = 80 + k;
    row.rejected_late = 3 * k;
    row.rejected_other = k;
    row.trades = 10;
    row.has_price = k < 3 ? 1 : 0;  // the last interval cleared nothing
    row.clearing_price_per_kwh = k < 3 ? clearing_prices[k] : std::numeric_limits<double>::quiet_NaN();
    row.cleared_kwh = 12.5 * k;
    row.declared_welfare = 1.5 + k;
    row.load_kwh = 20.0 + k;
    row.pv_kwh = 8.0 + 0.5 * k;
    row.battery_charge_kwh = 0.25 * k;
    row.battery_discharge_kwh = 0.125 * k;
    row.utility_import_kwh = 6.0 + k;
    row.utility_export_kwh = 1.0 + 0.25 * k;
    row.participants_paid = 3.25 + k;
    row.utility_received = 3.0 + k;
    row.exchange_received = 0.25;
    row.energy_imbalance_kwh = (k % 2 == 0 ? 1e-12 : -3e-12) * (k + 1);
    row.money_imbalance = (k % 2 == 0 ? -5e-10 : 2e-10) * (k + 1);
    t.intervals.push_back(row);
  }
  for (std::uint32_t k = 0; k < 4; ++k) {
    for (std::uint32_t p = 0; p < 5; ++p) {
      SettlementRecord row;
      row.interval = k;
      row.participant = p;
      const double x = k * 5 + p;
      row.load_kwh = 1.0 + x;
      row.pv_kwh = 0.5 * x;
      row.battery_charge_kwh = 0.1 * x;
      row.battery_discharge_kwh = 0.2 * x;
      row.soc_end_kwh = 0.3 * x;
      row.market_buy_kwh = 0.4 * x;
      row.market_sell_kwh = 0.5 * x;
      row.utility_import_kwh = 0.6 * x;
      row.utility_export_kwh = 0.7 * x;
      row.market_payment = 0.8 * x;
      row.fee_payment = 0.01 * x;
      row.utility_payment = -0.9 * x;
      row.total_payment = row.market_payment + row.fee_payment + row.utility_payment;
      t.settlement.push_back(row);
    }
  }
  const char* message_types[] = {"bid", "result", "block"};
  for (std::uint32_t m = 0; m < 3; ++m) {
    MessageStatRecord row;
    set_name(row.type, message_types[m]);
    row.count = 1000 * (m + 1);
    row.bytes = 250000 * (m + 1) + m;
    row.mean_transfer_s = 0.01 * (m + 1);
    row.max_transfer_s = 0.05 * (m + 1);
    t.messages.push_back(row);
  }
  RunMetadata& m = t.metadata;
  m.ebsim_version = "0.1.0-test";
  m.scenario_name = "trace-test";
  m.scenario_file = "scenarios/trace-test.yaml";
  m.scenario_yaml = "name: trace-test\nseed: 42\nmarket:\n  clearing: pay_as_clear\n";
  m.seed = 42;
  m.market_design = "centralized";
  m.clearing_rule = "pay_as_clear";
  m.network_model = "CM02";
  m.currency = "EUR";
  m.start_iso = "2024-06-01T00:00:00+02:00";
  m.interval_s = 900.0;
  m.interval_count = 4;
  m.participant_count = 5;
  m.simulated_end_s = 3600.0;
  m.events = 123456;
  return t;
}

void add_rows(TraceWriter& writer, const SampleTrace& t) {
  for (const auto& row : t.groups) writer.add(row);
  for (const auto& row : t.participants) writer.add(row);
  for (const auto& row : t.orders) writer.add(row);
  for (const auto& row : t.trades) writer.add(row);
  for (const auto& row : t.intervals) writer.add(row);
  for (const auto& row : t.settlement) writer.add(row);
  for (const auto& row : t.messages) writer.add(row);
}

void write_trace(const std::string& path, const SampleTrace& t) {
  TraceWriter writer(path);
  add_rows(writer, t);
  writer.commit(t.metadata);
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---------------------------------------------------------------------------
// Reading back with the HDF5 C API: memory types built here, independently of the writer.

/** Closes an HDF5 id at scope exit. */
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

hid_t name_type() {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, kNameLength);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  return type;
}

#define INSERT(T, field, type) H5Tinsert(t, #field, HOFFSET(T, field), type)

hid_t memory_type(const GroupRecord*) {
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(GroupRecord));
  const Id name{name_type(), H5Tclose};
  INSERT(GroupRecord, group, H5T_NATIVE_UINT32);
  INSERT(GroupRecord, name, name.id);
  INSERT(GroupRecord, type, H5T_NATIVE_UINT8);
  INSERT(GroupRecord, count, H5T_NATIVE_UINT32);
  INSERT(GroupRecord, strategy, H5T_NATIVE_UINT8);
  return t;
}

hid_t memory_type(const ParticipantRecord*) {
  using R = ParticipantRecord;
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(R));
  INSERT(R, participant, H5T_NATIVE_UINT32);
  INSERT(R, group, H5T_NATIVE_UINT32);
  INSERT(R, node, H5T_NATIVE_UINT32);
  INSERT(R, pv_peak_kw, H5T_NATIVE_DOUBLE);
  INSERT(R, battery_capacity_kwh, H5T_NATIVE_DOUBLE);
  INSERT(R, battery_power_kw, H5T_NATIVE_DOUBLE);
  INSERT(R, access_latency_s, H5T_NATIVE_DOUBLE);
  INSERT(R, access_bandwidth_bytes_per_s, H5T_NATIVE_DOUBLE);
  return t;
}

hid_t memory_type(const OrderRecord*) {
  using R = OrderRecord;
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(R));
  INSERT(R, order, H5T_NATIVE_UINT64);
  INSERT(R, interval, H5T_NATIVE_UINT32);
  INSERT(R, participant, H5T_NATIVE_UINT32);
  INSERT(R, side, H5T_NATIVE_UINT8);
  INSERT(R, status, H5T_NATIVE_UINT8);
  INSERT(R, quantity_kwh, H5T_NATIVE_DOUBLE);
  INSERT(R, limit_price_per_kwh, H5T_NATIVE_DOUBLE);
  INSERT(R, submitted_s, H5T_NATIVE_DOUBLE);
  INSERT(R, arrived_s, H5T_NATIVE_DOUBLE);
  INSERT(R, matched_kwh, H5T_NATIVE_DOUBLE);
  INSERT(R, result_received_s, H5T_NATIVE_DOUBLE);
  return t;
}

hid_t memory_type(const TradeRecord*) {
  using R = TradeRecord;
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(R));
  INSERT(R, interval, H5T_NATIVE_UINT32);
  INSERT(R, buy_order, H5T_NATIVE_UINT64);
  INSERT(R, sell_order, H5T_NATIVE_UINT64);
  INSERT(R, buyer, H5T_NATIVE_UINT32);
  INSERT(R, seller, H5T_NATIVE_UINT32);
  INSERT(R, quantity_kwh, H5T_NATIVE_DOUBLE);
  INSERT(R, price_per_kwh, H5T_NATIVE_DOUBLE);
  return t;
}

hid_t memory_type(const IntervalRecord*) {
  using R = IntervalRecord;
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(R));
  const hid_t f64 = H5T_NATIVE_DOUBLE, u32 = H5T_NATIVE_UINT32;
  INSERT(R, interval, u32);
  INSERT(R, delivery_start_s, f64);
  INSERT(R, delivery_start_unix_s, H5T_NATIVE_INT64);
  INSERT(R, gate_closure_s, f64);
  INSERT(R, bids, u32);
  INSERT(R, offers, u32);
  INSERT(R, rejected_late, u32);
  INSERT(R, rejected_other, u32);
  INSERT(R, trades, u32);
  INSERT(R, has_price, H5T_NATIVE_UINT8);
  INSERT(R, clearing_price_per_kwh, f64);
  INSERT(R, cleared_kwh, f64);
  INSERT(R, declared_welfare, f64);
  INSERT(R, load_kwh, f64);
  INSERT(R, pv_kwh, f64);
  INSERT(R, battery_charge_kwh, f64);
  INSERT(R, battery_discharge_kwh, f64);
  INSERT(R, utility_import_kwh, f64);
  INSERT(R, utility_export_kwh, f64);
  INSERT(R, participants_paid, f64);
  INSERT(R, utility_received, f64);
  INSERT(R, exchange_received, f64);
  INSERT(R, energy_imbalance_kwh, f64);
  INSERT(R, money_imbalance, f64);
  return t;
}

hid_t memory_type(const SettlementRecord*) {
  using R = SettlementRecord;
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(R));
  const hid_t f64 = H5T_NATIVE_DOUBLE;
  INSERT(R, interval, H5T_NATIVE_UINT32);
  INSERT(R, participant, H5T_NATIVE_UINT32);
  INSERT(R, load_kwh, f64);
  INSERT(R, pv_kwh, f64);
  INSERT(R, battery_charge_kwh, f64);
  INSERT(R, battery_discharge_kwh, f64);
  INSERT(R, soc_end_kwh, f64);
  INSERT(R, market_buy_kwh, f64);
  INSERT(R, market_sell_kwh, f64);
  INSERT(R, utility_import_kwh, f64);
  INSERT(R, utility_export_kwh, f64);
  INSERT(R, market_payment, f64);
  INSERT(R, fee_payment, f64);
  INSERT(R, utility_payment, f64);
  INSERT(R, total_payment, f64);
  return t;
}

hid_t memory_type(const MessageStatRecord*) {
  using R = MessageStatRecord;
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(R));
  const Id name{name_type(), H5Tclose};
  INSERT(R, type, name.id);
  INSERT(R, count, H5T_NATIVE_UINT64);
  INSERT(R, bytes, H5T_NATIVE_UINT64);
  INSERT(R, mean_transfer_s, H5T_NATIVE_DOUBLE);
  INSERT(R, max_transfer_s, H5T_NATIVE_DOUBLE);
  return t;
}

#undef INSERT

/** Every row of `dataset` (all columns) read with the C API. */
template <class Row>
std::vector<Row> read_all(const std::string& path, const char* dataset) {
  const Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  EXPECT_GE(file.id, 0) << path;
  const Id data{H5Dopen2(file.id, dataset, H5P_DEFAULT), H5Dclose};
  EXPECT_GE(data.id, 0) << dataset;
  const Id space{H5Dget_space(data.id), H5Sclose};
  hsize_t rows = 0;
  H5Sget_simple_extent_dims(space.id, &rows, nullptr);
  std::vector<Row> out(rows);
  const Id type{memory_type(static_cast<const Row*>(nullptr)), H5Tclose};
  if (rows > 0) {
    EXPECT_GE(H5Dread(data.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0) << dataset;
  }
  return out;
}

// Field-by-field views for exact comparison: doubles by bit pattern (NaN == NaN, -0 != 0).
std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }
std::string text(const char* field) { return std::string(field, strnlen(field, kNameLength)); }

auto fields(const GroupRecord& r) { return std::make_tuple(r.group, text(r.name), r.type, r.count, r.strategy); }
auto fields(const ParticipantRecord& r) {
  return std::make_tuple(r.participant, r.group, r.node, bits(r.pv_peak_kw), bits(r.battery_capacity_kwh),
                         bits(r.battery_power_kw), bits(r.access_latency_s), bits(r.access_bandwidth_bytes_per_s));
}
auto fields(const OrderRecord& r) {
  return std::make_tuple(r.order, r.interval, r.participant, r.side, r.status, bits(r.quantity_kwh),
                         bits(r.limit_price_per_kwh), bits(r.submitted_s), bits(r.arrived_s), bits(r.matched_kwh),
                         bits(r.result_received_s));
}
auto fields(const TradeRecord& r) {
  return std::make_tuple(r.interval, r.buy_order, r.sell_order, r.buyer, r.seller, bits(r.quantity_kwh),
                         bits(r.price_per_kwh));
}
auto fields(const IntervalRecord& r) {
  return std::make_tuple(r.interval, bits(r.delivery_start_s), r.delivery_start_unix_s, bits(r.gate_closure_s),
                         r.bids, r.offers, r.rejected_late, r.rejected_other, r.trades, r.has_price,
                         bits(r.clearing_price_per_kwh), bits(r.cleared_kwh), bits(r.declared_welfare),
                         bits(r.load_kwh), bits(r.pv_kwh), bits(r.battery_charge_kwh), bits(r.battery_discharge_kwh),
                         bits(r.utility_import_kwh), bits(r.utility_export_kwh), bits(r.participants_paid),
                         bits(r.utility_received), bits(r.exchange_received), bits(r.energy_imbalance_kwh),
                         bits(r.money_imbalance));
}
auto fields(const SettlementRecord& r) {
  return std::make_tuple(r.interval, r.participant, bits(r.load_kwh), bits(r.pv_kwh), bits(r.battery_charge_kwh),
                         bits(r.battery_discharge_kwh), bits(r.soc_end_kwh), bits(r.market_buy_kwh),
                         bits(r.market_sell_kwh), bits(r.utility_import_kwh), bits(r.utility_export_kwh),
                         bits(r.market_payment), bits(r.fee_payment), bits(r.utility_payment),
                         bits(r.total_payment));
}
auto fields(const MessageStatRecord& r) {
  return std::make_tuple(text(r.type), r.count, r.bytes, bits(r.mean_transfer_s), bits(r.max_transfer_s));
}

template <class Row>
void expect_table(const std::string& path, const char* dataset, const std::vector<Row>& written) {
  const std::vector<Row> read = read_all<Row>(path, dataset);
  ASSERT_EQ(read.size(), written.size()) << dataset;
  for (std::size_t i = 0; i < read.size(); ++i)
    ASSERT_EQ(fields(read[i]), fields(written[i])) << dataset << " row " << i;
}

/** Every string of attribute `name` of `object` (a variable-length string scalar or array). */
std::vector<std::string> read_string_attribute(hid_t object, const char* name) {
  const Id attribute{H5Aopen(object, name, H5P_DEFAULT), H5Aclose};
  const Id space{H5Aget_space(attribute.id), H5Sclose};
  const Id type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, H5T_VARIABLE);
  H5Tset_cset(type.id, H5T_CSET_UTF8);
  std::vector<char*> texts(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id)), nullptr);
  EXPECT_GE(H5Aread(attribute.id, type.id, texts.data()), 0) << name;
  std::vector<std::string> out(texts.begin(), texts.end());
  H5Dvlen_reclaim(type.id, space.id, H5P_DEFAULT, texts.data());
  return out;
}

std::string root_string_attribute(const std::string& path, const char* name) {
  const Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  const std::vector<std::string> values = read_string_attribute(file.id, name);
  return values.size() == 1 ? values[0] : "<not a scalar>";
}

// ---------------------------------------------------------------------------

class TraceWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / ("ebsim_" + std::string(test->test_suite_name()) + "_" +
                                             test->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::size_t files_in_dir() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }

  fs::path dir_;
};

TEST_F(TraceWriterTest, PartialFileUntilCommitThenOnlyFinalFile) {
  const SampleTrace sample = make_sample();
  const std::string trace = path("run.h5");
  {
    TraceWriter writer(trace);
    add_rows(writer, sample);
    EXPECT_TRUE(fs::exists(trace + ".partial"));
    EXPECT_FALSE(fs::exists(trace));
    writer.commit(sample.metadata);
    EXPECT_TRUE(fs::exists(trace));
    EXPECT_FALSE(fs::exists(trace + ".partial"));
  }
  EXPECT_TRUE(fs::exists(trace));  // the destructor leaves a committed trace alone
  EXPECT_EQ(files_in_dir(), 1u);
}

TEST_F(TraceWriterTest, WriterDestroyedWithoutCommitLeavesNoFile) {
  const SampleTrace sample = make_sample();
  {
    TraceWriter writer(path("run.h5"));
    add_rows(writer, sample);  // > 1 chunk of orders: data already on disk
  }
  EXPECT_EQ(files_in_dir(), 0u);
}

TEST_F(TraceWriterTest, UncreatableFileThrows) {
  EXPECT_THROW({ TraceWriter writer(path("no-such-dir/run.h5")); }, std::runtime_error);
}

TEST_F(TraceWriterTest, ReadsBackEveryRowAndField) {
  const SampleTrace sample = make_sample();
  const std::string trace = path("run.h5");
  write_trace(trace, sample);
  expect_table(trace, "/groups", sample.groups);
  expect_table(trace, "/participants", sample.participants);
  expect_table(trace, "/orders", sample.orders);
  expect_table(trace, "/trades", sample.trades);
  expect_table(trace, "/intervals", sample.intervals);
  expect_table(trace, "/settlement", sample.settlement);
  expect_table(trace, "/messages", sample.messages);
  EXPECT_EQ(root_string_attribute(trace, "scenario_yaml"), sample.metadata.scenario_yaml);
  EXPECT_EQ(root_string_attribute(trace, "currency"), "EUR");
  EXPECT_EQ(root_string_attribute(trace, "format"), "ebsim-trace");
}

TEST_F(TraceWriterTest, ScenarioYamlLargerThanAnObjectHeaderMessageIsStored) {
  // A fixed-length string attribute must fit one 64 KiB object header message; the
  // scenario text (with inline profiles, say) may not.
  SampleTrace sample = make_sample();
  sample.metadata.scenario_yaml = std::string(200000, 'y');
  const std::string trace = path("run.h5");
  write_trace(trace, sample);
  EXPECT_EQ(root_string_attribute(trace, "scenario_yaml"), sample.metadata.scenario_yaml);
}

TEST_F(TraceWriterTest, TablesAreChunkedCompressedAndCarryUnits) {
  const SampleTrace sample = make_sample();
  const std::string trace = path("run.h5");
  write_trace(trace, sample);
  const Id file{H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  const Id orders{H5Dopen2(file.id, "/orders", H5P_DEFAULT), H5Dclose};
  const Id dcpl{H5Dget_create_plist(orders.id), H5Pclose};
  ASSERT_EQ(H5Pget_layout(dcpl.id), H5D_CHUNKED);
  hsize_t chunk_rows = 0;
  H5Pget_chunk(dcpl.id, 1, &chunk_rows);
  EXPECT_LT(chunk_rows, kOrderCount / 2);  // so the sample spans several chunks
  ASSERT_EQ(H5Pget_nfilters(dcpl.id), 2);
  const auto filter = [&](unsigned index, unsigned& first_value) {
    unsigned flags = 0, values[4] = {};
    std::size_t n_values = 4;  // in: capacity of `values`; out: how many the filter has
    const H5Z_filter_t id = H5Pget_filter2(dcpl.id, index, &flags, &n_values, values, 0, nullptr, nullptr);
    first_value = values[0];
    return id;
  };
  unsigned deflate_level = 0, unused = 0;
  EXPECT_EQ(filter(0, unused), H5Z_FILTER_SHUFFLE);
  EXPECT_EQ(filter(1, deflate_level), H5Z_FILTER_DEFLATE);
  EXPECT_EQ(deflate_level, 1u);

  // /trades units: one string per column, money in the run's currency.
  const Id trades{H5Dopen2(file.id, "/trades", H5P_DEFAULT), H5Dclose};
  const std::vector<std::string> units = read_string_attribute(trades.id, "units");
  EXPECT_EQ(units, (std::vector<std::string>{"", "", "", "", "", "kWh", "EUR/kWh"}));
  EXPECT_EQ(read_string_attribute(trades.id, "description"), std::vector<std::string>{"every local trade"});
}

TEST_F(TraceWriterTest, EmptyTraceHasEveryDataset) {
  const std::string trace = path("empty.h5");
  TraceWriter writer(trace);
  writer.commit(make_sample().metadata);
  EXPECT_TRUE(read_all<OrderRecord>(trace, "/orders").empty());
  for (const char* dataset :
       {"/groups", "/participants", "/orders", "/trades", "/intervals", "/settlement", "/messages"}) {
    const Id file{H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    const Id data{H5Dopen2(file.id, dataset, H5P_DEFAULT), H5Dclose};
    ASSERT_GE(data.id, 0) << dataset;
    const Id space{H5Dget_space(data.id), H5Sclose};
    EXPECT_EQ(H5Sget_simple_extent_npoints(space.id), 0) << dataset;
  }
}

TEST_F(TraceWriterTest, SameRowsGiveByteIdenticalFiles) {
  const SampleTrace sample = make_sample();
  write_trace(path("a.h5"), sample);
  write_trace(path("b.h5"), sample);
  const std::string a = file_bytes(path("a.h5")), b = file_bytes(path("b.h5"));
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "sizes " << a.size() << " and " << b.size();
}

TEST_F(TraceWriterTest, AddAfterCommitIsALogicError) {
  TraceWriter writer(path("run.h5"));
  writer.commit(make_sample().metadata);
  EXPECT_THROW(writer.add(OrderRecord{}), std::logic_error);
  EXPECT_THROW(writer.commit(make_sample().metadata), std::logic_error);
}

// ---------------------------------------------------------------------------

class ReportTest : public TraceWriterTest {};

TEST_F(ReportTest, SummaryMatchesIndependentComputation) {
  const SampleTrace sample = make_sample();
  const std::string trace = path("run.h5");
  write_trace(trace, sample);
  const analysis::RunSummary s = analysis::summarize_trace(trace);

  EXPECT_EQ(s.scenario_name, "trace-test");
  EXPECT_EQ(s.market_design, "centralized");
  EXPECT_EQ(s.clearing_rule, "pay_as_clear");
  EXPECT_EQ(s.network_model, "CM02");
  EXPECT_EQ(s.currency, "EUR");
  EXPECT_EQ(s.ebsim_version, "0.1.0-test");
  EXPECT_EQ(s.start_iso, "2024-06-01T00:00:00+02:00");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.participants, 5u);
  EXPECT_EQ(s.intervals, 4u);
  EXPECT_EQ(s.interval_s, 900.0);
  EXPECT_EQ(s.events, 123456u);

  std::uint64_t late = 0, other = 0;
  for (const auto& o : sample.orders) {
    late += o.status == 1;
    other += o.status >= 2;
  }
  EXPECT_EQ(s.orders, kOrderCount);
  EXPECT_EQ(s.orders_late, late);
  EXPECT_EQ(s.orders_rejected_other, other);
  EXPECT_EQ(late, (kOrderCount - kOrdersWithResult) / 4);

  double traded_kwh = 0, value = 0;
  for (const auto& t : sample.trades) {
    traded_kwh += t.quantity_kwh;
    value += t.quantity_kwh * t.price_per_kwh;
  }
  EXPECT_EQ(s.trades, sample.trades.size());
  EXPECT_DOUBLE_EQ(s.local_traded_kwh, traded_kwh);
  EXPECT_DOUBLE_EQ(s.price_mean_per_kwh, value / traded_kwh);
  EXPECT_EQ(s.intervals_with_price, 3u);
  EXPECT_DOUBLE_EQ(s.price_min_per_kwh, 0.09);
  EXPECT_DOUBLE_EQ(s.price_max_per_kwh, 0.13);

  double import_kwh = 0, export_kwh = 0, load_kwh = 0, pv_kwh = 0, paid = 0, utility = 0, exchange = 0, welfare = 0;
  double max_energy = 0, max_money = 0;
  for (const auto& k : sample.intervals) {
    import_kwh += k.utility_import_kwh;
    export_kwh += k.utility_export_kwh;
    load_kwh += k.load_kwh;
    pv_kwh += k.pv_kwh;
    paid += k.participants_paid;
    utility += k.utility_received;
    exchange += k.exchange_received;
    welfare += k.declared_welfare;
    max_energy = std::max(max_energy, std::fabs(k.energy_imbalance_kwh));
    max_money = std::max(max_money, std::fabs(k.money_imbalance));
  }
  EXPECT_DOUBLE_EQ(s.utility_import_kwh, import_kwh);
  EXPECT_DOUBLE_EQ(s.utility_export_kwh, export_kwh);
  EXPECT_DOUBLE_EQ(s.load_kwh, load_kwh);
  EXPECT_DOUBLE_EQ(s.pv_kwh, pv_kwh);
  EXPECT_DOUBLE_EQ(s.participants_paid, paid);
  EXPECT_DOUBLE_EQ(s.utility_received, utility);
  EXPECT_DOUBLE_EQ(s.exchange_received, exchange);
  EXPECT_DOUBLE_EQ(s.declared_welfare, welfare);
  EXPECT_EQ(s.max_energy_imbalance_kwh, max_energy);
  EXPECT_EQ(s.max_money_imbalance, max_money);
  EXPECT_DOUBLE_EQ(max_energy, 1.2e-11);  // interval 3: -3e-12 * 4
  EXPECT_DOUBLE_EQ(max_money, 1.5e-9);  // interval 2: -5e-10 * 3

  // Nearest rank over latencies 1..100 s: the p-th percentile is the p-th smallest.
  EXPECT_EQ(s.latency_p50_s, 50.0);
  EXPECT_EQ(s.latency_p90_s, 90.0);
  EXPECT_EQ(s.latency_p99_s, 99.0);
  EXPECT_EQ(s.latency_max_s, 100.0);

  ASSERT_EQ(s.messages.size(), 3u);
  EXPECT_EQ(s.messages[0].type, "bid");
  EXPECT_EQ(s.messages[1].type, "result");
  EXPECT_EQ(s.messages[2].type, "block");
  EXPECT_EQ(s.messages[2].count, 3000u);
  EXPECT_EQ(s.messages[2].bytes, 750002u);
  EXPECT_EQ(s.messages_total, 6000u);
  EXPECT_EQ(s.bytes_total, 250000u + 500001u + 750002u);
}

TEST_F(ReportTest, EmptyTraceSummaryIsNanSafe) {
  const std::string trace = path("empty.h5");
  {
    TraceWriter writer(trace);
    writer.commit(make_sample().metadata);
  }
  const analysis::RunSummary s = analysis::summarize_trace(trace);
  EXPECT_EQ(s.orders, 0u);
  EXPECT_EQ(s.trades, 0u);
  EXPECT_TRUE(std::isnan(s.price_mean_per_kwh));
  EXPECT_TRUE(std::isnan(s.price_min_per_kwh));
  EXPECT_TRUE(std::isnan(s.price_max_per_kwh));
  EXPECT_TRUE(std::isnan(s.latency_p50_s));

  std::ostringstream out;
  analysis::print_summary(out, s);
  const std::string table = out.str();
  EXPECT_NE(table.find("n/a"), std::string::npos) << table;
  EXPECT_EQ(table.find("nan"), std::string::npos) << table;
  EXPECT_NE(table.find("-"), std::string::npos) << table;
}

TEST_F(ReportTest, PrintedTableHasSectionsUnitsAndWallTime) {
  const std::string trace = path("run.h5");
  write_trace(trace, make_sample());
  std::ostringstream out;
  analysis::print_summary(out, analysis::summarize_trace(trace), 12.5);
  const std::string table = out.str();
  for (const char* expected : {"Run", "Energy", "Prices", "Money", "Network", "Latency", "Invariants",
                               "wall time", "12.50 s", "EUR/kWh", "kWh", "trace-test", "pay_as_clear"})
    EXPECT_NE(table.find(expected), std::string::npos) << expected << " in\n" << table;
  EXPECT_EQ(table.find("n/a"), std::string::npos) << table;
}

/** The InputError from summarize_trace(path), or "" if none was thrown. */
std::string input_error_of(const std::string& path) {
  try {
    analysis::summarize_trace(path);
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "";
}

TEST_F(ReportTest, MissingFileIsAnInputErrorNamingIt) {
  const std::string trace = path("missing.h5");
  const std::string message = input_error_of(trace);
  EXPECT_NE(message.find(trace), std::string::npos) << message;
}

TEST_F(ReportTest, NonHdf5FileIsAnInputErrorNamingIt) {
  const std::string trace = path("not-a-trace.h5");
  std::ofstream(trace) << "this is not HDF5\n";
  const std::string message = input_error_of(trace);
  EXPECT_NE(message.find(trace), std::string::npos) << message;
  EXPECT_NE(message.find("HDF5"), std::string::npos) << message;
}

TEST_F(ReportTest, MissingOrdersIsAnInputErrorNamingFileAndDataset) {
  const std::string trace = path("no-orders.h5");
  write_trace(trace, make_sample());
  {
    const Id file{H5Fopen(trace.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
    ASSERT_GE(H5Ldelete(file.id, "/orders", H5P_DEFAULT), 0);
  }
  const std::string message = input_error_of(trace);
  EXPECT_NE(message.find(trace), std::string::npos) << message;
  EXPECT_NE(message.find("/orders"), std::string::npos) << message;
}

TEST_F(ReportTest, MissingRootAttributeIsAnInputErrorNamingIt) {
  const std::string trace = path("no-seed.h5");
  write_trace(trace, make_sample());
  {
    const Id file{H5Fopen(trace.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
    ASSERT_GE(H5Adelete(file.id, "seed"), 0);
  }
  const std::string message = input_error_of(trace);
  EXPECT_NE(message.find(trace), std::string::npos) << message;
  EXPECT_NE(message.find("seed"), std::string::npos) << message;
}

}  // namespace
}  // namespace ebsim::trace
