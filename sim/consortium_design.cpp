// The consortium design (SPEC §4): management nodes on a full mesh, participants admitted by
// one node each, a rotating primary (or PBFT), and a real chain that goes into the trace.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "models/consensus/consortium_rounds.hpp"
#include "models/consensus/management_node.hpp"
#include "models/core/civil_time.hpp"
#include "models/core/invariant.hpp"
#include "models/ledger/crypto_costs.hpp"
#include "sim/market_design.hpp"
#include "sim/market_design_registry.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim {
namespace {

using consensus::ManagementNode;

/** Seed material of a key: H("ebsim-key" || role || seed || index), so every run with the same
 * seed has the same keys and no two nodes share one. */
ledger::Digest key_seed(const ledger::CryptoSuite& suite, std::string_view role, std::uint64_t seed,
                        std::uint64_t index) {
  std::uint8_t numbers[16];
  for (int i = 0; i < 8; ++i) {
    numbers[i] = static_cast<std::uint8_t>(seed >> (8 * i));
    numbers[8 + i] = static_cast<std::uint8_t>(index >> (8 * i));
  }
  const std::string_view tag = "ebsim-key";
  return ledger::hash_parts(suite, {std::span(reinterpret_cast<const std::uint8_t*>(tag.data()), tag.size()),
                                    std::span(reinterpret_cast<const std::uint8_t*>(role.data()), role.size()),
                                    std::span<const std::uint8_t>(numbers, 16)});
}

/** The scheduled primary of every interval: the rotation moves on once per period. */
std::vector<std::uint32_t> primary_schedule(const Scenario& sc) {
  const ConsortiumSpec& c = sc.consortium;
  const std::uint32_t n = sc.interval_count();
  std::vector<std::uint32_t> primary(n);
  auto term_of = [&](IntervalIndex k) -> std::int64_t {
    const std::int64_t local_s = sc.start_unix_s + sc.utc_offset_s + std::llround(k * sc.market.interval_s);
    const auto floor_div = [](std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); };
    switch (c.rotation_period) {
      case RotationPeriod::kInterval: return k;
      case RotationPeriod::kHour: return floor_div(local_s, 3600);
      case RotationPeriod::kDay: return floor_div(local_s, 86400);
      case RotationPeriod::kMonth: {
        const CivilDate date = civil_from_days(floor_div(local_s, 86400));
        return date.year * 12 + (date.month - 1);
      }
    }
    return k;
  };
  const std::int64_t first = term_of(0);
  for (IntervalIndex k = 0; k < n; ++k) {
    const auto term = static_cast<std::uint64_t>(term_of(k) - first);
    primary[k] = c.rotation_order[term % c.rotation_order.size()];
  }
  return primary;
}

void copy_blob(std::uint8_t (&dst)[trace::kBlobLength], std::uint8_t& length, const ledger::Bytes& src) {
  if (src.size() > trace::kBlobLength) throw std::logic_error("a key or signature longer than the trace's blob column");
  std::memset(dst, 0, sizeof dst);
  std::memcpy(dst, src.data(), src.size());
  length = static_cast<std::uint8_t>(src.size());
}

class ConsortiumDesign final : public DesignRun {
 public:
  explicit ConsortiumDesign(const Scenario& sc)
      : spec_(sc.consortium), seed_(sc.seed), suite_(sc.consortium.suite),
        first_node_(static_cast<NodeId>(sc.participant_count())) {
    const std::uint64_t n = sc.participant_count();
    directory_ = std::make_shared<ledger::LedgerDirectory>();
    directory_->participant_signatures = spec_.crypto_mode == consensus::CryptoMode::kReal;
    directory_->participant_area.reserve(n);
    for (const ParticipantGroup& group : sc.groups) {
      directory_->participant_area.insert(directory_->participant_area.end(), group.count, group.management_node);
    }
    // Every management node checks every co-signature of every block: identical checks of
    // identical bytes. Each is still charged as CPU time on its node; the memo only spares the
    // host from redoing the same OpenSSL work (about 3x less wall time on large runs).
    suite_.remember_verifications(1u << 20);
    const std::size_t m = spec_.management_nodes.size();
    for (std::size_t i = 0; i < m; ++i) {
      signing_keys_.push_back(suite_.derive_signing_key(key_seed(suite_, "management-signing", sc.seed, i)));
      encryption_keys_.push_back(suite_.derive_encryption_key(key_seed(suite_, "management-encryption", sc.seed, i)));
      directory_->management_keys.push_back(signing_keys_.back().public_key);
    }
    if (directory_->participant_signatures) {
      // Real crypto: every participant has its own key (modeled crypto charges the work only).
      participant_keys_.reserve(n);
      directory_->participant_keys.reserve(n);
      for (std::uint64_t i = 0; i < n; ++i) {
        participant_keys_.push_back(suite_.derive_signing_key(key_seed(suite_, "participant-signing", sc.seed, i)));
        directory_->participant_keys.push_back(participant_keys_.back().public_key);
      }
    }
  }

  std::vector<std::string> roles() const override { return {"participant", "management_node"}; }

  void configure_participant(agents::AgentParams& params, const ParticipantGroup& group) override {
    params.market_node = first_node_ + group.management_node;
    agents::ConsortiumAccess access;
    access.suite = &suite_;
    access.crypto_mode = spec_.crypto_mode;
    if (!participant_keys_.empty()) access.signing_key = participant_keys_[params.id];
    access.management_encryption_key = encryption_keys_[group.management_node].public_key;
    access.check_against_sync = spec_.sync != consensus::ChainSync::kNone;
    // Each participant's client polls at its own phase: a burst of N queries at one instant
    // would cost SimGrid O(N) per message (SIMGRID-NOTES) and is not how clients behave. The
    // phase has its own stream so the participant's bidding draws stay those of the other designs.
    Rng phase(seed_, "consortium/query-phase", params.id);
    access.query_delay_s = spec_.query_delay_s + phase.uniform(0.0, spec_.query_spread_s);
    access.query_retry_s = spec_.query_retry_s;
    access.sizes = spec_.sizes;
    params.consortium = std::move(access);
  }

  void add_market_nodes(RunContext& run) override {
    const Scenario& sc = run.scenario;
    const std::size_t m = spec_.management_nodes.size();
    const std::vector<std::uint32_t> schedule = primary_schedule(sc);
    std::vector<NodeId> management_nodes(m), participant_nodes(run.participants.size());
    for (std::size_t i = 0; i < m; ++i) management_nodes[i] = first_node_ + static_cast<NodeId>(i);
    for (NodeId i = 0; i < participant_nodes.size(); ++i) participant_nodes[i] = i;
    std::vector<ledger::Bytes> encryption_public;
    for (const auto& key : encryption_keys_) encryption_public.push_back(key.public_key);
    const auto& participants = run.participants;
    for (std::uint32_t i = 0; i < m; ++i) {
      consensus::ManagementNodeParams p;
      p.index = i;
      p.management_nodes = management_nodes;
      p.participant_nodes = participant_nodes;
      p.participant_area = directory_->participant_area;
      p.primary_by_interval = schedule;
      p.rotation_order = spec_.rotation_order;
      p.timing = run.timing;
      p.tariffs = {sc.utility.retail_per_kwh, sc.utility.feed_in_per_kwh, sc.market.exchange_fee_per_kwh};
      p.agreement = spec_.agreement;
      p.crypto_mode = spec_.crypto_mode;
      p.sync = spec_.sync;
      p.security = run.grid ? sc.grid.security_option : consensus::SecurityOption::kNone;
      p.suite = &suite_;
      p.signing_key = signing_keys_[i];
      p.encryption_key = encryption_keys_[i];
      p.management_encryption_keys = encryption_public;
      p.directory = directory_;
      p.query_delay_s = spec_.query_delay_s;
      p.ack_bytes = sc.network.sizes.ack_bytes;
      p.result_bytes = sc.network.sizes.result_bytes;
      p.result_per_trade_bytes = sc.network.sizes.result_per_trade_bytes;
      p.settlement_bytes = sc.network.sizes.settlement_bytes;
      p.sizes = spec_.sizes;
      p.timeouts = spec_.timeouts;
      for (const auto& f : sc.faults.crashes)
        if (f.node == i) p.crashes.push_back(f);
      for (const auto& f : sc.faults.byzantine)
        if (f.node == i) p.byzantine.push_back(f);
      for (const auto& f : sc.faults.misreports)
        if (f.node == i) p.misreports.push_back(f);
      p.grid = run.grid;
      p.seed = sc.seed;
      p.interval_label = run.interval_label;
      p.meters = [&participants](ParticipantId id, IntervalIndex k) -> const market::MeterReading& {
        return participants[id]->meter(k);
      };
      auto node = std::make_unique<ManagementNode>(std::move(p), run.rule);
      connect(*node);
      nodes_.push_back(node.get());
      const NodeId id = run.runtime.add_node(std::move(node), run.platform.management_nodes[i], "management_node", i, 1);
      if (id != management_nodes[i]) throw std::logic_error("consortium design: unexpected management node id");
    }
    install_link_faults(run);
  }

  void finish(RunContext& run) override {
    const Scenario& sc = run.scenario;
    const std::vector<ledger::Block>& chain = longest_chain();
    check_safety(chain);
    write_keys(run.writer);
    write_chain(run.writer, chain);
    // Every interval must have been finalised, and its round's trades must be its block's.
    const std::uint32_t n = run.timing.intervals;
    std::map<IntervalIndex, const ledger::Block*> block_of;
    for (const ledger::Block& b : chain) block_of[b.header.interval] = &b;
    std::vector<market::MeterReading> readings(run.participants.size());
    for (IntervalIndex k = 0; k < n; ++k) {
      const auto round = rounds_.find(k);
      if (round == rounds_.end()) {
        throw InvariantViolation(run.interval_label(k) + ": the consortium never finalised this round (liveness)");
      }
      const auto block = block_of.find(k);
      if (block == block_of.end() || block->second->transactions.size() != round->second.cleared.result.trades.size()) {
        throw InvariantViolation(run.interval_label(k) + ": the final block does not hold the round's trades");
      }
      for (ParticipantId i = 0; i < readings.size(); ++i) readings[i] = run.participants[i]->meter(k);
      const market::IntervalSettlement settlement =
          market::settle_interval(k, readings, round->second.cleared.result.trades,
                                  {sc.utility.retail_per_kwh, sc.utility.feed_in_per_kwh, sc.market.exchange_fee_per_kwh});
      market::check_conservation(settlement, run.interval_label(k));
      std::vector<std::uint32_t> objecting;
      for (const auto& o : objections_[k]) objecting.push_back(o.node);
      record_settlement(run.writer, sc, run.timing, run.grid, round->second.cleared, settlement, objecting);
      const RoundOutcomeRow& r = round->second;
      run.writer.add(trace::RoundRecord{k, r.scheduled_primary, r.primary, r.attempts, r.bundles_received,
                                        r.bundles_expected, r.cleared.gate_closure_s, r.proposal_s, r.final_s, r.height,
                                        static_cast<std::uint32_t>(r.cleared.result.trades.size())});
    }
    // Nothing accepted may be lost: every order a participant sent has its final outcome.
    for (const agents::MarketAgent* p : run.participants) {
      if (p->pending_orders() != 0) {
        throw InvariantViolation("participant " + std::to_string(p->agent_params().id) + " still waits for the result of " +
                                 std::to_string(p->pending_orders()) + " order(s) at the end of the run");
      }
    }
    for (const auto& r : refusals_) {
      trace::RefusalRecord row{r.interval, r.node, r.primary, r.at_s, {}};
      copy_name(row.reason, r.reason);
      run.writer.add(row);
    }
    for (const auto& d : disputes_) {
      run.writer.add(trace::DisputeRecordRow{d.interval, d.participant, d.order, d.raised_s, d.resolved_s, d.rounds,
                                             static_cast<std::uint8_t>(d.upheld ? 1 : 0)});
    }
    for (const auto& f : failovers_) {
      run.writer.add(trace::FailoverRecordRow{f.interval, f.failed_primary, f.new_primary, f.detected_s});
    }
    consensus::CpuUse participants_cpu;
    for (const agents::MarketAgent* p : run.participants) participants_cpu.crypto_s += p->crypto_cpu_s();
    trace::CpuRecord all{};
    copy_name(all.role, "participants");
    all.crypto_s = participants_cpu.crypto_s;
    run.writer.add(all);
    for (const ManagementNode* node : nodes_) {
      trace::CpuRecord row{};
      copy_name(row.role, "management_node");
      row.id = node->index();
      row.crypto_s = node->cpu().crypto_s;
      row.clearing_s = node->cpu().clearing_s;
      run.writer.add(row);
    }
  }

  void fill_metadata(trace::RunMetadata& metadata) const override {
    metadata.market_design = "consortium";
    metadata.consortium_agreement =
        spec_.agreement == consensus::AgreementProtocol::kPbft ? "pbft" : "rotating_primary";
    metadata.crypto_suite = std::string(ledger::suite_name(suite_.id()));
    metadata.crypto_mode = spec_.crypto_mode == consensus::CryptoMode::kReal ? "real" : "modeled";
  }

 private:
  using RoundOutcomeRow = consensus::RoundOutcome;
  struct Append {
    std::uint64_t height;
    std::uint32_t node;
    double at_s;
  };

  void connect(ManagementNode& node) {
    node.block_appended.connect([this](std::uint32_t m, const ledger::Block& block, double at_s) {
      appends_.push_back(Append{block.header.height, m, at_s});
      const ledger::Digest hash = ledger::block_hash(suite_, block.header);
      auto [it, inserted] = hash_at_height_.emplace(block.header.height, hash);
      if (!inserted && it->second != hash) {
        throw InvariantViolation("safety: management node " + spec_.management_nodes[m].name +
                                 " appended a different block at height " + std::to_string(block.header.height));
      }
    });
    node.round_final.connect([this](const consensus::RoundOutcome& r) {
      const auto [it, inserted] = rounds_.emplace(r.cleared.interval, r);
      if (!inserted) {
        throw InvariantViolation("safety: interval " + std::to_string(r.cleared.interval) + " was finalised twice");
      }
    });
    node.refused.connect([this](const consensus::Refusal& r) { refusals_.push_back(r); });
    node.objected.connect([this](const consensus::SecurityObjection& o) { objections_[o.interval].push_back(o); });
    node.dispute_closed.connect([this](const consensus::DisputeRecord& d) { disputes_.push_back(d); });
    node.failover.connect([this](const consensus::FailoverRecord& f) { failovers_.push_back(f); });
  }

  /** Lost messages and extra delays between named endpoints during their periods. */
  void install_link_faults(RunContext& run) {
    if (run.scenario.faults.links.empty()) return;
    const Scenario& sc = run.scenario;
    // Endpoint name -> its nodes: a management node, or every member of a participant group.
    std::map<std::string, std::pair<NodeId, NodeId>> range;  // [first, last)
    for (std::size_t i = 0; i < spec_.management_nodes.size(); ++i) {
      range[spec_.management_nodes[i].name] = {first_node_ + static_cast<NodeId>(i), first_node_ + static_cast<NodeId>(i) + 1};
    }
    NodeId next = 0;
    for (const ParticipantGroup& g : sc.groups) {
      range[g.name] = {next, next + g.count};
      next += g.count;
    }
    struct Rule {
      std::pair<NodeId, NodeId> a, b;
      LinkFaultSpec spec;
    };
    auto rules = std::make_shared<std::vector<Rule>>();
    for (const LinkFaultSpec& f : sc.faults.links) rules->push_back(Rule{range.at(f.a), range.at(f.b), f});
    auto rng = std::make_shared<Rng>(sc.seed, "faults/links", 0);
    run.runtime.set_link_filter([rules, rng](NodeId from, NodeId to, double now_s) {
      LinkEffect effect;
      const auto in = [](NodeId x, std::pair<NodeId, NodeId> r) { return x >= r.first && x < r.second; };
      for (const Rule& r : *rules) {
        if (now_s < r.spec.from_s || now_s >= r.spec.until_s) continue;
        if (!((in(from, r.a) && in(to, r.b)) || (in(from, r.b) && in(to, r.a)))) continue;
        if (r.spec.loss > 0 && rng->uniform(0.0, 1.0) < r.spec.loss) effect.lost = true;
        effect.extra_delay_s += r.spec.extra_delay_s;
      }
      return effect;
    });
  }

  const std::vector<ledger::Block>& longest_chain() const {
    const ManagementNode* best = nodes_.front();
    for (const ManagementNode* node : nodes_)
      if (node->chain().size() > best->chain().size()) best = node;
    return best->chain();
  }

  /** No fork: every node's chain is a prefix of the longest one. */
  void check_safety(const std::vector<ledger::Block>& chain) const {
    for (const ManagementNode* node : nodes_) {
      const auto& mine = node->chain();
      for (std::size_t h = 0; h < mine.size(); ++h) {
        if (ledger::block_hash(suite_, mine[h].header) != ledger::block_hash(suite_, chain[h].header)) {
          throw InvariantViolation("safety: management node " + spec_.management_nodes[node->index()].name +
                                   " holds a different block at height " + std::to_string(h));
        }
      }
    }
  }

  void write_keys(trace::TraceWriter& writer) const {
    for (std::size_t i = 0; i < directory_->participant_area.size(); ++i) {
      trace::LedgerKeyRecord row{};
      row.kind = 0;
      row.id = static_cast<std::uint32_t>(i);
      row.area = directory_->participant_area[i];
      if (i < directory_->participant_keys.size()) copy_blob(row.key, row.key_length, directory_->participant_keys[i]);
      writer.add(row);
    }
    for (std::size_t i = 0; i < directory_->management_keys.size(); ++i) {
      trace::LedgerKeyRecord row{};
      row.kind = 1;
      row.id = static_cast<std::uint32_t>(i);
      row.area = static_cast<std::uint32_t>(i);
      copy_blob(row.key, row.key_length, directory_->management_keys[i]);
      writer.add(row);
    }
  }

  void write_chain(trace::TraceWriter& writer, const std::vector<ledger::Block>& chain) const {
    std::map<std::uint64_t, std::pair<double, double>> appended;  // height -> first, last
    for (const Append& a : appends_) {
      auto [it, inserted] = appended.emplace(a.height, std::pair{a.at_s, a.at_s});
      if (!inserted) {
        it->second.first = std::min(it->second.first, a.at_s);
        it->second.second = std::max(it->second.second, a.at_s);
      }
      writer.add(trace::BlockAppendRecord{a.height, a.node, a.at_s});
    }
    for (const ledger::Block& b : chain) {
      const ledger::BlockHeader& h = b.header;
      trace::BlockRecord row{};
      row.height = h.height;
      row.interval = h.interval;
      row.primary = h.primary;
      row.timestamp_s = h.timestamp_s;
      row.transaction_count = h.transaction_count;
      std::memcpy(row.previous_hash, h.previous_hash.data(), trace::kDigestLength);
      std::memcpy(row.merkle_root, h.merkle_root.data(), trace::kDigestLength);
      const ledger::Digest hash = ledger::block_hash(suite_, h);
      std::memcpy(row.block_hash, hash.data(), trace::kDigestLength);
      copy_blob(row.primary_signature, row.primary_signature_length, b.primary_signature);
      const auto times = appended.find(h.height);
      if (times != appended.end()) std::tie(row.first_appended_s, row.last_appended_s) = times->second;
      row.bytes = consensus::block_wire_bytes(b, spec_.sizes);
      writer.add(row);
      for (const ledger::NodeSignature& s : b.confirmations) {
        trace::BlockSignatureRecord sig{};
        sig.height = h.height;
        sig.transaction = -1;
        sig.signer = s.signer;
        copy_blob(sig.signature, sig.signature_length, s.signature);
        writer.add(sig);
      }
      for (std::size_t t = 0; t < b.transactions.size(); ++t) {
        const ledger::BlockTransaction& tx = b.transactions[t];
        const ledger::TradeTx& tr = tx.trade;
        trace::BlockTransactionRecord r{};
        r.height = h.height;
        r.index = static_cast<std::uint32_t>(t);
        r.interval = tr.interval;
        r.delivery_start_s = tr.delivery_start_s;
        r.quantity_kwh = tr.quantity_kwh;
        r.price_per_kwh = tr.price_per_kwh;
        r.seller_price_per_kwh = tr.seller_price_per_kwh;
        r.buyer = tr.buyer;
        r.seller = tr.seller;
        r.product = static_cast<std::uint8_t>(tr.product);
        const market::Order& bo = tr.buy_order;
        r.buy_order = bo.id;
        r.buy_participant = bo.participant;
        r.buy_interval = bo.interval;
        r.buy_side = static_cast<std::uint8_t>(bo.side);
        r.buy_quantity_kwh = bo.quantity_kwh;
        r.buy_limit_price_per_kwh = bo.limit_price_per_kwh;
        r.buy_submitted_s = bo.submitted_s;
        r.buy_arrived_s = bo.arrived_s;
        const market::Order& so = tr.sell_order;
        r.sell_order = so.id;
        r.sell_participant = so.participant;
        r.sell_interval = so.interval;
        r.sell_side = static_cast<std::uint8_t>(so.side);
        r.sell_quantity_kwh = so.quantity_kwh;
        r.sell_limit_price_per_kwh = so.limit_price_per_kwh;
        r.sell_submitted_s = so.submitted_s;
        r.sell_arrived_s = so.arrived_s;
        copy_blob(r.buyer_signature, r.buyer_signature_length, tx.buyer_signature);
        copy_blob(r.seller_signature, r.seller_signature_length, tx.seller_signature);
        writer.add(r);
        for (const ledger::NodeSignature& s : tx.management_signatures) {
          trace::BlockSignatureRecord sig{};
          sig.height = h.height;
          sig.transaction = static_cast<std::int64_t>(t);
          sig.signer = s.signer;
          copy_blob(sig.signature, sig.signature_length, s.signature);
          writer.add(sig);
        }
      }
    }
  }

  const ConsortiumSpec& spec_;
  std::uint64_t seed_;
  ledger::CryptoSuite suite_;
  NodeId first_node_;
  std::shared_ptr<ledger::LedgerDirectory> directory_;
  std::vector<ledger::KeyPair> signing_keys_, encryption_keys_, participant_keys_;
  std::vector<ManagementNode*> nodes_;
  std::vector<Append> appends_;
  std::map<std::uint64_t, ledger::Digest> hash_at_height_;
  std::map<IntervalIndex, consensus::RoundOutcome> rounds_;
  std::vector<consensus::Refusal> refusals_;
  std::map<IntervalIndex, std::vector<consensus::SecurityObjection>> objections_;
  std::vector<consensus::DisputeRecord> disputes_;
  std::vector<consensus::FailoverRecord> failovers_;
};

}  // namespace

std::unique_ptr<DesignRun> make_consortium_design(const Scenario& scenario) {
  return std::make_unique<ConsortiumDesign>(scenario);
}

namespace {
const MarketDesignRegistration kRegistration{
    "consortium",
    {.section = "consortium", .read_section = scenario_sections::read_consortium_section, .reopens_market = true,
     .injects_faults = true, .build_platform = build_consortium_platform, .make_run = make_consortium_design}};
}  // namespace

}  // namespace ebsim::sim
