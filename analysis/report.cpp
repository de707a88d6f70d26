#include "analysis/report.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <iomanip>
#include <limits>
#include <map>
#include <numeric>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "analysis/bills.hpp"
#include "models/market/case_units.hpp"
#include "sim/input_error.hpp"
#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/records.hpp"
#include "sim/trace/trace_file.hpp"
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

using TraceReader = trace::TraceFile;

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

/** A fixed-length, NUL-padded name field as a string. */
template <std::size_t N>
std::string name_of(const char (&field)[N]) {
  return std::string(field, strnlen(field, N));
}

/** p50/p90/p99/max of `values` into the given outputs (any may be null); NaN when empty. */
void describe(std::vector<double>& values, double* p50, double* p90, double* p99, double* max) {
  const bool empty = values.empty();
  if (p50 != nullptr) *p50 = empty ? kNaN : percentile(values, 50);
  if (p90 != nullptr) *p90 = empty ? kNaN : percentile(values, 90);
  if (p99 != nullptr) *p99 = empty ? kNaN : percentile(values, 99);
  if (max != nullptr) *max = empty ? kNaN : *std::max_element(values.begin(), values.end());
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
  describe(latencies_s, &s.latency_p50_s, &s.latency_p90_s, &s.latency_p99_s, &s.latency_max_s);
}

void read_trades(const std::string& path, RunSummary& s) {
  double value = 0.0;  // sum of quantity * price, currency
  trace::for_each_row<trace::TradeRecord>(
      path,
      [&](const trace::TradeRecord& row) {
        ++s.trades;
        s.local_traded_kwh += row.quantity_kwh;
        value += row.quantity_kwh * row.price_per_kwh;
        const bool grid_sells = row.seller == market::kGridParty, grid_buys = row.buyer == market::kGridParty;
        if (grid_sells && !grid_buys) s.participants_bought_from_grid_party_kwh += row.quantity_kwh;
        if (grid_buys && !grid_sells) s.participants_sold_to_grid_party_kwh += row.quantity_kwh;
      },
      {"quantity_kwh", "price_per_kwh", "buyer", "seller"});
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
    s.generation_kwh += row.generation_kwh;
    s.curtailed_kwh += row.curtailed_kwh;
    s.utility_import_kwh += row.utility_import_kwh;
    s.utility_export_kwh += row.utility_export_kwh;
    s.participants_paid += row.participants_paid;
    s.utility_received += row.utility_received;
    s.exchange_received += row.exchange_received;
    s.grid_party_sold_kwh += row.grid_party_sold_kwh;
    s.grid_party_bought_kwh += row.grid_party_bought_kwh;
    s.grid_party_received += row.grid_party_received;
    s.max_energy_imbalance_kwh = std::max(s.max_energy_imbalance_kwh, std::fabs(row.energy_imbalance_kwh));
    s.max_money_imbalance = std::max(s.max_money_imbalance, std::fabs(row.money_imbalance));
  });
}

void read_messages(const std::string& path, RunSummary& s) {
  trace::for_each_row<trace::MessageStatRecord>(path, [&](const trace::MessageStatRecord& row) {
    s.messages.push_back({name_of(row.type), row.count, row.bytes, row.lost});
    s.messages_total += row.count;
    s.bytes_total += row.bytes;
    s.messages_lost += row.lost;
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
  trace::for_each_row<trace::LineFlowRecord>(
      path,
      [&](const trace::LineFlowRecord& row) {
        if (row.limit_mw > 0.0) s.max_line_loading = std::fmax(s.max_line_loading, std::abs(row.flow_mw) / row.limit_mw);
      },
      {"flow_mw", "limit_mw"});
}

// ---------------------------------------------------------------------------
// Consortium chain

/** /blocks and /block_transactions: chain size, growth, bid -> final block latency. */
void read_chain(const TraceReader& trace, const std::string& path, ConsortiumSummary& c) {
  std::map<std::uint64_t, double> appended_s;  // height -> first_appended_s
  double first_s = kNaN, last_s = kNaN;
  double bytes_total = 0.0, first_block_bytes = 0.0;
  trace::for_each_row<trace::BlockRecord>(
      path,
      [&](const trace::BlockRecord& row) {
        ++c.blocks;
        c.transactions_per_block_max = std::max<std::uint64_t>(c.transactions_per_block_max, row.transaction_count);
        appended_s[row.height] = row.first_appended_s;
        if (!(row.first_appended_s >= first_s)) first_block_bytes = row.bytes;  // the earliest block
        first_s = std::fmin(first_s, row.first_appended_s);  // fmin/fmax ignore the NaN start value
        last_s = std::fmax(last_s, row.first_appended_s);
        bytes_total += row.bytes;
        c.block_bytes_max = std::max(c.block_bytes_max, row.bytes);
      },
      {"height", "transaction_count", "first_appended_s", "bytes"});
  const double span_h = (last_s - first_s) / 3600.0;
  const bool has_span = c.blocks >= 2 && span_h > 0;
  c.chain_growth_blocks_per_h = has_span ? static_cast<double>(c.blocks - 1) / span_h : kNaN;
  c.chain_growth_bytes_per_h = has_span ? (bytes_total - first_block_bytes) / span_h : kNaN;
  c.block_bytes_mean = c.blocks > 0 ? bytes_total / static_cast<double>(c.blocks) : kNaN;

  std::vector<double> latencies_s;
  trace::for_each_row<trace::BlockTransactionRecord>(
      path,
      [&](const trace::BlockTransactionRecord& row) {
        ++c.transactions;
        const auto block = appended_s.find(row.height);
        if (block == appended_s.end())
          trace.fail("/block_transactions: a transaction of height " + std::to_string(row.height) +
                     ", which has no row in /blocks");
        latencies_s.push_back(block->second - std::max(row.buy_submitted_s, row.sell_submitted_s));
      },
      {"height", "buy_submitted_s", "sell_submitted_s"});
  c.transactions_per_block_mean =
      c.blocks > 0 ? static_cast<double>(c.transactions) / static_cast<double>(c.blocks) : kNaN;
  describe(latencies_s, &c.final_latency_p50_s, &c.final_latency_p90_s, &c.final_latency_p99_s,
           &c.final_latency_max_s);
}

/** /rounds, /failovers, /refusals, /disputes: round times, faults and recovery. */
void read_rounds(const std::string& path, ConsortiumSummary& c) {
  std::set<std::uint32_t> failover_intervals;
  trace::for_each_row<trace::FailoverRecordRow>(path, [&](const trace::FailoverRecordRow& row) {
    ++c.failovers;
    failover_intervals.insert(row.interval);
  });
  std::vector<double> round_s, recovery_s;
  trace::for_each_row<trace::RoundRecord>(
      path,
      [&](const trace::RoundRecord& row) {
        ++c.rounds;
        const double time_s = row.final_s - row.gate_closure_s;
        round_s.push_back(time_s);
        if (failover_intervals.count(row.interval) != 0) recovery_s.push_back(time_s);
      },
      {"interval", "gate_closure_s", "final_s"});
  describe(round_s, &c.round_time_p50_s, nullptr, nullptr, &c.round_time_max_s);
  c.rounds_with_failover = recovery_s.size();
  c.recovery_mean_s = recovery_s.empty() ? kNaN
                                         : std::accumulate(recovery_s.begin(), recovery_s.end(), 0.0) /
                                               static_cast<double>(recovery_s.size());
  describe(recovery_s, nullptr, nullptr, nullptr, &c.recovery_max_s);

  trace::for_each_row<trace::RefusalRecord>(path, [&](const trace::RefusalRecord&) { ++c.refusals; }, {"interval"});
  double resolution_sum_s = 0.0;
  trace::for_each_row<trace::DisputeRecordRow>(path, [&](const trace::DisputeRecordRow& row) {
    ++c.disputes;
    if (row.upheld != 0) ++c.disputes_upheld;
    if (row.resolved_s >= 0) {
      ++c.disputes_resolved;
      resolution_sum_s += row.resolved_s - row.raised_s;
    }
  });
  c.dispute_resolution_mean_s =
      c.disputes_resolved > 0 ? resolution_sum_s / static_cast<double>(c.disputes_resolved) : kNaN;
}

/** /cpu and /link_messages. */
void read_cost(const std::string& path, ConsortiumSummary& c) {
  trace::for_each_row<trace::CpuRecord>(path, [&](const trace::CpuRecord& row) {
    c.cpu.push_back({name_of(row.role), row.id, row.crypto_s, row.clearing_s});
    c.crypto_cpu_s += row.crypto_s;
    c.clearing_cpu_s += row.clearing_s;
  });
  trace::for_each_row<trace::LinkMessageRecord>(
      path,
      [&](const trace::LinkMessageRecord& row) {
        const std::string from = name_of(row.from_role), to = name_of(row.to_role);
        auto link = std::find_if(c.links.begin(), c.links.end(),
                                 [&](const LinkSummary& l) { return l.from_role == from && l.to_role == to; });
        if (link == c.links.end()) link = c.links.insert(c.links.end(), LinkSummary{from, to, 0, 0, 0, {}});
        link->count += row.count;
        link->bytes += row.bytes;
        link->lost += row.lost;
        const std::string type = name_of(row.type);
        auto entry = std::find_if(link->types.begin(), link->types.end(),
                                  [&](const MessageTypeSummary& t) { return t.type == type; });
        if (entry == link->types.end()) entry = link->types.insert(link->types.end(), MessageTypeSummary{type, 0, 0, 0});
        entry->count += row.count;
        entry->bytes += row.bytes;
        entry->lost += row.lost;
      },
      {"type", "from_role", "to_role", "count", "bytes", "lost"});
}

void read_consortium(const TraceReader& trace, const std::string& path, ConsortiumSummary& c) {
  // Older traces may lack the consortium attributes; a consortium trace from this ebsim has them.
  for (auto [name, field] : {std::pair{"consortium_agreement", &c.agreement}, std::pair{"crypto_suite", &c.crypto_suite},
                             std::pair{"crypto_mode", &c.crypto_mode}})
    if (trace.has_attribute(name)) *field = trace.string_attribute(name);
  read_chain(trace, path, c);
  read_rounds(path, c);
  read_cost(path, c);
}

// ---------------------------------------------------------------------------
// Peer-to-peer chain

/** Median of `values` (NaN if empty); reorders them. */
double median(std::vector<double>& values) {
  if (values.empty()) return kNaN;
  return percentile(values, 50);
}

void read_p2p(const std::string& path, P2pSummary& p) {
  trace::for_each_row<trace::P2pChainRecord>(path, [&](const trace::P2pChainRecord& row) {
    p.consensus = row.consensus == 1 ? "pos" : "pow";
    p.contract = row.contract == 1 ? "continuous" : "call";
    p.block_interval_s = row.block_interval_s;
    p.confirmations = row.confirmations;
    p.nodes = row.nodes;
    p.light_nodes = row.light_nodes;
    p.miners = row.miners;
    p.peers = row.peers;
    p.blocks = row.blocks;
    p.stale_blocks = row.stale_blocks;
    p.height = row.height;
    p.stale_rate = row.stale_rate;
    p.propagation_mean_s = row.propagation_mean_s;
    p.stale_rate_model = row.stale_rate_model;
    p.hashes = row.hashes;
    p.energy_j = row.energy_j;
    p.fees = row.fees;
    p.transactions = row.transactions;
    p.results_reverted = row.results_reverted;
    p.reorgs = row.reorgs;
    p.max_reorg_depth = row.max_reorg_depth;
  });
  std::vector<double> p50, p90;
  double max_s = kNaN, first_s = kNaN, last_s = kNaN;
  trace::for_each_row<trace::P2pBlockRecord>(path, [&](const trace::P2pBlockRecord& row) {
    if (!std::isnan(row.propagation_p50_s)) p50.push_back(row.propagation_p50_s);
    if (!std::isnan(row.propagation_p90_s)) p90.push_back(row.propagation_p90_s);
    max_s = std::fmax(max_s, row.propagation_max_s);
    if (row.stale == 0) {
      first_s = std::fmin(first_s, row.found_s);
      last_s = std::fmax(last_s, row.found_s);
    }
  });
  p.propagation_p50_s = median(p50);
  p.propagation_p90_s = median(p90);
  p.propagation_max_s = max_s;
  p.throughput_tx_per_s = last_s > first_s ? static_cast<double>(p.transactions) / (last_s - first_s) : kNaN;
  std::vector<double> latencies_s;
  trace::for_each_row<trace::P2pConfirmationRecord>(path, [&](const trace::P2pConfirmationRecord& row) {
    if (row.in_time != 0) ++p.orders_in_time;
    else ++p.orders_late;
    if (row.final_s >= 0) latencies_s.push_back(row.latency_s);
  });
  describe(latencies_s, &p.confirmation_p50_s, &p.confirmation_p90_s, nullptr, &p.confirmation_max_s);
  trace::for_each_row<trace::P2pDoubleSpendRecord>(path, [&](const trace::P2pDoubleSpendRecord& row) {
    p.double_spend.push_back(
        {row.q, row.z, row.trials, row.successes, row.measured, row.low_99, row.high_99, row.exact, row.nakamoto});
  });
  trace::for_each_row<trace::P2pSelfishMiningRecord>(path, [&](const trace::P2pSelfishMiningRecord& row) {
    p.selfish_mining.push_back(
        {row.alpha, row.gamma, row.blocks, row.relative_revenue, row.standard_error, row.closed_form});
  });
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
  void heading(std::string_view label) { out_ << "  " << label << '\n'; }
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

/** A message-count line: "<count> msg, <bytes> B", and ", <lost> lost" when any was lost. */
void print_message_type(TablePrinter& table, const std::string& label, const MessageTypeSummary& type) {
  std::string unit = "msg, " + std::to_string(type.bytes) + " B";
  if (type.lost != 0) unit += ", " + std::to_string(type.lost) + " lost";
  table.number(label, std::to_string(type.count), unit);
}

void print_consortium(TablePrinter& table, const ConsortiumSummary& c) {
  table.section("Consortium chain");
  table.text("agreement", c.agreement);
  table.text("crypto suite", c.crypto_suite);
  table.text("crypto mode", c.crypto_mode);
  table.number("blocks", std::to_string(c.blocks));
  table.number("transactions", std::to_string(c.transactions));
  table.number("transactions/block mean", fixed(c.transactions_per_block_mean, 2));
  table.number("transactions/block max", std::to_string(c.transactions_per_block_max));
  table.number("block size mean", fixed(c.block_bytes_mean, 0), "B");
  table.number("block size max", fixed(c.block_bytes_max, 0), "B");
  table.number("chain growth", fixed(c.chain_growth_blocks_per_h, 2), "blocks/h");
  table.number("chain growth", fixed(c.chain_growth_bytes_per_h / 1e3, 1), "kB/h");

  table.section("Bid -> final block (per trade: later order sent -> block appended)");
  table.number("p50", fixed(c.final_latency_p50_s, 4), "s");
  table.number("p90", fixed(c.final_latency_p90_s, 4), "s");
  table.number("p99", fixed(c.final_latency_p99_s, 4), "s");
  table.number("max", fixed(c.final_latency_max_s, 4), "s");

  table.section("Rounds and faults");
  table.number("rounds", std::to_string(c.rounds));
  table.number("round time p50", fixed(c.round_time_p50_s, 4), "s (gate closure -> final)");
  table.number("round time max", fixed(c.round_time_max_s, 4), "s");
  table.number("rounds with failover", std::to_string(c.rounds_with_failover));
  table.number("failovers", std::to_string(c.failovers));
  table.number("recovery time mean", fixed(c.recovery_mean_s, 4), "s");
  table.number("recovery time max", fixed(c.recovery_max_s, 4), "s");
  table.number("refusals", std::to_string(c.refusals));
  table.number("disputes", std::to_string(c.disputes));
  table.number("disputes upheld", std::to_string(c.disputes_upheld));
  table.number("dispute resolution mean", fixed(c.dispute_resolution_mean_s, 4),
               "s (" + std::to_string(c.disputes_resolved) + " resolved)");

  table.section("CPU time (seconds on the calibration machine)");
  for (const CpuSummary& cpu : c.cpu) {
    const std::string label = cpu.role == "management_node" ? "management node " + std::to_string(cpu.id) : cpu.role;
    table.number(label, fixed(cpu.crypto_s, 6), "s crypto, " + fixed(cpu.clearing_s, 6) + " s clearing");
  }
  table.number("total", fixed(c.crypto_cpu_s, 6), "s crypto, " + fixed(c.clearing_cpu_s, 6) + " s clearing");

  table.section("Traffic by link");
  for (const LinkSummary& link : c.links) {
    table.heading(link.from_role + " -> " + link.to_role);
    print_message_type(table, "  total", {"", link.count, link.bytes, link.lost});
    for (const MessageTypeSummary& type : link.types) print_message_type(table, "  " + type.type, type);
  }
}

void print_p2p(std::ostream& out, TablePrinter& table, const P2pSummary& p, const std::string& currency) {
  table.section("Peer-to-peer chain");
  table.text("consensus", p.consensus);
  table.text("contract", p.contract);
  table.number("block interval", fixed(p.block_interval_s, 2), "s");
  table.number("confirmations", std::to_string(p.confirmations));
  table.number("nodes", std::to_string(p.nodes),
               "(" + std::to_string(p.light_nodes) + " light, " + std::to_string(p.miners) + " miners, k = " +
                   std::to_string(p.peers) + ")");
  table.number("blocks made", std::to_string(p.blocks));
  table.number("final chain height", std::to_string(p.height));
  table.number("stale blocks", std::to_string(p.stale_blocks));
  table.number("stale rate", fixed(p.stale_rate, 4));
  table.number("1 - exp(-tau/T)", fixed(p.stale_rate_model, 4), "(tau = mean propagation to the other miners)");
  table.number("tau", fixed(p.propagation_mean_s, 4), "s");
  table.number("reorganisations", std::to_string(p.reorgs), "(all nodes; deepest " + std::to_string(p.max_reorg_depth) + ")");
  table.number("results reverted", std::to_string(p.results_reverted), "(node, interval)");

  table.section("Block propagation (per block, to the other nodes)");
  table.number("p50 (median block)", fixed(p.propagation_p50_s, 4), "s");
  table.number("p90 (median block)", fixed(p.propagation_p90_s, 4), "s");
  table.number("max", fixed(p.propagation_max_s, 4), "s");

  table.section("Confirmation (order sent -> interval final at its node)");
  table.number("orders included in time", std::to_string(p.orders_in_time));
  table.number("orders late", std::to_string(p.orders_late));
  table.number("p50", fixed(p.confirmation_p50_s, 4), "s");
  table.number("p90", fixed(p.confirmation_p90_s, 4), "s");
  table.number("max", fixed(p.confirmation_max_s, 4), "s");
  table.number("transactions (final chain)", std::to_string(p.transactions));
  table.number("throughput", fixed(p.throughput_tx_per_s, 4), "tx/s");
  table.number("fees to miners", fixed(p.fees, 4), currency);
  table.number("hashes", scientific(p.hashes));
  table.number("consensus energy", fixed(p.energy_j / 3.6e6, 3), "kWh");

  if (!p.double_spend.empty()) {
    table.section("Double spend (attacker share q, z confirmations)");
    out << "     q   z     trials     measured  [99 % interval]           exact (Rosenfeld)  Nakamoto   exact in CI\n";
    for (const DoubleSpendRow& d : p.double_spend) {
      char line[200];
      std::snprintf(line, sizeof line, "  %4.2f %3u %10llu   %.6f  [%.6f, %.6f]   %.6f           %.6f   %s\n", d.q, d.z,
                    static_cast<unsigned long long>(d.trials), d.measured, d.low_99, d.high_99, d.exact, d.nakamoto,
                    d.exact >= d.low_99 && d.exact <= d.high_99 ? "yes" : "no");
      out << line;
    }
  }

  if (!p.selfish_mining.empty()) {
    table.section("Selfish mining (pool share alpha; gamma: honest share mining on the pool's block in a race)");
    out << "  alpha  gamma      blocks   revenue  [+- 3 SE]             Eyal-Sirer  fair (alpha)  pays off\n";
    for (const SelfishMiningRow& m : p.selfish_mining) {
      char line[200];
      std::snprintf(line, sizeof line, "  %5.3f  %5.3f %11llu   %.5f  [%.5f, %.5f]   %.5f     %.5f       %s\n", m.alpha,
                    m.gamma, static_cast<unsigned long long>(m.blocks), m.relative_revenue,
                    m.relative_revenue - 3 * m.standard_error, m.relative_revenue + 3 * m.standard_error, m.closed_form,
                    m.alpha,
                    m.relative_revenue - 3 * m.standard_error > m.alpha   ? "yes"
                    : m.relative_revenue + 3 * m.standard_error < m.alpha ? "no"
                                                                          : "break-even");
      out << line;
    }
  }
}

}  // namespace

bool has_grid_party(const RunSummary& s) { return s.grid_party_sold_kwh > 0.0 || s.grid_party_bought_kwh > 0.0; }

namespace {

/** The part of the results only one market design has: read from the trace after the common
 * tables, printed after the latency section. A design with a section of its own is one row here. */
struct DesignSection {
  std::string_view design;  // the trace's market_design attribute
  void (*read)(const TraceReader& trace, const std::string& path, RunSummary& s);
  void (*print)(std::ostream& out, TablePrinter& table, const RunSummary& s, const std::string& currency);
};

const DesignSection kDesignSections[]{
    {"consortium", [](const TraceReader& trace, const std::string& path, RunSummary& s) {
       read_consortium(trace, path, s.consortium);
     },
     [](std::ostream&, TablePrinter& table, const RunSummary& s, const std::string&) {
       print_consortium(table, s.consortium);
     }},
    {"p2p", [](const TraceReader&, const std::string& path, RunSummary& s) { read_p2p(path, s.p2p); },
     [](std::ostream& out, TablePrinter& table, const RunSummary& s, const std::string& currency) {
       print_p2p(out, table, s.p2p, currency);
     }},
};

/** The design's own section, or null (the centralized exchange has none). */
const DesignSection* design_section(const std::string& design) {
  for (const DesignSection& section : kDesignSections)
    if (section.design == design) return &section;
  return nullptr;
}

}  // namespace

RunSummary summarize_trace(const std::string& path) {
  const TraceReader trace(path);
  RunSummary summary;
  read_metadata(trace, summary);
  // A trace has every table, even when empty.
  for (const char* dataset : {"/groups", "/participants", "/settlement"}) trace.open_dataset(dataset);
  summary.bills = read_group_bills(trace, path);
  read_orders(path, summary);
  read_trades(path, summary);
  read_intervals(path, summary);
  read_messages(path, summary);
  read_security_checks(path, summary);
  if (const DesignSection* section = design_section(summary.market_design)) section->read(trace, path, summary);
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
  if (s.generation_kwh > 0.0 || s.curtailed_kwh > 0.0) {
    table.number("plant generation", fixed(s.generation_kwh, 3), "kWh");
    table.number("plant output curtailed", fixed(s.curtailed_kwh, 3), "kWh (dispatchable plants, not sold)");
  }
  table.number("traded locally", fixed(s.local_traded_kwh, 3), "kWh");
  table.number("cancelled by grid check", fixed(s.security_cancelled_kwh, 3), "kWh");
  if (!std::isnan(s.max_line_loading))
    table.number("max line loading", fixed(100.0 * s.max_line_loading, 1), "% (final trades, /line_flows)");
  if (has_grid_party(s)) {
    table.number("case generators sold", fixed(s.grid_party_sold_kwh, 3), "kWh (grid party)");
    table.number("case loads bought", fixed(s.grid_party_bought_kwh, 3), "kWh (grid party)");
    table.number("bought from grid party", fixed(s.participants_bought_from_grid_party_kwh, 3), "kWh (participants)");
    table.number("sold to grid party", fixed(s.participants_sold_to_grid_party_kwh, 3), "kWh (participants)");
  }
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
  if (has_grid_party(s)) table.number("grid party received", fixed(s.grid_party_received, 2), currency);
  table.number("declared welfare", fixed(s.declared_welfare, 2), currency);

  table.section("Bills (mean per member over the run: paid minus received)");
  for (const GroupBill& bill : s.bills)
    table.number(bill.name + " (" + std::to_string(bill.members) + ")", fixed(bill.bill_per_member, 2),
                 currency + " (utility only: " + fixed(bill.utility_only_per_member, 2) + ")");

  table.section("Network");
  table.number("messages", std::to_string(s.messages_total));
  table.number("bytes", std::to_string(s.bytes_total), "B");
  if (s.messages_lost != 0) table.number("lost", std::to_string(s.messages_lost), "msg");
  for (const MessageTypeSummary& type : s.messages) print_message_type(table, "  " + type.type, type);

  table.section("Latency (order sent -> result received)");
  table.number("p50", fixed(s.latency_p50_s, 4), "s");
  table.number("p90", fixed(s.latency_p90_s, 4), "s");
  table.number("p99", fixed(s.latency_p99_s, 4), "s");
  table.number("max", fixed(s.latency_max_s, 4), "s");

  if (const DesignSection* section = design_section(s.market_design)) section->print(out, table, s, currency);

  table.section("Invariants (largest per-interval |imbalance|)");
  table.number("energy", scientific(s.max_energy_imbalance_kwh), "kWh");
  table.number("money", scientific(s.max_money_imbalance), currency);
}

}  // namespace ebsim::analysis
