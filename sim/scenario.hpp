#pragma once
/** A scenario file, parsed and validated into typed values (the ONLY YAML parser in ebsim).
 *
 * Every quantity is already converted to ebsim's internal units (s, bytes, bytes/s,
 * kW, kWh, currency per kWh). CSV profiles are already read and resampled to one
 * value per market interval. The format is documented in scenarios/README.md. Defaults that a
 * model also has are taken from the model's Params (written once, there).
 */
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/agents/battery.hpp"
#include "models/agents/market_agent.hpp"
#include "models/agents/profiles.hpp"
#include "models/agents/strategies/strategy.hpp"
#include "models/consensus/consortium_params.hpp"
#include "models/grid/grid_model.hpp"
#include "models/grid/zonal.hpp"
#include "models/ledger/crypto_suite.hpp"
#include "models/market/security_check.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/exchange.hpp"
#include "models/p2p/block.hpp"
#include "sim/input_error.hpp"
#include "sim/runtime_options.hpp"

namespace ebsim::sim {

/** A network link: one-way latency and bandwidth. */
struct LinkSpec {
  double latency_s = 0.0;
  double bandwidth_bytes_per_s = 0.0;
};

/** Where a participant's load or PV profile comes from. */
struct ProfileSpec {
  enum class Kind { kNone, kSynthetic, kCsv };
  Kind kind = Kind::kNone;
  double daily_energy_kwh = 0.0;   // synthetic load: mean energy per day
  double peak_power_kw = 0.0;      // synthetic PV: rated (peak) power
  double noise = 0.0;              // synthetic: relative standard deviation of per-interval noise
  std::string csv_path;            // csv: the file as given (resolved relative to the scenario)
  std::vector<double> csv_power_kw;  // csv: mean power per market interval, scale applied
};

/** A battery; `share` of the group's members have one (the first round(share*count) members). */
struct BatterySpec {
  bool present = false;
  double share = 1.0;           // fraction of the group equipped, in [0, 1]
  double capacity_kwh = 0.0;    // usable energy capacity
  double power_kw = 0.0;        // max charge and discharge power
  double efficiency = agents::BatteryParams{}.efficiency;  // one-way (charge and discharge each), in (0, 1]
  double initial_soc = 0.5;     // state of charge at the start, fraction of capacity
};

/** How a participant prices its orders. */
struct StrategySpec {
  std::string type = "truthful";  // a name in agents::StrategyRegistry
  agents::StrategyParams params;  // its parameters, as the scenario gives them
};

class ParticipantKind;
class KindSpec;

/** A group of identical-by-specification participants (each draws its own random profile). */
struct ParticipantGroup {
  std::string name;
  std::string type;                      // a name in ParticipantKindRegistry (sim/participant_kind.hpp)
  const ParticipantKind* kind = nullptr;  // that kind
  std::shared_ptr<const KindSpec> spec;   // what the kind read of the group's own keys (load, pv, ...)
  std::uint32_t count = 0;
  StrategySpec strategy;  // how members price their orders (kinds that bid with a strategy)
  LinkSpec access;        // each member's own access link to the backbone
  int bus = 0;            // external bus number of every member in the grid (only with a bus-branch grid)
  std::size_t zone = 0;   // position in GridSpec::zonal.zones of every member's zone (only with a zonal grid)
  std::uint32_t management_node = 0;  // consortium: index of the management node that admits the members

  /** The kind's part of the group as its own type (HouseholdSpec, PlantSpec, ...). REQUIRES: of that kind. */
  template <typename Spec>
  const Spec& spec_as() const {
    return dynamic_cast<const Spec&>(*spec);
  }
};

struct MarketSpec {
  std::string design = "centralized";  // a name in MarketDesignRegistry (sim/market_design_registry.hpp)
  std::string clearing_rule = "pay_as_clear";  // a name in ClearingRuleRegistry
  market::ClearingRuleParams clearing_params;  // the rule's parameters (market.fixed_price), passed to its factory
  double interval_s = 900.0;        // length of one delivery interval
  double gate_closure_s = 300.0;    // the book closes this long before delivery starts
  double bid_window_s = 480.0;      // participants send orders uniformly within this window after the market opens
  double exchange_fee_per_kwh = 0.0;  // charged to buyer and to seller per kWh traded locally
};

struct UtilitySpec {
  double retail_per_kwh = 0.30;   // what the utility charges for energy it sells
  double feed_in_per_kwh = 0.08;  // what it pays for energy it buys
};

/** Simulated sizes of the market's messages (bytes on the wire, headers included). */
struct MessageSizes {
  double bid_bytes = agents::AgentParams{}.bid_bytes;
  double ack_bytes = market::ExchangeParams{}.ack_bytes;
  double result_bytes = market::ExchangeParams{}.result_bytes;  // plus result_per_trade_bytes per trade listed
  double result_per_trade_bytes = market::ExchangeParams{}.result_per_trade_bytes;
  double settlement_bytes = market::ExchangeParams{}.settlement_bytes;
};

struct NetworkSpec {
  std::string model = "CM02";  // SimGrid network/model: "CM02" (latency + size/bandwidth) or "LV08" (TCP-calibrated)
  LinkSpec backbone{0.005, 125e6};
  LinkSpec exchange{0.001, 125e6};  // the exchange's access link
  MessageSizes sizes;
  std::uint32_t max_parallel_sends = RuntimeOptions{}.max_parallel_sends;  // messages one node keeps on the wire at once; more wait in its queue
  double uncontended_below_bytes = 0.0;   // messages up to this size skip bandwidth sharing (runtime.hpp); 0: none
};

/** The physical grid the market runs on (top-level `grid`), for grid-aware clearing rules. */
struct GridSpec {
  bool present = false;
  /** grid.zones instead of grid.file: a zonal grid (zones joined by tie-lines with transfer
   * capacities, the transnational case); participant groups then sit in zones, not at buses. */
  bool zonal = false;
  std::string file_path;   // the case file, resolved relative to the scenario (bus-branch only)
  /** Bus-branch: as read by load_grid_file. Zonal: a mirror of `zonal` for the trace's branch
   * columns: one bus per zone (id = zone id = 1-based position, area = the same) and one branch
   * per tie-line (from_bus/to_bus = the zone ids, RATE_A = capacity in MW, 0 for unlimited). */
  grid::GridModel model;
  grid::ZonalModel zonal_model;  // zonal only: zones in declaration order (id = position + 1), tie-lines
  /** grid.security_check: "none" (default) or "cancel_last" (seed 003 Fig. 5 option A: after a
   * non-nodal rule clears, cancel the trades declared last while a line is overloaded). */
  market::SecurityCheck security_check = market::SecurityCheck::kNone;
  /** The same choice for the consortium's management nodes; "reopen" (option B) exists only there. */
  consensus::SecurityOption security_option = consensus::SecurityOption::kNone;
  /** grid.case_units: "exclude" (default: the nodal OPF clears the participants' orders alone) or
   * "include" (the case's own generators and loads clear next to them, owned by the grid party;
   * bus-branch grids with market.clearing: nodal and market.design: centralized only). */
  bool case_units = false;
};

/** One management node of the consortium design (an area's or country's trading centre). */
struct ManagementNodeSpec {
  std::string name;
  LinkSpec access{0.001, 125e6};  // between the node and its own participants' access network
};

/** How often the primary role moves to the next management node in the rotation. */
enum class RotationPeriod { kInterval, kHour, kDay, kMonth };

/** The consortium design (top-level `consortium`, with market.design: consortium; SPEC §4). */
struct ConsortiumSpec {
  std::vector<ManagementNodeSpec> management_nodes;
  LinkSpec mesh{0.010, 125e6};                 // each management-node-to-management-node link
  std::vector<std::uint32_t> rotation_order;   // management node indexes; default scenario order
  RotationPeriod rotation_period = RotationPeriod::kInterval;
  std::string agreement = consensus::kDefaultAgreementProtocol;  // a name in consensus::AgreementProtocolRegistry
  ledger::SuiteId suite = ledger::SuiteId::kSha256Ed25519;
  consensus::CryptoMode crypto_mode = consensus::CryptoMode::kReal;
  consensus::ChainSync sync = consensus::ChainSync::kHeaders;
  double query_delay_s = agents::ConsortiumAccess{}.query_delay_s;  // after gate closure, participants ask their node for the result,
  double query_spread_s = 60.0;  // each at its own phase in [delay, delay + spread) (no N-to-1 burst)
  double query_retry_s = agents::ConsortiumAccess{}.query_retry_s;  // and ask again if no answer came within this time
  consensus::ConsortiumSizes sizes;
  consensus::ConsortiumTimeouts timeouts;
};

/** Message loss or extra delay between two management nodes, or between a node and a group. */
struct LinkFaultSpec {
  std::string a, b;            // management node or participant group names, as written
  double from_s = 0.0;         // simulated time (already converted from "after the start")
  double until_s = 0.0;
  double loss = 0.0;           // probability each message is lost, in [0, 1]
  double extra_delay_s = 0.0;  // added to every message that is not lost
};

/** Faults and adversaries (top-level `faults`, consortium design only). Times are simulated. */
struct FaultsSpec {
  std::vector<consensus::CrashFault> crashes;
  std::vector<consensus::ByzantineFault> byzantine;
  std::vector<consensus::MisreportFault> misreports;
  std::vector<LinkFaultSpec> links;
  bool empty() const { return crashes.empty() && byzantine.empty() && misreports.empty() && links.empty(); }
};


/** The double-spend experiment (p2p.double_spend): one Monte Carlo per (q, z). */
struct P2pDoubleSpendSpec {
  bool present = false;
  std::vector<double> attacker_shares;     // q, each in (0, 0.5)
  std::vector<std::uint32_t> confirmations;  // z, each in [0, 100]
  std::uint64_t trials = 100000;           // races per (q, z)
};

/** The selfish-mining experiment (p2p.selfish_mining): one Monte Carlo of Eyal and Sirer's state
 * machine per (alpha, gamma). */
struct P2pSelfishMiningSpec {
  bool present = false;
  std::vector<double> pool_shares;   // alpha, each in (0, 0.5)
  std::vector<double> gammas{0.0};   // share of honest miners on the pool's branch in a race, each in [0, 1]
  std::uint64_t blocks = 1000000;    // blocks found per (alpha, gamma)
};

/** The peer-to-peer public chain (top-level `p2p`, with market.design: p2p; SPEC §5). Every
 * participant runs a full node on its own host; miners are extra nodes on their own hosts. */
struct P2pSpec {
  std::string consensus = "pow";         // leader election by name (models/p2p/leader_election.hpp registry)
  double block_interval_s = 15.0;        // PoW: target mean interval T; PoS: slot length
  std::uint32_t peers = 8;               // k: outbound peers each node draws (random_overlay)
  std::vector<double> miner_shares{0.25, 0.25, 0.25, 0.25};  // hash (PoW) or stake (PoS) shares, sum 1
  LinkSpec miner_access{0.005, 12.5e6};  // each miner's access link
  double fee = 0.0001;                   // fee per transaction, scenario currency, paid to the miner
  double transaction_bytes = p2p::Transaction{}.size_bytes;  // an order's transaction size
  double max_block_bytes = p2p::ChainDefaults{}.max_block_bytes;  // block size limit, header included
  double light_share = 0.0;              // share of participants running a light node (the rest run full nodes)
  double tx_relay_interval_s = 2.0;      // mean trickle delay of transaction announcements (0: each at once)
  bool compact_blocks = false;           // block_relay: compact (BIP 152: header + short ids) instead of full
  std::string contract = "call";         // contract mode by name (models/p2p/contract_mode.hpp registry)
  std::uint32_t confirmations = p2p::ChainDefaults{}.confirmations;  // z: a result is final when the interval's closing block has z
  double hash_rate_hps = 1.0e15;         // PoW: network hash rate (hashes per second)
  double joules_per_hash = 3.0e-11;      // PoW: mining hardware efficiency
  std::uint32_t tail_blocks = p2p::ChainDefaults{}.tail_blocks;  // miners stop after the last interval is final plus this many blocks
  P2pDoubleSpendSpec double_spend;
  P2pSelfishMiningSpec selfish_mining;
};

struct SiteSpec {
  double latitude_deg = agents::SyntheticPvParams{}.latitude_deg;  // drives the synthetic PV day length and season
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source_path;   // the file as given on the command line
  std::string yaml_as_run;   // the scenario after --set overrides, re-emitted as YAML (for the trace)
  std::uint64_t seed = 1;
  std::string start_iso;     // ISO-8601 with offset, as written
  std::int64_t start_unix_s = 0;
  int utc_offset_s = 0;      // of start_iso; local time drives profile shapes
  double duration_s = 86400.0;
  std::string currency = "EUR";
  SiteSpec site;
  MarketSpec market;
  UtilitySpec utility;
  NetworkSpec network;
  GridSpec grid;
  ConsortiumSpec consortium;  // with market.design: consortium
  P2pSpec p2p;                // with market.design: p2p
  FaultsSpec faults;
  std::vector<ParticipantGroup> groups;
  /** Sections that were read and checked but do not apply to the chosen design (printed by the CLI). */
  std::vector<std::string> notes;

  /** Number of delivery intervals (duration / interval, which the parser checks is whole). */
  std::uint32_t interval_count() const { return static_cast<std::uint32_t>(duration_s / market.interval_s + 0.5); }
  /** Total participants over all groups. */
  std::uint64_t participant_count() const {
    std::uint64_t n = 0;
    for (const auto& g : groups) n += g.count;
    return n;
  }
};

/** Read, override and validate a scenario file.
 * `overrides` are "dotted.key=value" strings (value parsed as YAML), applied before validation;
 * list items are addressed by index or by their `name` (participants.households.count=10).
 * `seed` replaces the file's seed when given. Throws InputError on any bad input. */
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {},
                       std::optional<std::uint64_t> seed = std::nullopt);

}  // namespace ebsim::sim
