#include "analysis/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <limits>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ebsim::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kMinValueWidth = 12;
constexpr std::size_t kColumnGap = 2;

/** `value` with `decimals` digits after the point, or "-" when it is NaN (as the report prints). */
std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  std::ostringstream text;
  text << std::fixed << std::setprecision(decimals) << value;
  return text.str();
}

bool is_consortium(const RunSummary& s) { return s.market_design == "consortium"; }

/** One row: its label, a cell per run and, with two runs, the ratio cell ("" when none). */
struct Row {
  std::string label;
  std::vector<std::string> cells;
  std::string ratio;
};

/** A figure of a run; nullopt when it does not apply to that run (printed "-"). */
using Figure = std::function<std::optional<double>(const RunSummary&)>;

class ComparisonTable {
 public:
  explicit ComparisonTable(const std::vector<RunSummary>& runs) : runs_(runs) {}

  /** Adds a row of `figure` printed with `decimals` digits (0: an integer); `ratio` adds
   * column 2 / column 1 when there are exactly two runs. */
  void add(std::string label, const Figure& figure, int decimals, bool ratio = false) {
    Row row{std::move(label), {}, ""};
    std::vector<double> values;
    for (const RunSummary& run : runs_) {
      const std::optional<double> value = figure(run);
      values.push_back(value.value_or(kNaN));
      row.cells.push_back(value ? fixed(*value, decimals) : "-");
    }
    if (ratio && runs_.size() == 2) {
      const bool defined = !std::isnan(values[0]) && !std::isnan(values[1]) && values[0] != 0.0;
      row.ratio = defined ? fixed(values[1] / values[0], 3) : "-";
    }
    rows_.push_back(std::move(row));
  }

  void print(std::ostream& out, const std::vector<std::string>& first_header,
             const std::vector<std::string>& second_header) const {
    const bool with_ratio = runs_.size() == 2;  // a row without a ratio ends at its last run
    std::size_t label_width = 0;
    for (const Row& row : rows_) label_width = std::max(label_width, row.label.size());
    label_width += kColumnGap;
    std::vector<std::size_t> widths(runs_.size(), kMinValueWidth);
    for (std::size_t i = 0; i < runs_.size(); ++i) {
      widths[i] = std::max({widths[i], first_header[i].size(), second_header[i].size()});
      for (const Row& row : rows_) widths[i] = std::max(widths[i], row.cells[i].size());
    }
    const auto line = [&](const std::string& label, const std::vector<std::string>& cells, const std::string& ratio) {
      std::ostringstream text;
      text << std::left << std::setw(static_cast<int>(label_width)) << label << std::right;
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) text << std::string(kColumnGap, ' ');
        text << std::setw(static_cast<int>(widths[i])) << cells[i];
      }
      if (!ratio.empty()) text << std::string(kColumnGap, ' ') << std::setw(static_cast<int>(kMinValueWidth)) << ratio;
      std::string printed = text.str();
      printed.erase(printed.find_last_not_of(' ') + 1);  // no trailing blanks (npos + 1 == 0)
      out << printed << '\n';
    };
    line("", first_header, with_ratio ? "ratio" : "");
    line("", second_header, with_ratio ? "2 / 1" : "");
    for (const Row& row : rows_) line(row.label, row.cells, row.ratio);
  }

 private:
  const std::vector<RunSummary>& runs_;
  std::vector<Row> rows_;
};

/** The runs' common currency, or "currency" when they differ or none is named. */
std::string common_currency(const std::vector<RunSummary>& runs) {
  if (runs.empty() || runs.front().currency.empty()) return "currency";
  for (const RunSummary& run : runs)
    if (run.currency != runs.front().currency) return "currency";
  return runs.front().currency;
}

std::optional<double> count(std::uint64_t n) { return static_cast<double>(n); }

/** A consortium figure: nullopt for other designs. */
Figure consortium(const std::function<double(const ConsortiumSummary&)>& figure) {
  return [figure](const RunSummary& s) -> std::optional<double> {
    if (!is_consortium(s)) return std::nullopt;
    return figure(s.consortium);
  };
}

/** A peer-to-peer chain figure: nullopt for other designs. */
Figure p2p_chain(const std::function<double(const P2pSummary&)>& figure) {
  return [figure](const RunSummary& s) -> std::optional<double> {
    if (s.market_design != "p2p") return std::nullopt;
    return figure(s.p2p);
  };
}

}  // namespace

void print_comparison(std::ostream& out, const std::vector<RunSummary>& summaries,
                      const std::vector<std::string>& labels) {
  if (labels.size() != summaries.size())
    throw std::invalid_argument("print_comparison: " + std::to_string(summaries.size()) + " summaries but " +
                                std::to_string(labels.size()) + " labels");
  const std::string currency = common_currency(summaries);
  ComparisonTable table(summaries);
  table.add("participants", [](const RunSummary& s) { return count(s.participants); }, 0);
  table.add("intervals", [](const RunSummary& s) { return count(s.intervals); }, 0);
  table.add("orders", [](const RunSummary& s) { return count(s.orders); }, 0);
  table.add("trades", [](const RunSummary& s) { return count(s.trades); }, 0);
  table.add("traded locally (kWh)", [](const RunSummary& s) { return std::optional(s.local_traded_kwh); }, 3);
  table.add("mean price (" + currency + "/kWh)",
            [](const RunSummary& s) { return std::optional(s.price_mean_per_kwh); }, 4);
  table.add("participants paid (" + currency + ")",
            [](const RunSummary& s) { return std::optional(s.participants_paid); }, 2);
  table.add("grid party received (" + currency + ")", [](const RunSummary& s) -> std::optional<double> {
    if (!has_grid_party(s)) return std::nullopt;  // no case generators or loads in the market
    return s.grid_party_received;
  }, 2);
  table.add("declared welfare (" + currency + ")",
            [](const RunSummary& s) { return std::optional(s.declared_welfare); }, 2);
  table.add("messages", [](const RunSummary& s) { return count(s.messages_total); }, 0, true);
  table.add("bytes", [](const RunSummary& s) { return count(s.bytes_total); }, 0, true);
  table.add("bytes per trade", [](const RunSummary& s) -> std::optional<double> {
    if (s.trades == 0) return std::nullopt;
    return static_cast<double>(s.bytes_total) / static_cast<double>(s.trades);
  }, 1);
  table.add("latency p50 (s)", [](const RunSummary& s) { return std::optional(s.latency_p50_s); }, 4, true);
  table.add("latency p90 (s)", [](const RunSummary& s) { return std::optional(s.latency_p90_s); }, 4, true);
  table.add("latency p99 (s)", [](const RunSummary& s) { return std::optional(s.latency_p99_s); }, 4);
  table.add("blocks", consortium([](const ConsortiumSummary& c) { return static_cast<double>(c.blocks); }), 0);
  table.add("bid -> final block p50 (s)",
            consortium([](const ConsortiumSummary& c) { return c.final_latency_p50_s; }), 4);
  table.add("bid -> final block p90 (s)",
            consortium([](const ConsortiumSummary& c) { return c.final_latency_p90_s; }), 4);
  table.add("crypto CPU (s)", consortium([](const ConsortiumSummary& c) { return c.crypto_cpu_s; }), 6);
  table.add("clearing CPU (s)", consortium([](const ConsortiumSummary& c) { return c.clearing_cpu_s; }), 6);
  table.add("disputes", consortium([](const ConsortiumSummary& c) { return static_cast<double>(c.disputes); }), 0);
  table.add("failovers", consortium([](const ConsortiumSummary& c) { return static_cast<double>(c.failovers); }), 0);
  table.add("p2p blocks made", p2p_chain([](const P2pSummary& p) { return static_cast<double>(p.blocks); }), 0);
  table.add("p2p stale rate", p2p_chain([](const P2pSummary& p) { return p.stale_rate; }), 4);
  table.add("p2p order -> final p50 (s)", p2p_chain([](const P2pSummary& p) { return p.confirmation_p50_s; }), 4);
  table.add("p2p order -> final p90 (s)", p2p_chain([](const P2pSummary& p) { return p.confirmation_p90_s; }), 4);
  table.add("p2p fees (" + currency + ")", p2p_chain([](const P2pSummary& p) { return p.fees; }), 4);
  table.add("consensus energy (kWh)", p2p_chain([](const P2pSummary& p) { return p.energy_j / 3.6e6; }), 3);

  std::vector<std::string> designs;
  for (const RunSummary& s : summaries) designs.push_back(s.scenario_name + " (" + s.market_design + ")");
  table.print(out, designs, labels);
}

}  // namespace ebsim::analysis
