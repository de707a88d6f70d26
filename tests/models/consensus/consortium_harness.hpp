#pragma once
/** A small synchronous in-test network for consortium tests: one global clock, a queue of
 * message deliveries (fixed latency) and timers, and a world builder that wires management
 * nodes (and optionally real participants) with keys, a directory and signal logs. No engine. */
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "models/agents/prosumer.hpp"
#include "models/agents/strategies/truthful.hpp"
#include "models/consensus/consortium_messages.hpp"
#include "models/consensus/management_node.hpp"
#include "models/core/node.hpp"
#include "models/ledger/chain_verify.hpp"
#include "models/ledger/crypto_suite.hpp"
#include "models/market/clearing_rule.hpp"

namespace ebsim::testing {

/** Event-driven network: messages arrive `latency_s` after they are sent; timers fire on time. */
class ConsortiumNet {
 public:
  /** One message that went over the network (delivered or not). */
  struct Sent {
    double at_s = 0.0;
    NodeId from = kNoNode, to = kNoNode;
    Message msg;
  };

  explicit ConsortiumNet(double latency_s = 0.01, std::uint64_t seed = 1) : latency_s_(latency_s), seed_(seed) {}

  /** Host `node` as `id` (must outlive the net). */
  void add(NodeId id, Node& node) {
    nodes_[id] = &node;
    contexts_[id] = std::make_unique<Ctx>(*this, id, seed_);
  }
  /** on_start of every node, in id order. */
  void start() {
    for (auto& [id, node] : nodes_) node->on_start(*contexts_[id]);
  }
  /** Process every event up to and including `t_s`; the clock ends at `t_s`. */
  void run_until(double t_s) {
    while (!queue_.empty() && queue_.top().at_s <= t_s) {
      Event e = queue_.top();
      queue_.pop();
      now_s_ = e.at_s;
      auto it = nodes_.find(e.node);
      if (it == nodes_.end()) continue;
      Ctx& ctx = *contexts_[e.node];
      if (e.is_timer) it->second->on_timer(ctx, e.timer, e.tag);
      else it->second->on_message(ctx, e.msg);
    }
    now_s_ = std::max(now_s_, t_s);
  }
  /** Send `msg` from `from` to `to` now (arrives after the latency), as if `from` had sent it. */
  void inject(NodeId from, NodeId to, Message msg) { push_message(from, to, std::move(msg)); }

  double now_s() const { return now_s_; }
  const std::vector<Sent>& log() const { return log_; }
  /** Messages of `type` sent so far. */
  std::size_t count(MessageType type) const {
    std::size_t n = 0;
    for (const Sent& s : log_) n += s.msg.type == type;
    return n;
  }
  double flops(NodeId id) const { return contexts_.at(id)->flops; }

 private:
  struct Event {
    double at_s = 0.0;
    std::uint64_t seq = 0;
    NodeId node = kNoNode;
    bool is_timer = false;
    TimerId timer = 0;
    std::uint64_t tag = 0;
    Message msg;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.at_s != b.at_s ? a.at_s > b.at_s : a.seq > b.seq; }
  };
  class Ctx final : public NodeContext {
   public:
    Ctx(ConsortiumNet& net, NodeId id, std::uint64_t seed) : net_(net), id_(id), rng_(seed, "harness", id) {}
    double now_s() const override { return net_.now_s_; }
    NodeId self() const override { return id_; }
    void send(NodeId to, Message msg) override { net_.push_message(id_, to, std::move(msg)); }
    TimerId start_timer(double delay_s, std::uint64_t tag) override {
      EXPECT_GE(delay_s, 0.0);
      Event e;
      e.at_s = net_.now_s_ + std::max(0.0, delay_s);
      e.seq = ++net_.seq_;
      e.node = id_;
      e.is_timer = true;
      e.timer = e.seq;
      e.tag = tag;
      net_.queue_.push(std::move(e));
      return e.timer;
    }
    void compute(double f) override { flops += f; }
    Rng& rng() override { return rng_; }
    double flops = 0.0;

   private:
    ConsortiumNet& net_;
    NodeId id_;
    Rng rng_;
  };

  void push_message(NodeId from, NodeId to, Message msg) {
    msg.from = from;
    msg.to = to;
    msg.sent_s = now_s_;
    log_.push_back(Sent{now_s_, from, to, msg});
    Event e;
    e.at_s = now_s_ + latency_s_;
    e.seq = ++seq_;
    e.node = to;
    e.msg = std::move(msg);
    queue_.push(std::move(e));
  }

  double latency_s_;
  std::uint64_t seed_;
  double now_s_ = 0.0;
  std::uint64_t seq_ = 0;
  std::map<NodeId, Node*> nodes_;
  std::map<NodeId, std::unique_ptr<Ctx>> contexts_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::vector<Sent> log_;
};

/** What a consortium world is made of. */
struct WorldOptions {
  std::uint32_t management_nodes = 2;
  std::vector<std::uint32_t> area;   // per participant: its management node
  market::MarketTiming timing;
  consensus::CryptoMode crypto = consensus::CryptoMode::kReal;
  consensus::ChainSync sync = consensus::ChainSync::kHeaders;
  consensus::SecurityOption security = consensus::SecurityOption::kNone;
  consensus::AgreementProtocol agreement = consensus::AgreementProtocol::kRotatingPrimary;
  consensus::ConsortiumTimeouts timeouts;
  const grid::GridView* grid = nullptr;
  std::vector<consensus::CrashFault> crashes;
  std::vector<consensus::ByzantineFault> byzantine;
  std::vector<consensus::MisreportFault> misreports;
  std::string rule = "pay_as_clear";
  double latency_s = 0.01;
  std::uint64_t seed = 7;
  /** With real participants: load and PV per participant and interval (kW); otherwise bids are scripted. */
  bool real_participants = false;
  std::vector<std::vector<double>> load_kw, pv_kw;
  double query_delay_s = 5.0, query_retry_s = 60.0;
};

/** Management nodes (node ids N..N+M-1) and participants (0..N-1) on one ConsortiumNet. */
class ConsortiumWorld {
 public:
  explicit ConsortiumWorld(WorldOptions o) : opt(std::move(o)), net(opt.latency_s, opt.seed) {
    const std::uint32_t n = static_cast<std::uint32_t>(opt.area.size());
    const std::uint32_t m = opt.management_nodes;
    rule = market::ClearingRuleRegistry::instance().create(opt.rule);
    auto dir = std::make_shared<ledger::LedgerDirectory>();
    dir->participant_area = opt.area;
    dir->participant_signatures = opt.crypto == consensus::CryptoMode::kReal;
    for (std::uint32_t i = 0; i < n; ++i) {
      participant_keys.push_back(suite.derive_signing_key(seed_of("participant-sign", i)));
      dir->participant_keys.push_back(participant_keys.back().public_key);
    }
    for (std::uint32_t j = 0; j < m; ++j) {
      mn_sign.push_back(suite.derive_signing_key(seed_of("mn-sign", j)));
      mn_enc.push_back(suite.derive_encryption_key(seed_of("mn-enc", j)));
      dir->management_keys.push_back(mn_sign.back().public_key);
    }
    directory = dir;
    std::vector<Bytes> enc_pub;
    for (const auto& k : mn_enc) enc_pub.push_back(k.public_key);
    for (std::uint32_t j = 0; j < m; ++j) {
      consensus::ManagementNodeParams p;
      p.index = j;
      for (std::uint32_t q = 0; q < m; ++q) p.management_nodes.push_back(mn_node(q));
      for (std::uint32_t i = 0; i < n; ++i) p.participant_nodes.push_back(i);
      p.participant_area = opt.area;
      for (std::uint32_t k = 0; k < opt.timing.intervals; ++k) p.primary_by_interval.push_back(k % m);
      for (std::uint32_t q = 0; q < m; ++q) p.rotation_order.push_back(q);
      p.timing = opt.timing;
      p.tariffs.retail_per_kwh = 0.30;
      p.tariffs.feed_in_per_kwh = 0.08;
      p.agreement = opt.agreement;
      p.crypto_mode = opt.crypto;
      p.sync = opt.sync;
      p.security = opt.security;
      p.suite = &suite;
      p.signing_key = mn_sign[j];
      p.encryption_key = mn_enc[j];
      p.management_encryption_keys = enc_pub;
      p.directory = directory;
      p.timeouts = opt.timeouts;
      for (const auto& c : opt.crashes)
        if (c.node == j) p.crashes.push_back(c);
      for (const auto& b : opt.byzantine)
        if (b.node == j) p.byzantine.push_back(b);
      for (const auto& f : opt.misreports)
        if (f.node == j) p.misreports.push_back(f);
      p.grid = opt.grid;
      p.seed = opt.seed;
      if (opt.real_participants) {
        p.meters = [this](ParticipantId i, IntervalIndex k) -> const market::MeterReading& {
          return participants.at(i)->meter(k);
        };
      }
      mns.push_back(std::make_unique<consensus::ManagementNode>(std::move(p), *rule));
      consensus::ManagementNode& node = *mns.back();
      node.round_final.connect([this](const consensus::RoundOutcome& r) { finals.push_back(r); });
      node.refused.connect([this](const consensus::Refusal& r) { refusals.push_back(r); });
      node.objected.connect([this](const consensus::SecurityObjection& r) { objections.push_back(r); });
      node.dispute_closed.connect([this](const consensus::DisputeRecord& r) { disputes.push_back(r); });
      node.failover.connect([this](const consensus::FailoverRecord& r) { failovers.push_back(r); });
      node.order_missed_round.connect([this](const market::Order& o) { missed.push_back(o); });
      node.block_appended.connect([this](const std::uint32_t& who, const ledger::Block& b, const double& t) {
        appended.push_back({who, b.header.height, ledger::block_hash(suite, b.header), t});
      });
      net.add(mn_node(j), node);
    }
    if (opt.real_participants) {
      for (std::uint32_t i = 0; i < n; ++i) {
        agents::AgentParams pp;
        pp.id = i;
        pp.market_node = mn_node(opt.area[i]);
        pp.timing = opt.timing;
        pp.prices.retail_per_kwh = 0.30;
        pp.prices.feed_in_per_kwh = 0.08;
        agents::ProsumerParams household;
        household.load_kw = opt.load_kw.at(i);
        household.pv_kw = opt.pv_kw.at(i);
        pp.strategy = std::make_shared<agents::TruthfulStrategy>();
        agents::ConsortiumAccess access;
        access.suite = &suite;
        access.crypto_mode = opt.crypto;
        access.signing_key = participant_keys[i];
        access.management_encryption_key = mn_enc[opt.area[i]].public_key;
        access.query_delay_s = opt.query_delay_s;
        access.query_retry_s = opt.query_retry_s;
        access.check_against_sync = opt.sync != consensus::ChainSync::kNone;
        pp.consortium = access;
        participants.push_back(std::make_unique<agents::Prosumer>(std::move(pp), std::move(household)));
        participants.back()->order_completed.connect([this](const agents::OrderOutcome& o) { outcomes.push_back(o); });
        net.add(i, *participants.back());
      }
    }
  }

  using Bytes = ledger::Bytes;

  NodeId mn_node(std::uint32_t j) const { return static_cast<NodeId>(opt.area.size()) + j; }

  ledger::Digest seed_of(const std::string& what, std::uint32_t i) const {
    const std::string text = what + "/" + std::to_string(i);
    return suite.hash(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }

  /** The sealed bid participant `o.participant` would send (really signed and encrypted in real mode). */
  Message sealed_bid(const market::Order& o) const {
    auto body = std::make_shared<consensus::SealedBidBody>();
    body->order = o;
    if (opt.crypto == consensus::CryptoMode::kReal) {
      const Bytes plain = ledger::order_bytes(o);
      body->signature = suite.sign(participant_keys.at(o.participant), plain);
      body->ciphertext = suite.encrypt(mn_enc.at(opt.area.at(o.participant)).public_key, plain);
    }
    return Message{MessageType::kBid, kNoNode, kNoNode, 584.0, 0.0, body};
  }
  /** Participant `o.participant` sends `o` to its management node now. */
  void bid(const market::Order& o) { net.inject(o.participant, mn_node(opt.area.at(o.participant)), sealed_bid(o)); }
  /** Start the network, send each order at its submitted_s, and run to `end_s`. */
  void run_scripted(const std::vector<market::Order>& orders, double end_s) {
    net.start();
    for (const market::Order& o : orders) {
      net.run_until(o.submitted_s);
      bid(o);
    }
    net.run_until(end_s);
  }

  struct Appended {
    std::uint32_t node;
    std::uint64_t height;
    ledger::Digest hash;
    double at_s;
  };

  WorldOptions opt;
  ledger::CryptoSuite suite{ledger::SuiteId::kSha256Ed25519};
  ConsortiumNet net;
  std::vector<ledger::KeyPair> participant_keys, mn_sign, mn_enc;
  std::shared_ptr<const ledger::LedgerDirectory> directory;
  std::unique_ptr<market::ClearingRule> rule;
  std::vector<std::unique_ptr<consensus::ManagementNode>> mns;
  std::vector<std::unique_ptr<agents::Prosumer>> participants;
  std::vector<consensus::RoundOutcome> finals;
  std::vector<consensus::Refusal> refusals;
  std::vector<consensus::SecurityObjection> objections;
  std::vector<consensus::DisputeRecord> disputes;
  std::vector<consensus::FailoverRecord> failovers;
  std::vector<market::Order> missed;
  std::vector<Appended> appended;
  std::vector<agents::OrderOutcome> outcomes;
};

/** An order for scripted tests. */
/** 15-min intervals, gate closure 300 s before delivery: gate closure of k at 600 + 900 k. */
inline market::MarketTiming quarter_hour_timing(std::uint32_t intervals) {
  market::MarketTiming t;
  t.interval_s = 900.0;
  t.gate_closure_s = 300.0;
  t.bid_window_s = 480.0;
  t.intervals = intervals;
  return t;
}

inline market::Order make_order(OrderId id, ParticipantId who, IntervalIndex k, market::Side side, double q, double price,
                                double submitted_s = 0.0) {
  market::Order o;
  o.id = id;
  o.participant = who;
  o.interval = k;
  o.side = side;
  o.quantity_kwh = q;
  o.limit_price_per_kwh = price;
  o.submitted_s = submitted_s;
  return o;
}

}  // namespace ebsim::testing
