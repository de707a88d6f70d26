#pragma once
/** The results table of one run, computed from its HDF5 trace alone
 * (`ebsim run` prints it after writing the trace; `ebsim report TRACE.h5` reprints it). */
#include <limits>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace ebsim::analysis {

struct MessageTypeSummary {
  std::string type;
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  std::uint64_t lost = 0;  // dropped by a link fault
};

/** Traffic between two kinds of node (rows of /link_messages with the same from/to roles). */
struct LinkSummary {
  std::string from_role, to_role;  // "participant", "exchange", "management_node"
  std::uint64_t count = 0, bytes = 0, lost = 0;
  std::vector<MessageTypeSummary> types;  // in trace order
};

/** CPU time charged to one market node, or to all participants summed (/cpu). */
struct CpuSummary {
  std::string role;      // "management_node" or "participants"
  std::uint32_t id = 0;  // management node index; 0 for the participants
  double crypto_s = 0.0, clearing_s = 0.0;
};

/** The consortium chain's figures (docs/analysis.md says how each is computed). Filled only for
 * market_design "consortium"; NaN where there is nothing to measure. */
struct ConsortiumSummary {
  std::string agreement, crypto_suite, crypto_mode;  // root attributes
  // chain (/blocks, /block_transactions)
  std::uint64_t blocks = 0, transactions = 0;
  double transactions_per_block_mean = 0.0;
  std::uint64_t transactions_per_block_max = 0;
  double chain_growth_blocks_per_h = 0.0;  // (blocks - 1) / span of first_appended_s
  double block_bytes_mean = 0.0, block_bytes_max = 0.0;  // /blocks.bytes
  double chain_growth_bytes_per_h = 0.0;   // bytes of the blocks after the first / the same span
  // per trade: block first_appended_s - max(buy_submitted_s, sell_submitted_s); seconds
  double final_latency_p50_s = 0.0, final_latency_p90_s = 0.0, final_latency_p99_s = 0.0,
         final_latency_max_s = 0.0;
  // rounds (/rounds): final_s - gate_closure_s; seconds
  std::uint64_t rounds = 0;
  double round_time_p50_s = 0.0, round_time_max_s = 0.0;
  // faults
  std::uint64_t rounds_with_failover = 0;  // rounds whose interval has a row in /failovers
  std::uint64_t failovers = 0, refusals = 0;
  std::uint64_t disputes = 0, disputes_upheld = 0, disputes_resolved = 0;
  double dispute_resolution_mean_s = 0.0;  // resolved_s - raised_s over resolved disputes
  double recovery_mean_s = 0.0, recovery_max_s = 0.0;  // round time of the rounds with failover
  // CPU time (seconds on the calibration machine)
  std::vector<CpuSummary> cpu;  // trace order
  double crypto_cpu_s = 0.0, clearing_cpu_s = 0.0;  // over every /cpu row
  // traffic
  std::vector<LinkSummary> links;  // in order of first appearance in /link_messages
};

/** One (q, z) of the double-spend experiment (/p2p_double_spend). */
struct DoubleSpendRow {
  double q = 0.0;
  std::uint32_t z = 0;
  std::uint64_t trials = 0, successes = 0;
  double measured = 0.0, low_99 = 0.0, high_99 = 0.0, exact = 0.0, nakamoto = 0.0;
};

/** One (alpha, gamma) of the selfish-mining experiment (/p2p_selfish_mining). */
struct SelfishMiningRow {
  double alpha = 0.0, gamma = 0.0;
  std::uint64_t blocks = 0;
  double relative_revenue = 0.0, standard_error = 0.0, closed_form = 0.0;
};

/** The peer-to-peer chain's figures (/p2p_chain, /p2p_blocks, /p2p_confirmations,
 * /p2p_double_spend). Filled only for market_design "p2p"; NaN where there is nothing to measure. */
struct P2pSummary {
  std::string consensus, contract;  // "pow" / "pos", "call" / "continuous"
  double block_interval_s = 0.0;
  std::uint32_t confirmations = 0, nodes = 0, light_nodes = 0, miners = 0, peers = 0;
  std::uint64_t blocks = 0, stale_blocks = 0, height = 0;
  double stale_rate = 0.0, propagation_mean_s = 0.0, stale_rate_model = 0.0;
  // per block, over the nodes other than its maker (/p2p_blocks): median of the blocks' p50 / p90, max of max
  double propagation_p50_s = 0.0, propagation_p90_s = 0.0, propagation_max_s = 0.0;
  // per order: final_s - submitted_s, over orders whose interval became final at their node
  double confirmation_p50_s = 0.0, confirmation_p90_s = 0.0, confirmation_max_s = 0.0;
  std::uint64_t orders_in_time = 0, orders_late = 0;  // included before gate closure, or not
  std::uint64_t transactions = 0;                     // on the final chain
  double throughput_tx_per_s = 0.0;                   // transactions / span of the final chain's found_s
  double fees = 0.0, hashes = 0.0, energy_j = 0.0;
  std::uint64_t results_reverted = 0, reorgs = 0, max_reorg_depth = 0;
  std::vector<DoubleSpendRow> double_spend;
  std::vector<SelfishMiningRow> selfish_mining;
};

/** One participant group's mean bill per member over the run (/groups, /participants, /settlement). */
struct GroupBill {
  std::string name;          // /groups.name
  std::uint32_t members = 0; // /groups.count
  /** Σ /settlement.total_payment of the group's members / members: what a member paid minus what
   * it received, market, fees and utility together; currency. */
  double bill_per_member = 0.0;
  /** The same meter readings settled with the utility alone (each interval's net consumption at
   * the retail tariff, net production at the feed-in tariff) / members; currency. NaN if the
   * trace shows no tariff it needs. */
  double utility_only_per_member = 0.0;
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
  /** With a grid: the largest |flow| / limit of /line_flows over limited lines (NaN without). */
  double max_line_loading = std::numeric_limits<double>::quiet_NaN();
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
  /** The grid party (nodal with grid.case_units: include): the case's generators' sales, its loads'
   * purchases, and its net revenue, summed over /intervals; all 0 without it. */
  double grid_party_sold_kwh = 0.0, grid_party_bought_kwh = 0.0, grid_party_received = 0.0;
  /** Energy participants bought from / sold to the grid party (/trades with it on the other side). */
  double participants_bought_from_grid_party_kwh = 0.0, participants_sold_to_grid_party_kwh = 0.0;
  /** Every group's bill, in /groups order. */
  std::vector<GroupBill> bills;
  // network
  std::vector<MessageTypeSummary> messages;
  std::uint64_t messages_total = 0, bytes_total = 0, messages_lost = 0;
  // bid (sent) -> result received, over orders that got a result; seconds
  double latency_p50_s = 0.0, latency_p90_s = 0.0, latency_p99_s = 0.0, latency_max_s = 0.0;
  // invariants (largest absolute per-interval imbalance)
  double max_energy_imbalance_kwh = 0.0, max_money_imbalance = 0.0;
  // consortium chain (market_design == "consortium" only)
  ConsortiumSummary consortium;
  // peer-to-peer chain (market_design == "p2p" only)
  P2pSummary p2p;
};

/** Whether the case's own generators or loads traded in the run (the grid party, nodal with
 * grid.case_units: include). */
bool has_grid_party(const RunSummary& summary);

/** Read a trace and compute its summary. Throws ebsim::sim::InputError (naming the file and
 * dataset) if the file is not a readable ebsim trace. */
RunSummary summarize_trace(const std::string& path);

/** Print the results table. `wall_time_s` < 0 prints "n/a" (traces do not store wall time,
 * to stay byte-identical across runs). */
void print_summary(std::ostream& out, const RunSummary& summary, double wall_time_s = -1.0);

}  // namespace ebsim::analysis
