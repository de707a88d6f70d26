// TraceWriter and trace_reader (sim/trace), summarize_trace / print_summary (analysis/report).
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
#include <initializer_list>
#include <iterator>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "analysis/report.hpp"
#include "sim/scenario.hpp"
#include "sim/trace/records.hpp"
#include "sim/trace/trace_reader.hpp"
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
    row.seller_price_per_kwh = row.price_per_kwh - 0.0005 * (i % 2);
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
// Reading back: rows with sim/trace/trace_reader; the stored layout independently, with the
// HDF5 C API (StoredLayoutIsTheDocumentedOne), since the reader shares the writer's specs.

/** Closes an HDF5 id at scope exit. */
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

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
                         bits(r.price_per_kwh), bits(r.seller_price_per_kwh));
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

/** The rows read back equal the rows written, field by field. */
template <class Row>
void expect_rows(const std::vector<Row>& read, const std::vector<Row>& written) {
  const std::string_view dataset = dataset_name<Row>();
  ASSERT_EQ(read.size(), written.size()) << dataset;
  for (std::size_t i = 0; i < read.size(); ++i)
    ASSERT_EQ(fields(read[i]), fields(written[i])) << dataset << " row " << i;
}

template <class Row>
void expect_table(const std::string& path, const std::vector<Row>& written) {
  expect_rows(read_table<Row>(path), written);
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
  expect_table(trace, sample.groups);
  expect_table(trace, sample.participants);
  expect_table(trace, sample.orders);
  expect_table(trace, sample.trades);
  expect_table(trace, sample.intervals);
  expect_table(trace, sample.settlement);
  expect_table(trace, sample.messages);
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
  EXPECT_EQ(units, (std::vector<std::string>{"", "", "", "", "", "kWh", "EUR/kWh", "EUR/kWh"}));
  EXPECT_EQ(read_string_attribute(trades.id, "description"), std::vector<std::string>{"every local trade"});
}

TEST_F(TraceWriterTest, EmptyTraceHasEveryDataset) {
  const std::string trace = path("empty.h5");
  TraceWriter writer(trace);
  writer.commit(make_sample().metadata);
  EXPECT_TRUE(read_table<OrderRecord>(trace).empty());
  for (const char* dataset :
       {"/groups", "/participants", "/orders", "/trades", "/intervals", "/settlement", "/messages",
        "/security_checks"}) {
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

/** The stored type of one column as docs/trace-format.md writes it (u32, i64, f64, str48),
 * with "be" appended for big-endian numbers. */
std::string stored_type(hid_t type) {
  const std::size_t bits = 8 * H5Tget_size(type);
  const std::string order = H5Tget_order(type) == H5T_ORDER_BE ? "be" : "";
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "i") + std::to_string(bits) + order;
    case H5T_FLOAT: return "f" + std::to_string(bits) + order;
    case H5T_STRING: return "str" + std::to_string(H5Tget_size(type));
    case H5T_ARRAY: {
      hsize_t length = 0;
      H5Tget_array_dims2(type, &length);
      const Id base{H5Tget_super(type), H5Tclose};
      return stored_type(base.id) + "[" + std::to_string(length) + "]";
    }
    default: return "?";
  }
}

/** "name:type" of every stored column in file order, then the stored row size, e.g.
 * "order:u64 interval:u32 | 12 B". */
std::string stored_layout(const std::string& path, const char* dataset) {
  const Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  const Id data{H5Dopen2(file.id, dataset, H5P_DEFAULT), H5Dclose};
  const Id type{H5Dget_type(data.id), H5Tclose};
  if (H5Tget_class(type.id) != H5T_COMPOUND) return "not compound";
  std::string layout;
  for (int i = 0; i < H5Tget_nmembers(type.id); ++i) {
    char* name = H5Tget_member_name(type.id, static_cast<unsigned>(i));
    const Id member{H5Tget_member_type(type.id, static_cast<unsigned>(i)), H5Tclose};
    layout += std::string(name) + ":" + stored_type(member.id) + " ";
    H5free_memory(name);
  }
  return layout + "| " + std::to_string(H5Tget_size(type.id)) + " B";
}

// The layout a user of h5py sees, written out here from docs/trace-format.md, independently of
// the column specs that the writer and the reader share.
TEST_F(TraceWriterTest, StoredLayoutIsTheDocumentedOne) {
  const std::string trace = path("run.h5");
  write_trace(trace, make_sample());
  EXPECT_EQ(stored_layout(trace, "/groups"), "group:u32 name:str48 type:u8 count:u32 strategy:u8 | 58 B");
  EXPECT_EQ(stored_layout(trace, "/participants"),
            "participant:u32 group:u32 node:u32 pv_peak_kw:f64 battery_capacity_kwh:f64 battery_power_kw:f64 "
            "access_latency_s:f64 access_bandwidth_bytes_per_s:f64 | 52 B");
  EXPECT_EQ(stored_layout(trace, "/orders"),
            "order:u64 interval:u32 participant:u32 side:u8 status:u8 quantity_kwh:f64 limit_price_per_kwh:f64 "
            "submitted_s:f64 arrived_s:f64 matched_kwh:f64 result_received_s:f64 | 66 B");
  EXPECT_EQ(stored_layout(trace, "/trades"),
            "interval:u32 buy_order:u64 sell_order:u64 buyer:u32 seller:u32 quantity_kwh:f64 price_per_kwh:f64 "
            "seller_price_per_kwh:f64 | 52 B");
  EXPECT_EQ(stored_layout(trace, "/intervals"),
            "interval:u32 delivery_start_s:f64 delivery_start_unix_s:i64 gate_closure_s:f64 bids:u32 offers:u32 "
            "rejected_late:u32 rejected_other:u32 trades:u32 has_price:u8 clearing_price_per_kwh:f64 "
            "cleared_kwh:f64 declared_welfare:f64 load_kwh:f64 pv_kwh:f64 battery_charge_kwh:f64 "
            "battery_discharge_kwh:f64 utility_import_kwh:f64 utility_export_kwh:f64 participants_paid:f64 "
            "utility_received:f64 exchange_received:f64 grid_party_sold_kwh:f64 grid_party_bought_kwh:f64 "
            "grid_party_received:f64 energy_imbalance_kwh:f64 money_imbalance:f64 | 185 B");
  EXPECT_EQ(stored_layout(trace, "/settlement"),
            "interval:u32 participant:u32 load_kwh:f64 pv_kwh:f64 battery_charge_kwh:f64 "
            "battery_discharge_kwh:f64 soc_end_kwh:f64 market_buy_kwh:f64 market_sell_kwh:f64 "
            "utility_import_kwh:f64 utility_export_kwh:f64 market_payment:f64 fee_payment:f64 "
            "utility_payment:f64 total_payment:f64 | 112 B");
  EXPECT_EQ(stored_layout(trace, "/messages"),
            "type:str48 count:u64 bytes:u64 mean_transfer_s:f64 max_transfer_s:f64 lost:u64 | 88 B");
  EXPECT_EQ(stored_layout(trace, "/security_checks"),
            "interval:u32 iteration:u32 branch:u32 from_bus:i64 to_bus:i64 flow_mw:f64 limit_mw:f64 buy_order:u64 "
            "sell_order:u64 buyer:u32 seller:u32 quantity_kwh:f64 cancelled_in_interval:u32 node:u32 | 84 B");
  EXPECT_EQ(stored_layout(trace, "/line_flows"),
            "interval:u32 branch:u32 from_bus:i64 to_bus:i64 flow_mw:f64 limit_mw:f64 | 40 B");
  EXPECT_EQ(stored_layout(trace, "/link_messages"),
            "type:str48 from_role:str48 to_role:str48 count:u64 bytes:u64 lost:u64 mean_transfer_s:f64 "
            "max_transfer_s:f64 | 184 B");
  EXPECT_EQ(stored_layout(trace, "/cpu"), "role:str48 id:u32 crypto_s:f64 clearing_s:f64 | 68 B");
  EXPECT_EQ(stored_layout(trace, "/ledger_keys"), "kind:u8 id:u32 area:u32 key_length:u8 key:u8[80] | 90 B");
  EXPECT_EQ(stored_layout(trace, "/blocks"),
            "height:u64 interval:u32 primary:u32 timestamp_s:f64 transaction_count:u32 previous_hash:u8[32] "
            "merkle_root:u8[32] block_hash:u8[32] primary_signature_length:u8 primary_signature:u8[80] "
            "first_appended_s:f64 last_appended_s:f64 bytes:f64 | 229 B");
  EXPECT_EQ(stored_layout(trace, "/block_transactions"),
            "height:u64 index:u32 interval:u32 delivery_start_s:f64 quantity_kwh:f64 price_per_kwh:f64 "
            "seller_price_per_kwh:f64 buyer:u32 seller:u32 product:u8 buy_order:u64 buy_participant:u32 "
            "buy_interval:u32 buy_side:u8 buy_quantity_kwh:f64 buy_limit_price_per_kwh:f64 buy_submitted_s:f64 "
            "buy_arrived_s:f64 sell_order:u64 sell_participant:u32 sell_interval:u32 sell_side:u8 "
            "sell_quantity_kwh:f64 sell_limit_price_per_kwh:f64 sell_submitted_s:f64 sell_arrived_s:f64 "
            "buyer_signature_length:u8 buyer_signature:u8[80] seller_signature_length:u8 seller_signature:u8[80] "
            "| 317 B");
  EXPECT_EQ(stored_layout(trace, "/block_signatures"),
            "height:u64 transaction:i64 signer:u32 signature_length:u8 signature:u8[80] | 101 B");
  EXPECT_EQ(stored_layout(trace, "/block_appends"), "height:u64 node:u32 at_s:f64 | 20 B");
  EXPECT_EQ(stored_layout(trace, "/rounds"),
            "interval:u32 scheduled_primary:u32 primary:u32 attempts:u32 bundles_received:u32 bundles_expected:u32 "
            "gate_closure_s:f64 proposal_s:f64 final_s:f64 height:u64 trades:u32 | 60 B");
  EXPECT_EQ(stored_layout(trace, "/refusals"), "interval:u32 node:u32 primary:u32 at_s:f64 reason:str48 | 68 B");
  EXPECT_EQ(stored_layout(trace, "/disputes"),
            "interval:u32 participant:u32 order:u64 raised_s:f64 resolved_s:f64 rounds:u32 upheld:u8 | 37 B");
  EXPECT_EQ(stored_layout(trace, "/failovers"), "interval:u32 failed_primary:u32 new_primary:u32 detected_s:f64 | 20 B");
  EXPECT_EQ(stored_layout(trace, "/p2p_blocks"),
            "block:u64 parent:u64 height:u64 miner:u32 found_s:f64 transactions:u32 size_bytes:f64 fees:f64 stale:u8 "
            "nodes_reached:u32 propagation_mean_s:f64 propagation_miners_mean_s:f64 propagation_p50_s:f64 "
            "propagation_p90_s:f64 propagation_max_s:f64 | 101 B");
  EXPECT_EQ(stored_layout(trace, "/p2p_confirmations"),
            "order:u64 participant:u32 interval:u32 submitted_s:f64 block:u64 included_s:f64 in_time:u8 final_s:f64 "
            "latency_s:f64 fee:f64 | 65 B");
  EXPECT_EQ(stored_layout(trace, "/p2p_double_spend"),
            "q:f64 z:u32 trials:u64 successes:u64 measured:f64 low_99:f64 high_99:f64 exact:f64 nakamoto:f64 "
            "mean_success_time_s:f64 | 76 B");
  EXPECT_EQ(stored_layout(trace, "/p2p_selfish_mining"),
            "alpha:f64 gamma:f64 blocks:u64 pool_blocks:u64 honest_blocks:u64 relative_revenue:f64 "
            "standard_error:f64 closed_form:f64 | 64 B");
  EXPECT_EQ(stored_layout(trace, "/p2p_chain"),
            "consensus:u8 contract:u8 block_interval_s:f64 confirmations:u32 nodes:u32 light_nodes:u32 miners:u32 "
            "peers:u32 blocks:u64 stale_blocks:u64 height:u64 stale_rate:f64 propagation_mean_s:f64 "
            "stale_rate_model:f64 hashes:f64 energy_j:f64 fees:f64 transactions:u64 results_reverted:u64 reorgs:u64 "
            "max_reorg_depth:u64 | 134 B");
}

/** The layout StoredLayoutIsTheDocumentedOne's stored_layout gives, as Row's schema declares it. */
template <class Row>
std::string schema_layout() {
  std::string layout;
  std::size_t row_bytes = 0;
  for (const detail::Column& column : Row::trace_schema().columns) {
    layout += std::string(column.name) + ":" + std::string(detail::column_type_name(column.type)) + " ";
    row_bytes += detail::column_size_bytes(column.type);
  }
  return layout + "| " + std::to_string(row_bytes) + " B";
}

// Every table is stored as its schema says (the hand-written expectations above pin the schemas).
TEST_F(TraceWriterTest, StoredLayoutIsTheSchemas) {
  const std::string trace = path("run.h5");
  write_trace(trace, make_sample());
  const auto expect_schema_layout = [&]<class Row>(const Row&) {
    EXPECT_EQ(stored_layout(trace, dataset_name<Row>().data()), schema_layout<Row>()) << dataset_name<Row>();
  };
  std::apply([&](const auto&... rows) { (expect_schema_layout(rows), ...); }, AllRecords{});
}

// ---------------------------------------------------------------------------
// trace_reader beyond reading back what the writer wrote (ReadsBackEveryRowAndField).

class TraceReaderTest : public TraceWriterTest {};

TEST_F(TraceReaderTest, DatasetNames) {
  EXPECT_EQ(dataset_name<GroupRecord>(), "/groups");
  EXPECT_EQ(dataset_name<ParticipantRecord>(), "/participants");
  EXPECT_EQ(dataset_name<OrderRecord>(), "/orders");
  EXPECT_EQ(dataset_name<TradeRecord>(), "/trades");
  EXPECT_EQ(dataset_name<IntervalRecord>(), "/intervals");
  EXPECT_EQ(dataset_name<SettlementRecord>(), "/settlement");
  EXPECT_EQ(dataset_name<MessageStatRecord>(), "/messages");
  EXPECT_EQ(dataset_name<SecurityCheckRecord>(), "/security_checks");
}

TEST_F(TraceReaderTest, ReadsBlocksOfWholeChunksInFileOrder) {
  const SampleTrace sample = make_sample();
  const std::string trace = path("run.h5");
  write_trace(trace, sample);
  hsize_t chunk_rows = 0;
  {
    const Id file{H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    const Id orders{H5Dopen2(file.id, "/orders", H5P_DEFAULT), H5Dclose};
    const Id dcpl{H5Dget_create_plist(orders.id), H5Pclose};
    ASSERT_EQ(H5Pget_chunk(dcpl.id, 1, &chunk_rows), 1);
  }
  std::vector<OrderRecord> read;
  std::vector<std::size_t> block_sizes;
  for_each_block<OrderRecord>(trace, [&](std::span<const OrderRecord> rows) {
    block_sizes.push_back(rows.size());
    read.insert(read.end(), rows.begin(), rows.end());
  });
  expect_rows(read, sample.orders);
  ASSERT_GT(block_sizes.size(), 1u);  // 40000 rows: several blocks
  for (std::size_t i = 0; i + 1 < block_sizes.size(); ++i) EXPECT_EQ(block_sizes[i] % chunk_rows, 0u) << i;

  std::size_t rows = 0;
  for_each_row<OrderRecord>(trace, [&](const OrderRecord& row) { EXPECT_EQ(row.order, 1000 + rows++); });
  EXPECT_EQ(rows, kOrderCount);
}

TEST_F(TraceReaderTest, ReadsOnlyTheNamedColumns) {
  const SampleTrace sample = make_sample();
  const std::string trace = path("run.h5");
  write_trace(trace, sample);
  const std::vector<OrderRecord> read = read_table<OrderRecord>(trace, {"submitted_s", "order"});
  ASSERT_EQ(read.size(), sample.orders.size());
  const OrderRecord defaults;
  for (std::size_t i = 0; i < read.size(); ++i) {
    ASSERT_EQ(read[i].order, sample.orders[i].order) << i;
    ASSERT_EQ(read[i].submitted_s, sample.orders[i].submitted_s) << i;
    // The other fields keep their defaults (e.g. result_received_s = -1), not file data.
    ASSERT_EQ(read[i].result_received_s, defaults.result_received_s) << i;
    ASSERT_EQ(read[i].quantity_kwh, defaults.quantity_kwh) << i;
    ASSERT_EQ(read[i].interval, defaults.interval) << i;
  }
  double traded_kwh = 0;
  for_each_row<TradeRecord>(trace, [&](const TradeRecord& row) { traded_kwh += row.quantity_kwh; }, {"quantity_kwh"});
  double expected_kwh = 0;
  for (const TradeRecord& row : sample.trades) expected_kwh += row.quantity_kwh;
  EXPECT_EQ(traded_kwh, expected_kwh);
  // Naming a field the struct does not have is a caller bug, not bad input.
  EXPECT_THROW(read_table<OrderRecord>(trace, {"price_per_kwh"}), std::invalid_argument);
}

/** /trades as another tool might store it: contiguous, big-endian, columns in reverse order
 * with gaps between them, some wider or narrower than ebsim's, and an extra column. */
struct ForeignTrade {
  float note;
  double seller_price_per_kwh, price_per_kwh, quantity_kwh;
  std::uint64_t seller, buyer, sell_order, buy_order;
  std::uint16_t interval;
};

void write_foreign_trades(const std::string& path, const std::vector<TradeRecord>& trades, bool with_price) {
  std::vector<ForeignTrade> rows;
  for (const TradeRecord& t : trades)
    rows.push_back({1.5f, t.seller_price_per_kwh, t.price_per_kwh, t.quantity_kwh, t.seller, t.buyer, t.sell_order, t.buy_order,
                    static_cast<std::uint16_t>(t.interval)});
  using R = ForeignTrade;
  const Id memory{H5Tcreate(H5T_COMPOUND, sizeof(R)), H5Tclose};
  const Id stored{H5Tcreate(H5T_COMPOUND, 100), H5Tclose};
  std::size_t offset = 0;
  const auto add = [&](const char* name, std::size_t memory_offset, hid_t memory_type, hid_t stored_type) {
    if (!with_price && std::strcmp(name, "price_per_kwh") == 0) return;
    H5Tinsert(memory.id, name, memory_offset, memory_type);
    H5Tinsert(stored.id, name, offset, stored_type);
    offset += H5Tget_size(stored_type) + 3;  // gaps: not packed
  };
  add("note", HOFFSET(R, note), H5T_NATIVE_FLOAT, H5T_IEEE_F32LE);
  add("seller_price_per_kwh", HOFFSET(R, seller_price_per_kwh), H5T_NATIVE_DOUBLE, H5T_IEEE_F64BE);
  add("price_per_kwh", HOFFSET(R, price_per_kwh), H5T_NATIVE_DOUBLE, H5T_IEEE_F64BE);
  add("quantity_kwh", HOFFSET(R, quantity_kwh), H5T_NATIVE_DOUBLE, H5T_IEEE_F64BE);
  add("seller", HOFFSET(R, seller), H5T_NATIVE_UINT64, H5T_STD_U64BE);
  add("buyer", HOFFSET(R, buyer), H5T_NATIVE_UINT64, H5T_STD_U16BE);
  add("sell_order", HOFFSET(R, sell_order), H5T_NATIVE_UINT64, H5T_STD_U64BE);
  add("buy_order", HOFFSET(R, buy_order), H5T_NATIVE_UINT64, H5T_STD_U64BE);
  add("interval", HOFFSET(R, interval), H5T_NATIVE_UINT16, H5T_STD_U16BE);
  ASSERT_LE(offset, 100u);
  const Id file{H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
  const hsize_t count = rows.size();
  const Id space{H5Screate_simple(1, &count, nullptr), H5Sclose};
  const Id data{H5Dcreate2(file.id, "/trades", stored.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Dclose};
  ASSERT_GE(data.id, 0);
  ASSERT_GE(H5Dwrite(data.id, memory.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), 0);
}

TEST_F(TraceReaderTest, ReadsColumnsByNameWhateverTheStoredLayout) {
  const std::vector<TradeRecord> trades = make_sample().trades;
  const std::string trace = path("foreign.h5");
  write_foreign_trades(trace, trades, /*with_price=*/true);
  expect_rows(read_table<TradeRecord>(trace), trades);
  std::vector<TradeRecord> read;  // a contiguous dataset, read block by block
  for_each_row<TradeRecord>(trace, [&](const TradeRecord& row) { read.push_back(row); });
  expect_rows(read, trades);
}

/** The InputError from reading /trades of `path`, or "" if none was thrown. */
std::string read_trades_error(const std::string& path) {
  try {
    read_table<TradeRecord>(path);
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "";
}

TEST_F(TraceReaderTest, BadInputIsAnInputErrorNamingFileAndDataset) {
  const auto expect_names = [](const std::string& message, const std::string& file,
                               std::initializer_list<const char*> words) {
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("/trades"), std::string::npos) << message;
    for (const char* word : words) EXPECT_NE(message.find(word), std::string::npos) << word << " in " << message;
  };
  const std::string missing = path("missing.h5");
  expect_names(read_trades_error(missing), missing, {"no such file"});

  const std::string text = path("not-a-trace.h5");
  std::ofstream(text) << "this is not HDF5\n";
  expect_names(read_trades_error(text), text, {"HDF5"});

  const std::string no_trades = path("no-trades.h5");
  write_trace(no_trades, make_sample());
  {
    const Id file{H5Fopen(no_trades.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
    ASSERT_GE(H5Ldelete(file.id, "/trades", H5P_DEFAULT), 0);
  }
  expect_names(read_trades_error(no_trades), no_trades, {"missing dataset"});

  const std::string no_price = path("no-price.h5");
  write_foreign_trades(no_price, make_sample().trades, /*with_price=*/false);
  expect_names(read_trades_error(no_price), no_price, {"price_per_kwh"});
  // ... unless that column is not asked for.
  EXPECT_EQ(read_table<TradeRecord>(no_price, {"quantity_kwh"}).size(), make_sample().trades.size());
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
