// The peer-to-peer design (SPEC §5, issue 5): every participant runs a node of a public chain next
// to its own agent (a full node, or a light node for a share of them), miners (PoW) or validators
// (PoS) are extra nodes on their own hosts, orders are transactions, and the market contract
// clears each delivery interval from the chain. The model is models/p2p/ (docs/p2p.md): the full
// node and the contract's finality rule (peer_node.hpp, chain_contract.hpp), the light-client
// protocol (light_client.hpp), leader election by name (leader_election.hpp). This file is the
// glue: it builds the nodes from the scenario and adds them to the runtime, and after the run it
// settles on the final chain, checks the invariants and writes the trace rows.
//
// Settlement uses the final chain at the end of the run (the best chain with most work over all
// nodes); a result a node gave on a branch that was later replaced is counted
// (/p2p_chain results_reverted), not hidden. The overlay joins the full nodes and miners only.
//
// END OF THE RUN. Miners stop once, at their own node, the last interval is final and its closing
// block has tail_blocks more confirmations; the gossip then drains and the engine stops.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>

#include "models/core/invariant.hpp"
#include "models/core/rng.hpp"
#include "models/market/settlement.hpp"
#include "models/p2p/contract_mode.hpp"
#include "models/p2p/double_spend.hpp"
#include "models/p2p/leader_election.hpp"
#include "models/p2p/light_client.hpp"
#include "models/p2p/overlay.hpp"
#include "models/p2p/peer_node.hpp"
#include "models/p2p/pow.hpp"
#include "models/p2p/propagation.hpp"
#include "models/p2p/selfish_mining.hpp"
#include "sim/market_design.hpp"
#include "sim/market_design_registry.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim {
namespace {

using p2p::BlockId;
using p2p::BlockPtr;
using p2p::LightNode;
using p2p::ParticipantNode;
using p2p::PeerNode;

/** Where each interval settled on the final chain. */
struct FinalGates {
  std::vector<BlockId> gate;            // per interval: last block of its order set
  std::vector<std::uint64_t> closing;   // per interval: height of its closing block
};

/** Totals of the p2p_blocks rows, for the p2p_chain row. */
struct BlockTotals {
  std::uint64_t stale = 0;     // blocks off the final chain
  double tau_sum_s = 0.0;      // sum over blocks that reached another miner of their miners' mean delay
  std::uint64_t tau_blocks = 0;
};

class P2pDesign final : public DesignRun {
 public:
  explicit P2pDesign(const Scenario& sc)
      : spec_(sc.p2p),
        participants_(static_cast<NodeId>(sc.participant_count())),
        miners_(static_cast<NodeId>(sc.p2p.miner_shares.size())),
        seed_(sc.seed),
        election_(p2p::LeaderElectionRegistry::instance().create(spec_.consensus, election_params(std::nullopt))),
        contract_mode_(p2p::ContractModeRegistry::instance().create(spec_.contract)) {
    if (!election_) throw std::invalid_argument("p2p design: no leader election called '" + spec_.consensus + "'");
    if (!contract_mode_) throw std::invalid_argument("p2p design: no contract mode called '" + spec_.contract + "'");
  }

  std::vector<std::string> roles() const override { return {"participant", "peer", "miner"}; }

  void configure_participant(agents::AgentParams& params, const ParticipantGroup&) override {
    params.market_node = peer_node(params.id);  // its own full node, on the same host
  }

  void add_market_nodes(RunContext& run) override {
    const Scenario& sc = run.scenario;
    contract_ = std::make_unique<p2p::ContractCache>(*contract_mode_, run.rule, run.grid, sc.seed);
    const std::size_t n = participants_ + miners_;
    light_ = p2p::choose_light_participants(participants_, spec_.light_share, sc.seed);
    // The overlay joins the full nodes (participants' full nodes, then miners) only.
    std::vector<NodeId> full_ids;
    for (std::size_t i = 0; i < n; ++i)
      if (i >= participants_ || !light_[i]) full_ids.push_back(node_of_slot(i));
    const p2p::Overlay overlay = p2p::random_overlay(full_ids.size(), spec_.peers, sc.seed);
    // Light clients' servers: full participant nodes if there are any, else the miners.
    // (full_ids lists the participants' full nodes first.)
    const auto participant_servers = static_cast<std::size_t>(std::count(light_.begin(), light_.end(), false));
    const std::size_t servers = participant_servers > 0 ? participant_servers : full_ids.size();
    genesis_ = p2p::make_genesis();
    auto tx_locator = std::make_shared<p2p::TxLocator>();  // one for every node: blocks are shared
    std::size_t overlay_index = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const bool miner = i >= participants_;
      simgrid::s4u::Host* host = miner ? run.platform.miners[i - participants_] : run.platform.participants[i];
      NodeId id = kNoNode;
      if (!miner && light_[i]) {
        Rng draw(sc.seed, "p2p/light_server", i);
        id = add_light_node(run, i, full_ids[draw.below(servers)], host);
      } else {
        std::vector<NodeId> peers;
        for (const std::uint32_t peer : overlay[overlay_index]) peers.push_back(full_ids[peer]);
        ++overlay_index;
        id = add_peer_node(run, i, std::move(peers), tx_locator, host);
      }
      if (id != node_of_slot(i)) throw std::logic_error("p2p design: unexpected node id");
    }
  }

  void finish(RunContext& run) override {
    const p2p::BlockTree& tree = p2p::heaviest_peer(peers_).inner().tree();  // the final chain
    const FinalGates gates = settle_intervals(run, tree);
    check_nothing_lost(run);
    write_confirmations(run, tree, gates);
    const BlockTotals totals = write_blocks(run.writer, tree);
    write_chain(run.writer, tree, totals, gates);
    if (spec_.double_spend.present) run_double_spend(run.scenario, spec_.double_spend, run.writer);
    if (spec_.selfish_mining.present) run_selfish_mining(run.scenario, spec_.selfish_mining, run.writer);
  }

  void fill_metadata(trace::RunMetadata& metadata) const override { metadata.market_design = "p2p"; }

 private:
  /** Node ids: participants 0..N-1, their nodes (full or light) N..2N-1, miners 2N..2N+M-1. */
  NodeId peer_node(ParticipantId p) const { return participants_ + p; }
  NodeId node_of_slot(std::size_t slot) const { return participants_ + static_cast<NodeId>(slot); }

  /** The leader election's parameters for a node that is block maker `maker` (none: not a maker). */
  p2p::LeaderElectionParams election_params(std::optional<std::size_t> maker) const {
    p2p::LeaderElectionParams e;
    e.block_interval_s = spec_.block_interval_s;
    e.shares = spec_.miner_shares;
    e.maker = maker;
    e.schedule_seed = seed_;
    e.network_hash_rate_hps = spec_.hash_rate_hps;
    e.joules_per_hash = spec_.joules_per_hash;
    return e;
  }

  /** Participant `i`'s light node, served by full node `server`. */
  NodeId add_light_node(RunContext& run, std::size_t i, NodeId server, simgrid::s4u::Host* host) {
    p2p::LightNodeParams l;
    l.owner = static_cast<NodeId>(i);
    l.server = server;
    l.intervals = run.timing.intervals;
    l.fee = spec_.fee;
    l.transaction_bytes = spec_.transaction_bytes;
    auto node = std::make_unique<LightNode>(l);
    participant_nodes_.push_back(node.get());
    return run.runtime.add_node(std::move(node), host, "p2p_light", i, 1);
  }

  /** The full node of slot `i` (a participant's below participants_, else a miner's). */
  NodeId add_peer_node(RunContext& run, std::size_t i, std::vector<NodeId> peers,
                       const std::shared_ptr<p2p::TxLocator>& tx_locator, simgrid::s4u::Host* host) {
    const Scenario& sc = run.scenario;
    const bool miner = i >= participants_;
    p2p::PeerNodeParams s;
    p2p::P2pNodeParams& p = s.node;
    p.peers = std::move(peers);
    p.election = spec_.consensus;
    p.election_params = election_params(miner ? std::optional<std::size_t>(i - participants_) : std::nullopt);
    p.max_block_bytes = spec_.max_block_bytes;
    p.tx_relay_interval_s = spec_.tx_relay_interval_s;
    p.compact_blocks = spec_.compact_blocks;
    p.genesis = genesis_;
    p.tx_locator = tx_locator;
    if (!miner) s.owner = static_cast<NodeId>(i);
    s.miner = miner;
    s.timing = &run.timing;
    s.confirmations = spec_.confirmations;
    s.tail_blocks = spec_.tail_blocks;
    s.fee = spec_.fee;
    s.transaction_bytes = spec_.transaction_bytes;
    s.result_bytes = sc.network.sizes.result_bytes;
    s.ack_bytes = sc.network.sizes.ack_bytes;
    s.contract = contract_.get();
    auto node = std::make_unique<PeerNode>(std::move(s));
    connect(*node, node_of_slot(i), miner);
    peers_.push_back(node.get());
    if (!miner) participant_nodes_.push_back(node.get());
    return run.runtime.add_node(std::move(node), host, miner ? "p2p_miner" : "p2p_peer", i, miner ? 2 : 1);
  }

  /** Every interval settles on the final chain: its settlement rows, conservation checked. */
  FinalGates settle_intervals(RunContext& run, const p2p::BlockTree& tree) {
    const Scenario& sc = run.scenario;
    const std::uint32_t intervals = run.timing.intervals;
    FinalGates gates{std::vector<BlockId>(intervals, 0), std::vector<std::uint64_t>(intervals, 0)};
    std::vector<market::MeterReading> readings(run.participants.size());
    std::vector<std::uint32_t> sent(intervals, 0);  // orders sent per interval (from the participants' nodes)
    for (const ParticipantNode* node : participant_nodes_)
      for (const auto& [k, order] : node->orders()) ++sent[k];
    for (IntervalIndex k = 0; k < intervals; ++k) {
      const auto closing = p2p::closing_height(tree, run.timing.gate_closure_time_s(k));
      if (!closing) throw InvariantViolation(run.interval_label(k) + ": the final chain has no block after gate closure (liveness)");
      gates.closing[k] = *closing;
      gates.gate[k] = tree.best_chain()[*closing - 1];
      const p2p::ContractClearing& clearing = contract_->clear(tree, *closing - 1, k, run.timing.market_open_s(k));
      market::ClearedInterval cleared;
      cleared.interval = k;
      cleared.gate_closure_s = run.timing.gate_closure_time_s(k);
      cleared.bids = clearing.bids;
      cleared.offers = clearing.offers;
      const auto included = static_cast<std::uint32_t>(clearing.bids + clearing.offers);
      cleared.rejected_late = sent[k] - std::min<std::uint32_t>(included, sent[k]);
      cleared.result = clearing.result;
      for (ParticipantId i = 0; i < readings.size(); ++i) readings[i] = run.participants[i]->meter(k);
      const market::IntervalSettlement settlement = market::settle_interval(
          k, readings, clearing.result.trades,
          {sc.utility.retail_per_kwh, sc.utility.feed_in_per_kwh, sc.market.exchange_fee_per_kwh});
      market::check_conservation(settlement, run.interval_label(k));
      record_settlement(run.writer, sc, run.timing, run.grid, cleared, settlement);
    }
    return gates;
  }

  /** Nothing lost: every order a participant sent has its final outcome. */
  static void check_nothing_lost(RunContext& run) {
    for (const agents::MarketAgent* p : run.participants) {
      if (p->pending_orders() != 0) {
        throw InvariantViolation("participant " + std::to_string(p->agent_params().id) + " still waits for the result of " +
                                 std::to_string(p->pending_orders()) + " order(s) at the end of the run");
      }
    }
  }

  /** Per order: inclusion on the final chain and finality at its node (p2p_confirmations). */
  void write_confirmations(RunContext& run, const p2p::BlockTree& tree, const FinalGates& gates) const {
    for (const ParticipantNode* node : participant_nodes_) {
      for (const auto& [k, order] : node->orders()) {
        trace::P2pConfirmationRecord row;
        row.order = order.id;
        row.participant = order.participant;
        row.interval = k;
        row.submitted_s = order.submitted_s;
        row.fee = spec_.fee;
        if (const auto block = tree.block_of(order.id)) {
          const BlockPtr b = tree.find(*block);
          row.block = b->id;
          row.included_s = b->mined_s;
          row.in_time = b->height < gates.closing[k] ? 1 : 0;
        }
        if (const auto& f = node->finals()[k]) {
          row.final_s = f->final_s;
          row.latency_s = f->final_s - order.submitted_s;
        }
        run.writer.add(row);
      }
    }
  }

  /** Per block made: stale flag and propagation (p2p_blocks). */
  BlockTotals write_blocks(trace::TraceWriter& writer, const p2p::BlockTree& tree) const {
    BlockTotals totals;
    for (const BlockPtr& b : made_) {
      const p2p::BlockArrivals& a = arrivals_.at(b->id);
      const p2p::PropagationStats s = p2p::propagation_stats(a);
      trace::P2pBlockRecord row;
      row.block = b->id;
      row.parent = b->parent;
      row.height = b->height;
      row.miner = static_cast<std::uint32_t>(b->miner - node_of_slot(participants_));
      row.found_s = b->mined_s;
      row.transactions = static_cast<std::uint32_t>(b->transactions.size());
      row.size_bytes = b->size_bytes;
      row.fees = p2p::block_fees(*b);
      row.stale = tree.on_best_chain(b->id) ? 0 : 1;
      totals.stale += row.stale;
      row.nodes_reached = s.nodes_reached;
      row.propagation_mean_s = s.mean_s;
      row.propagation_miners_mean_s = s.miners_mean_s;
      row.propagation_p50_s = s.p50_s;
      row.propagation_p90_s = s.p90_s;
      row.propagation_max_s = s.max_s;
      if (a.miners != 0) {
        totals.tau_sum_s += row.propagation_miners_mean_s;
        ++totals.tau_blocks;
      }
      writer.add(row);
    }
    return totals;
  }

  /** The run's chain summary (p2p_chain). */
  void write_chain(trace::TraceWriter& writer, const p2p::BlockTree& tree, const BlockTotals& totals,
                   const FinalGates& gates) const {
    trace::P2pChainRecord c;
    c.consensus = election_->trace_code();
    c.contract = contract_mode_->trace_code();
    c.block_interval_s = spec_.block_interval_s;
    c.confirmations = spec_.confirmations;
    c.nodes = static_cast<std::uint32_t>(participants_ + miners_);
    c.light_nodes = static_cast<std::uint32_t>(std::count(light_.begin(), light_.end(), true));
    c.miners = miners_;
    c.peers = spec_.peers;
    c.blocks = made_.size();
    c.stale_blocks = totals.stale;
    c.height = tree.height();
    c.stale_rate = made_.empty() ? std::nan("") : static_cast<double>(totals.stale) / static_cast<double>(made_.size());
    c.propagation_mean_s = totals.tau_blocks ? totals.tau_sum_s / static_cast<double>(totals.tau_blocks) : std::nan("");
    c.stale_rate_model = totals.tau_blocks ? p2p::stale_rate(c.propagation_mean_s, spec_.block_interval_s) : std::nan("");
    if (const auto cost = election_->cost(made_.size())) {
      c.hashes = cost->hashes;
      c.energy_j = cost->energy_j;
    }
    const auto& chain_ids = tree.best_chain();
    for (std::size_t h = 1; h < chain_ids.size(); ++h) {
      const BlockPtr b = tree.find(chain_ids[h]);
      c.fees += p2p::block_fees(*b);
      c.transactions += b->transactions.size();
    }
    for (const PeerNode* peer : peers_) {
      c.reorgs += peer->inner().tree().reorg_count();
      c.max_reorg_depth = std::max<std::uint64_t>(c.max_reorg_depth, peer->inner().tree().max_reorg_depth());
    }
    std::vector<const ParticipantNode*> deciding(participant_nodes_);  // every node that decides on intervals
    for (const PeerNode* peer : peers_)
      if (std::find(deciding.begin(), deciding.end(), peer) == deciding.end()) deciding.push_back(peer);
    for (const ParticipantNode* node : deciding) {
      for (IntervalIndex k = 0; k < gates.gate.size(); ++k) {
        const auto& f = node->finals()[k];
        if (f && f->gate_block != gates.gate[k]) ++c.results_reverted;
      }
    }
    writer.add(c);
  }

  /** The double-spend experiment (pure Monte Carlo of the race, docs/p2p.md). */
  static void run_double_spend(const Scenario& sc, const P2pDoubleSpendSpec& spec, trace::TraceWriter& writer) {
    std::uint64_t index = 0;
    for (const double q : spec.attacker_shares) {
      for (const std::uint32_t z : spec.confirmations) {
        p2p::DoubleSpendParams d;
        d.attacker_share = q;
        d.confirmations = z;
        d.trials = spec.trials;
        d.seed = sc.seed + 0x9E3779B97F4A7C15ULL * ++index;  // one stream per (q, z)
        d.block_interval_s = sc.p2p.block_interval_s;
        const p2p::DoubleSpendEstimate e = p2p::simulate_double_spend(d);
        writer.add(trace::P2pDoubleSpendRecord{q, z, e.trials, e.successes, e.estimate, e.interval_99.low,
                                               e.interval_99.high, e.exact, e.nakamoto, e.mean_success_time_s});
      }
    }
  }

  /** The selfish-mining experiment (pure Monte Carlo of Eyal and Sirer's state machine). */
  static void run_selfish_mining(const Scenario& sc, const P2pSelfishMiningSpec& spec, trace::TraceWriter& writer) {
    std::uint64_t index = 0;
    for (const double alpha : spec.pool_shares) {
      for (const double gamma : spec.gammas) {
        p2p::SelfishMiningParams m;
        m.alpha = alpha;
        m.gamma = gamma;
        m.steps = spec.blocks;
        m.seed = sc.seed + 0xD1B54A32D192ED03ULL * ++index;  // one stream per (alpha, gamma)
        const p2p::SelfishMiningResult r = p2p::simulate_selfish_mining(m);
        writer.add(trace::P2pSelfishMiningRecord{alpha, gamma, spec.blocks, r.pool_blocks, r.honest_blocks,
                                                 r.relative_revenue, r.standard_error,
                                                 p2p::selfish_revenue_closed_form(alpha, gamma)});
      }
    }
  }

  /** Gather the blocks `node` makes and the delays at which it accepts others' blocks. */
  void connect(PeerNode& node, NodeId self, bool miner) {
    node.inner().block_made.connect([this](const BlockPtr& b, double) {
      made_.push_back(b);
      arrivals_.emplace(b->id, p2p::BlockArrivals{});
    });
    node.inner().block_accepted.connect([this, miner, self](const BlockPtr& b, double at_s) {
      if (b->miner == self) return;
      p2p::BlockArrivals& a = arrivals_[b->id];
      const double delay_s = at_s - b->mined_s;
      a.delays_s.push_back(delay_s);
      if (miner) {
        a.miner_delay_sum_s += delay_s;
        ++a.miners;
      }
    });
  }

  const P2pSpec& spec_;
  NodeId participants_;
  NodeId miners_;
  std::uint64_t seed_;
  std::unique_ptr<p2p::LeaderElection> election_;  // the run's election, not a maker's (trace code, cost)
  std::unique_ptr<p2p::ContractMode> contract_mode_;  // how the contract clears (p2p.contract)
  BlockPtr genesis_;
  std::unique_ptr<p2p::ContractCache> contract_;
  std::vector<bool> light_;       // per participant: runs a light node
  std::vector<PeerNode*> peers_;  // full nodes: participants' full nodes, then miners
  std::vector<const ParticipantNode*> participant_nodes_;  // per participant, full or light
  std::vector<BlockPtr> made_;    // in the order they were made
  std::map<BlockId, p2p::BlockArrivals> arrivals_;
};

}  // namespace

std::unique_ptr<DesignRun> make_p2p_design(const Scenario& scenario) { return std::make_unique<P2pDesign>(scenario); }

namespace {
const MarketDesignRegistration kRegistration{
    "p2p", {.section = "p2p", .read_section = scenario_sections::read_p2p_section,
            .check = scenario_sections::check_p2p_design, .build_platform = build_p2p_platform,
            .make_run = make_p2p_design}};
}  // namespace

}  // namespace ebsim::sim
