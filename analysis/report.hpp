#pragma once
/** The results table of one run, computed from its HDF5 trace alone
 * (`ebsim run` prints it after writing the trace; `ebsim report TRACE.h5` reprints it). */
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace ebsim::analysis {

struct MessageTypeSummary {
  std::string type;
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
};

struct RunSummary {
  // metadata
  std::string scenario_name, market_design, clearing_rule, network_model, currency, ebsim_version, start_iso;
  std::uint64_t seed = 0;
  std::uint64_t participants = 0;
  std::uint32_t intervals = 0;
  double interval_s = 0.0;
  std::uint64_t events = 0;
  // market
  std::uint64_t orders = 0, orders_late = 0, orders_rejected_other = 0, trades = 0;
  std::uint64_t security_cancelled_trades = 0;  // rows of /security_checks
  double security_cancelled_kwh = 0.0;
  double local_traded_kwh = 0.0;
  double utility_import_kwh = 0.0, utility_export_kwh = 0.0;
  double load_kwh = 0.0, pv_kwh = 0.0;
  std::uint32_t intervals_with_price = 0;
  double price_mean_per_kwh = 0.0;   // volume-weighted mean over local trades (NaN if none)
  double price_min_per_kwh = 0.0;    // over intervals with a clearing price (NaN if none)
  double price_max_per_kwh = 0.0;
  double declared_welfare = 0.0;
  double participants_paid = 0.0;    // total bills (net of revenues)
  double utility_received = 0.0;
  double exchange_received = 0.0;
  // network
  std::vector<MessageTypeSummary> messages;
  std::uint64_t messages_total = 0, bytes_total = 0;
  // bid (sent) -> result received, over orders that got a result; seconds
  double latency_p50_s = 0.0, latency_p90_s = 0.0, latency_p99_s = 0.0, latency_max_s = 0.0;
  // invariants (largest absolute per-interval imbalance)
  double max_energy_imbalance_kwh = 0.0, max_money_imbalance = 0.0;
};

/** Read a trace and compute its summary. Throws ebsim::sim::InputError (naming the file and
 * dataset) if the file is not a readable ebsim trace. */
RunSummary summarize_trace(const std::string& path);

/** Print the results table. `wall_time_s` < 0 prints "n/a" (traces do not store wall time,
 * to stay byte-identical across runs). */
void print_summary(std::ostream& out, const RunSummary& summary, double wall_time_s = -1.0);

}  // namespace ebsim::analysis
