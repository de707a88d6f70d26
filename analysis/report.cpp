#include "analysis/report.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/records.hpp"
#include "sim/trace/trace_reader.hpp"

// Reads the layout written by sim/trace/trace_writer.cpp (docs/trace-format.md): the root
// attributes here, the tables with sim/trace/trace_reader, block by block so that memory
// stays bounded whatever a table's length. Columns are matched by name, so extra or
// reordered columns in a trace do not matter; of /orders and /trades, which can have
// millions of rows, only the columns a summary needs are read.

namespace ebsim::analysis {
namespace {

using sim::InputError;
using trace::detail::Handle;
using trace::detail::take_hdf5_innermost_error_text;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kTraceFormatName = "ebsim-trace";
constexpr std::uint32_t kNewestTraceFormatVersion = 1;

/** An open trace file; every failure is an InputError naming the file and the object. */
class TraceReader {
 public:
  explicit TraceReader(const std::string& path) : path_(path), file_(open_file(path), H5Fclose) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError("trace " + path_ + ": " + what);
  }

  /** A root attribute stored as a (fixed- or variable-length) string. */
  std::string string_attribute(const char* name) const {
    const Handle attribute = open_attribute(name);
    const Handle type(H5Aget_type(attribute.get()), H5Tclose);
    if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING)
      fail(std::string("attribute /@") + name + " is not a string");
    if (H5Tis_variable_str(type.get()) > 0) return read_variable_string(attribute.get(), type.get(), name);
    std::string value(H5Tget_size(type.get()), '\0');
    if (H5Aread(attribute.get(), type.get(), value.data()) < 0) fail_reading_attribute(name);
    value.resize(strnlen(value.data(), value.size()));
    return value;
  }

  /** A numeric root attribute, converted to T (uint32, uint64 or double). */
  template <class T>
  T number_attribute(const char* name) const {
    const Handle attribute = open_attribute(name);
    const Handle type(H5Aget_type(attribute.get()), H5Tclose);
    const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
    const bool want_integer = std::is_integral_v<T>;
    if (type_class != (want_integer ? H5T_INTEGER : H5T_FLOAT))
      fail(std::string("attribute /@") + name + " is not " + (want_integer ? "an integer" : "a float"));
    T value{};
    const hid_t memory_type = std::is_same_v<T, double>          ? H5T_NATIVE_DOUBLE
                              : std::is_same_v<T, std::uint32_t> ? H5T_NATIVE_UINT32
                                                                 : H5T_NATIVE_UINT64;
    if (H5Aread(attribute.get(), memory_type, &value) < 0) fail_reading_attribute(name);
    return value;
  }

  /** Opens a dataset; a missing one is an InputError naming it. */
  Handle open_dataset(const char* dataset_path) const {
    if (H5Lexists(file_.get(), dataset_path, H5P_DEFAULT) <= 0)
      fail(std::string("missing dataset ") + dataset_path);
    Handle dataset(H5Dopen2(file_.get(), dataset_path, H5P_DEFAULT), H5Dclose);
    if (!dataset.valid()) fail(std::string(dataset_path) + " is not a dataset");
    return dataset;
  }

 private:
  static hid_t open_file(const std::string& path) {
    // Every failure becomes an InputError, not HDF5's automatic printing of its error stack.
    trace::detail::silence_hdf5_error_printing();
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
      throw InputError("trace " + path + ": no such file");
    const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
    if (is_hdf5 < 0)
      throw InputError("trace " + path + ": cannot read: " + take_hdf5_innermost_error_text());
    if (is_hdf5 == 0) throw InputError("trace " + path + ": not an HDF5 file");
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
      throw InputError("trace " + path + ": cannot open: " + take_hdf5_innermost_error_text());
    return file;
  }

  Handle open_attribute(const char* name) const {
    if (H5Aexists(file_.get(), name) <= 0) fail(std::string("missing attribute /@") + name);
    Handle attribute(H5Aopen(file_.get(), name, H5P_DEFAULT), H5Aclose);
    if (!attribute.valid()) fail_reading_attribute(name);
    return attribute;
  }

  [[noreturn]] void fail_reading_attribute(const char* name) const {
    fail(std::string("cannot read attribute /@") + name + ": " + take_hdf5_innermost_error_text());
  }

  std::string read_variable_string(hid_t attribute, hid_t type, const char* name) const {
    char* text = nullptr;
    const Handle memory_type(H5Tcopy(type), H5Tclose);
    if (!memory_type.valid() || H5Aread(attribute, memory_type.get(), &text) < 0)
      fail_reading_attribute(name);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }

  std::string path_;
  Handle file_;
};

void read_metadata(const TraceReader& trace, RunSummary& s) {
  if (trace.string_attribute("format") != kTraceFormatName)
    trace.fail("attribute /@format is not \"" + std::string(kTraceFormatName) + "\"");
  const auto version = trace.number_attribute<std::uint32_t>("format_version");
  if (version == 0 || version > kNewestTraceFormatVersion)
    trace.fail("attribute /@format_version is " + std::to_string(version) + ", this ebsim reads up to " +
               std::to_string(kNewestTraceFormatVersion));
  s.scenario_name = trace.string_attribute("scenario_name");
  s.market_design = trace.string_attribute("market_design");
  s.clearing_rule = trace.string_attribute("clearing_rule");
  s.network_model = trace.string_attribute("network_model");
  s.currency = trace.string_attribute("currency");
  s.ebsim_version = trace.string_attribute("ebsim_version");
  s.start_iso = trace.string_attribute("start_iso");
  s.seed = trace.number_attribute<std::uint64_t>("seed");
  s.participants = trace.number_attribute<std::uint64_t>("participant_count");
  s.intervals = trace.number_attribute<std::uint32_t>("interval_count");
  s.interval_s = trace.number_attribute<double>("interval_s");
  s.events = trace.number_attribute<std::uint64_t>("events");
}

/** 1-based nearest rank of the `percent`-th percentile of n sorted values: ceil(percent/100 * n),
 * in integers so that e.g. p90 of 100 values is exactly the 90th. REQUIRES: n > 0. */
std::size_t nearest_rank(std::size_t n, std::size_t percent) {
  return std::max<std::size_t>(1, (percent * n + 99) / 100);
}

/** The nearest-rank percentile (reorders `values`). REQUIRES: values non-empty. */
double percentile(std::vector<double>& values, std::size_t percent) {
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(nearest_rank(values.size(), percent) - 1);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

void read_orders(const std::string& path, RunSummary& s) {
  std::vector<double> latencies_s;  // only orders that got a result
  trace::for_each_row<trace::OrderRecord>(
      path,
      [&](const trace::OrderRecord& row) {
        ++s.orders;
        if (row.status == 1) ++s.orders_late;  // market::OrderStatus::kLate
        else if (row.status != 0) ++s.orders_rejected_other;
        if (row.result_received_s >= 0) latencies_s.push_back(row.result_received_s - row.submitted_s);
      },
      {"status", "submitted_s", "result_received_s"});
  if (latencies_s.empty()) {
    s.latency_p50_s = s.latency_p90_s = s.latency_p99_s = s.latency_max_s = kNaN;
    return;
  }
  s.latency_p50_s = percentile(latencies_s, 50);
  s.latency_p90_s = percentile(latencies_s, 90);
  s.latency_p99_s = percentile(latencies_s, 99);
  s.latency_max_s = *std::max_element(latencies_s.begin(), latencies_s.end());
}

void read_trades(const std::string& path, RunSummary& s) {
  double value = 0.0;  // sum of quantity * price, currency
  trace::for_each_row<trace::TradeRecord>(
      path,
      [&](const trace::TradeRecord& row) {
        ++s.trades;
        s.local_traded_kwh += row.quantity_kwh;
        value += row.quantity_kwh * row.price_per_kwh;
      },
      {"quantity_kwh", "price_per_kwh"});
  s.price_mean_per_kwh = s.local_traded_kwh > 0 ? value / s.local_traded_kwh : kNaN;
}

void read_intervals(const std::string& path, RunSummary& s) {
  s.price_min_per_kwh = kNaN;
  s.price_max_per_kwh = kNaN;
  trace::for_each_row<trace::IntervalRecord>(path, [&](const trace::IntervalRecord& row) {
    if (row.has_price != 0) {
      ++s.intervals_with_price;
      // fmin/fmax ignore the NaN start value.
      s.price_min_per_kwh = std::fmin(s.price_min_per_kwh, row.clearing_price_per_kwh);
      s.price_max_per_kwh = std::fmax(s.price_max_per_kwh, row.clearing_price_per_kwh);
    }
    s.declared_welfare += row.declared_welfare;
    s.load_kwh += row.load_kwh;
    s.pv_kwh += row.pv_kwh;
    s.utility_import_kwh += row.utility_import_kwh;
    s.utility_export_kwh += row.utility_export_kwh;
    s.participants_paid += row.participants_paid;
    s.utility_received += row.utility_received;
    s.exchange_received += row.exchange_received;
    s.max_energy_imbalance_kwh = std::max(s.max_energy_imbalance_kwh, std::fabs(row.energy_imbalance_kwh));
    s.max_money_imbalance = std::max(s.max_money_imbalance, std::fabs(row.money_imbalance));
  });
}

void read_messages(const std::string& path, RunSummary& s) {
  trace::for_each_row<trace::MessageStatRecord>(path, [&](const trace::MessageStatRecord& row) {
    s.messages.push_back({std::string(row.type, strnlen(row.type, sizeof row.type)), row.count, row.bytes});
    s.messages_total += row.count;
    s.bytes_total += row.bytes;
  });
}

void read_security_checks(const std::string& path, RunSummary& s) {
  trace::for_each_row<trace::SecurityCheckRecord>(
      path,
      [&](const trace::SecurityCheckRecord& row) {
        ++s.security_cancelled_trades;
        s.security_cancelled_kwh += row.quantity_kwh;
      },
      {"quantity_kwh"});
}

// ---------------------------------------------------------------------------
// Printing

constexpr int kLabelWidth = 26;
constexpr int kValueWidth = 16;

/** `value` with `decimals` digits after the point, or "-" when it is NaN (nothing to show). */
std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  std::ostringstream text;
  text << std::fixed << std::setprecision(decimals) << value;
  return text.str();
}

std::string scientific(double value) {
  if (std::isnan(value)) return "-";
  std::ostringstream text;
  text << std::scientific << std::setprecision(2) << value;
  return text.str();
}

/** Writes labelled rows: numbers right-aligned in one column, followed by their unit. */
class TablePrinter {
 public:
  explicit TablePrinter(std::ostream& out) : out_(out) {}

  void section(std::string_view title) {
    if (!first_section_) out_ << '\n';
    first_section_ = false;
    out_ << title << '\n';
  }
  void text(std::string_view label, std::string_view value) {
    out_ << "  " << std::left << std::setw(kLabelWidth) << label << value << '\n';
  }
  void number(std::string_view label, const std::string& value, std::string_view unit = "") {
    out_ << "  " << std::left << std::setw(kLabelWidth) << label << std::right << std::setw(kValueWidth)
         << value;
    if (!unit.empty()) out_ << ' ' << unit;
    out_ << '\n';
  }

 private:
  std::ostream& out_;
  bool first_section_ = true;
};

}  // namespace

RunSummary summarize_trace(const std::string& path) {
  const TraceReader trace(path);
  RunSummary summary;
  read_metadata(trace, summary);
  // A trace has every table, even when empty; /groups, /participants and /settlement are
  // not summarised but must be there.
  for (const char* dataset : {"/groups", "/participants", "/settlement"}) trace.open_dataset(dataset);
  read_orders(path, summary);
  read_trades(path, summary);
  read_intervals(path, summary);
  read_messages(path, summary);
  read_security_checks(path, summary);
  return summary;
}

void print_summary(std::ostream& out, const RunSummary& s, double wall_time_s) {
  const std::string currency = s.currency.empty() ? "currency" : s.currency;
  const std::string per_kwh = currency + "/kWh";
  TablePrinter table(out);

  table.section("Run");
  table.text("scenario", s.scenario_name);
  table.text("market design", s.market_design);
  table.text("clearing rule", s.clearing_rule);
  table.text("network model", s.network_model);
  table.text("start", s.start_iso);
  table.text("ebsim version", s.ebsim_version);
  table.number("seed", std::to_string(s.seed));
  table.number("participants", std::to_string(s.participants));
  table.number("intervals", std::to_string(s.intervals));
  table.number("interval length", fixed(s.interval_s, 0), "s");
  table.number("events", std::to_string(s.events));
  table.number("wall time", wall_time_s < 0 ? "n/a" : fixed(wall_time_s, 2), wall_time_s < 0 ? "" : "s");

  table.section("Orders");
  table.number("orders sent", std::to_string(s.orders));
  table.number("accepted", std::to_string(s.orders - s.orders_late - s.orders_rejected_other));
  table.number("rejected late", std::to_string(s.orders_late));
  table.number("rejected other", std::to_string(s.orders_rejected_other));
  table.number("trades", std::to_string(s.trades));
  table.number("cancelled by grid check", std::to_string(s.security_cancelled_trades));

  table.section("Energy");
  table.number("load", fixed(s.load_kwh, 3), "kWh");
  table.number("pv", fixed(s.pv_kwh, 3), "kWh");
  table.number("traded locally", fixed(s.local_traded_kwh, 3), "kWh");
  table.number("cancelled by grid check", fixed(s.security_cancelled_kwh, 3), "kWh");
  table.number("utility import", fixed(s.utility_import_kwh, 3), "kWh");
  table.number("utility export", fixed(s.utility_export_kwh, 3), "kWh");

  table.section("Prices");
  table.number("intervals with price", std::to_string(s.intervals_with_price) + " / " + std::to_string(s.intervals));
  table.number("mean (volume-weighted)", fixed(s.price_mean_per_kwh, 4), per_kwh);
  table.number("min clearing", fixed(s.price_min_per_kwh, 4), per_kwh);
  table.number("max clearing", fixed(s.price_max_per_kwh, 4), per_kwh);

  table.section("Money");
  table.number("participants paid", fixed(s.participants_paid, 2), currency);
  table.number("utility received", fixed(s.utility_received, 2), currency);
  table.number("exchange received", fixed(s.exchange_received, 2), currency);
  table.number("declared welfare", fixed(s.declared_welfare, 2), currency);

  table.section("Network");
  table.number("messages", std::to_string(s.messages_total));
  table.number("bytes", std::to_string(s.bytes_total), "B");
  for (const MessageTypeSummary& type : s.messages)
    table.number("  " + type.type, std::to_string(type.count), "msg, " + std::to_string(type.bytes) + " B");

  table.section("Latency (order sent -> result received)");
  table.number("p50", fixed(s.latency_p50_s, 4), "s");
  table.number("p90", fixed(s.latency_p90_s, 4), "s");
  table.number("p99", fixed(s.latency_p99_s, 4), "s");
  table.number("max", fixed(s.latency_max_s, 4), "s");

  table.section("Invariants (largest per-interval |imbalance|)");
  table.number("energy", scientific(s.max_energy_imbalance_kwh), "kWh");
  table.number("money", scientific(s.max_money_imbalance), currency);
}

}  // namespace ebsim::analysis
