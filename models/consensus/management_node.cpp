#include "models/consensus/management_node.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "models/consensus/consortium_messages.hpp"
#include "models/consensus/consortium_rounds.hpp"
#include "models/consensus/pbft.hpp"
#include "models/core/invariant.hpp"
#include "models/market/messages.hpp"
#include "models/market/security_check.hpp"

namespace ebsim::consensus {

namespace {

/** Timer tags: kind in bits 56..63, a generation counter in bits 32..55 (stale timers of a round are
 * recognised by it), the interval (or the fault's position in its list) in bits 0..31. */
enum TimerKind : std::uint64_t {
  kGateClosure = 1,  // k: gate closure of interval k (form and send the bundle / start collecting)
  kBundleWait = 2,   // k, gen: the primary stops waiting for bundles
  kVoteWait = 3,     // k, gen: the primary stops waiting for votes
  kDeadline = 4,     // k, gen: no block yet: fail over to the next primary in the rotation
  kSettle = 5,       // k: delivery of k is over: send settlement statements
  kCrash = 6,        // i: crashes[i] starts
  kRecover = 7,      // i: crashes[i] ends
  kPbftTimer = 8,    // k, gen: PBFT view-change timer of round k's instance (gen = the view)
};

std::uint64_t make_tag(TimerKind kind, std::uint64_t gen, std::uint64_t k) {
  return (static_cast<std::uint64_t>(kind) << 56) | ((gen & 0xFFFFFFull) << 32) | (k & 0xFFFFFFFFull);
}

constexpr double kFillTolerance = 1e-9;

}  // namespace

struct ManagementNode::State {
  /** A round (one interval) in progress at this node; volatile (lost in a crash). */
  struct Round {
    std::uint32_t shift = 0;          // failovers seen: acting primary = rotation[pos(scheduled) + shift]
    std::uint32_t deadline_gen = 0;   // current failover deadline timer
    std::uint32_t primary_gen = 0;    // current bundle/vote wait timer
    std::set<std::uint32_t> refused_primaries;                      // given up on after majority refusals
    std::map<std::uint32_t, std::set<std::uint32_t>> refusals;      // primary -> nodes that refused it
    std::vector<std::pair<NodeId, OrderId>> held_queries;
    std::optional<std::vector<market::Trade>> cosigned;  // the trades this node last co-signed (PBFT validation)
    std::optional<std::uint32_t> cosigned_shift;         // the shift whose primary it co-signed for
    bool catch_up_asked = false;                         // before failing over a primary it co-signed for
    std::map<std::uint32_t, std::shared_ptr<const BundleBody>> received;  // verified bundles sent to this node
    // primary role
    bool collecting = false;
    bool proposed = false;
    bool pending_finalize = false;
    std::map<std::uint32_t, std::shared_ptr<const BundleBody>> bundles;  // by sender (own included)
    std::set<std::uint32_t> excluded;  // nodes whose bundle was dropped (no vote in time)
    std::vector<std::vector<std::size_t>> security_rounds;
    std::map<std::size_t, std::uint32_t> objector;  // branch -> first node that objected
    std::size_t iterations_emitted = 0;
    std::uint32_t attempt = 0;
    double proposal_s = -1.0;
    std::shared_ptr<const ProposalBody> proposal;
    RoundOutcomeData outcome;
    std::map<std::uint32_t, std::shared_ptr<const VoteBody>> votes;  // current attempt
  };

  struct OwnResult {
    market::OrderFill fill;
    std::size_t trades = 0;
  };

  State(ManagementNode& owner, ManagementNodeParams params, const market::ClearingRule& clearing_rule)
      : self(owner), p(std::move(params)), rule(clearing_rule), M(static_cast<std::uint32_t>(p.management_nodes.size())) {
    if (p.suite == nullptr) throw std::invalid_argument("ManagementNode: a crypto suite is required");
    if (p.directory == nullptr) throw std::invalid_argument("ManagementNode: a ledger directory is required");
    if (p.rotation_order.size() != M) throw std::invalid_argument("ManagementNode: rotation_order must list every management node");
    rotation_pos.assign(M, 0);
    for (std::size_t i = 0; i < p.rotation_order.size(); ++i) rotation_pos.at(p.rotation_order[i]) = i;
    for (ParticipantId i = 0; i < p.participant_area.size(); ++i)
      if (p.participant_area[i] == p.index) subjects.push_back(i);
    costs = &ledger::crypto_costs(p.suite->id());
  }

  ManagementNode& self;
  ManagementNodeParams p;
  const market::ClearingRule& rule;
  std::uint32_t M;
  std::vector<std::size_t> rotation_pos;
  std::vector<ParticipantId> subjects;
  const ledger::CryptoCosts* costs = nullptr;

  // ---- persistent (survives a crash: on disk) ----
  std::vector<ledger::Block> chain;
  std::vector<std::vector<OrderId>> chain_books;  // per height: ids of the orders in the clearing input (sorted)
  std::map<IntervalIndex, std::uint64_t> final_height;
  std::map<IntervalIndex, std::vector<BundledOrder>> accepted;  // the acknowledged-bid store
  std::map<IntervalIndex, std::pair<std::uint32_t, std::uint32_t>> rejected;  // late, other
  std::set<IntervalIndex> settled;
  CpuUse cpu;
  std::uint64_t blocks_rejected = 0;

  // ---- volatile ----
  bool down = false;
  std::int64_t last_gate_done = -1;
  std::map<IntervalIndex, Round> rounds;
  std::map<IntervalIndex, std::unordered_map<OrderId, OwnResult>> results;  // own subjects' fills of final rounds
  std::map<std::uint64_t, std::shared_ptr<const BlockBody>> future_blocks;
  std::set<OrderId> disputes_closed;

  // ---- helpers ----
  NodeId mn_node(std::uint32_t m) const { return p.management_nodes.at(m); }
  std::uint32_t acting(IntervalIndex k, std::uint32_t shift) const {
    const std::uint32_t scheduled = p.primary_by_interval.at(k);
    return p.rotation_order[(rotation_pos[scheduled] + shift) % M];
  }
  bool is_final(IntervalIndex k) const { return final_height.count(k) != 0; }
  void charge_crypto(NodeContext& ctx, double s) {
    cpu.crypto_s += s;
    ctx.compute(s * ledger::kReferenceFlops);
  }
  void charge_clearing(NodeContext& ctx, std::size_t orders) {
    const double s = kClearingSecondsPerOrder * static_cast<double>(orders);
    cpu.clearing_s += s;
    ctx.compute(s * ledger::kReferenceFlops);
  }
  bool byzantine_now(double t, ByzantineFault::Behaviour* behaviour) const {
    for (const ByzantineFault& f : p.byzantine) {
      if (f.node == p.index && t >= f.from_s && t < f.until_s) {
        *behaviour = f.behaviour;
        return true;
      }
    }
    return false;
  }
  bool misreporting_now(double t) const {
    for (const MisreportFault& f : p.misreports)
      if (f.node == p.index && t >= f.from_s && t < f.until_s) return true;
    return false;
  }
  std::string label(IntervalIndex k) const {
    return p.interval_label ? p.interval_label(k) : "interval " + std::to_string(k);
  }
  double block_size(const ledger::Block& b) const { return block_wire_bytes(b, p.sizes); }
  void send(NodeContext& ctx, NodeId to, MessageType type, double size, std::shared_ptr<const MessageBody> body) {
    ctx.send(to, Message{type, kNoNode, kNoNode, size, 0.0, std::move(body)});
  }
  void arm(NodeContext& ctx, double at_s, TimerKind kind, std::uint64_t gen, std::uint64_t k) {
    ctx.start_timer(std::max(0.0, at_s - ctx.now_s()), make_tag(kind, gen, k));
  }

  // ---- lifecycle ----
  void on_start(NodeContext& ctx) {
    if (p.timing.intervals > 0) arm(ctx, p.timing.gate_closure_time_s(0), kGateClosure, 0, 0);
    for (std::size_t i = 0; i < p.crashes.size(); ++i) {
      if (p.crashes[i].node != p.index) continue;
      arm(ctx, p.crashes[i].at_s, kCrash, 0, i);
      arm(ctx, p.crashes[i].at_s + p.crashes[i].duration_s, kRecover, 0, i);
    }
  }

  void on_timer(NodeContext& ctx, std::uint64_t tag) {
    const auto kind = static_cast<TimerKind>(tag >> 56);
    const auto gen = static_cast<std::uint32_t>((tag >> 32) & 0xFFFFFFull);
    const auto k = static_cast<IntervalIndex>(tag & 0xFFFFFFFFull);
    if (kind == kRecover) {
      if (down) recover(ctx);
      return;
    }
    if (down) return;  // a crashed node's timers are dropped
    switch (kind) {
      case kGateClosure: gate_closure(ctx, k); return;
      case kBundleWait: {
        auto it = rounds.find(k);
        if (it == rounds.end() || is_final(k) || it->second.primary_gen != gen) return;
        if (it->second.collecting && !it->second.proposed) propose(ctx, k);
        return;
      }
      case kVoteWait: {
        auto it = rounds.find(k);
        if (it == rounds.end() || is_final(k) || it->second.primary_gen != gen) return;
        decide(ctx, k, true);
        return;
      }
      case kDeadline: {
        auto it = rounds.find(k);
        if (it == rounds.end() || is_final(k) || it->second.deadline_gen != gen) return;
        // An acting primary that is collecting does not depose itself: the others do, and it
        // adopts its successor's proposal.
        if (acting(k, it->second.shift) == p.index && it->second.collecting) return;
        // It co-signed the acting primary's proposal: the block may exist and have been lost on
        // the way. Ask the others once before moving on (a fork would need both lost).
        Round& r = it->second;
        if (r.cosigned_shift == r.shift && !r.catch_up_asked) {
          r.catch_up_asked = true;
          request_catch_up(ctx, kNoNode);
          arm(ctx, ctx.now_s() + p.timeouts.failover_s, kDeadline, r.deadline_gen, k);
          return;
        }
        advance_to(ctx, k, r.shift + 1);
        return;
      }
      case kSettle: settle(ctx, k); return;
      case kCrash: crash(ctx); return;
      case kRecover: return;
      case kPbftTimer: pbft_timer(ctx, k, gen); return;
    }
  }

  void crash(NodeContext&) {
    if (down) return;
    down = true;
    rounds.clear();
    results.clear();
    future_blocks.clear();
    disputes_closed.clear();
    pbft_clear();
  }

  void recover(NodeContext& ctx) {
    down = false;
    const double now = ctx.now_s();
    // The gate closures that passed while down are missed; resume with the next one.
    IntervalIndex next = 0;
    while (next < p.timing.intervals && p.timing.gate_closure_time_s(next) <= now) ++next;
    if (static_cast<std::int64_t>(next) - 1 > last_gate_done) last_gate_done = static_cast<std::int64_t>(next) - 1;
    if (next < p.timing.intervals) arm(ctx, p.timing.gate_closure_time_s(next), kGateClosure, 0, next);
    // Watch the unfinished rounds again (failover deadline), and fetch the blocks missed.
    for (std::int64_t k = static_cast<std::int64_t>(chain.size()); k <= last_gate_done; ++k) {
      const auto ki = static_cast<IntervalIndex>(k);
      if (is_final(ki)) continue;
      Round& r = rounds[ki];
      ++r.deadline_gen;
      arm(ctx, now + p.timeouts.bundle_wait_s + p.timeouts.failover_s, kDeadline, r.deadline_gen, ki);
    }
    request_catch_up(ctx, kNoNode);
    for (const auto& [k, h] : final_height) {
      if (settled.count(k) != 0) continue;
      if (p.timing.delivery_end_s(k) <= now) settle(ctx, k);
      else arm(ctx, p.timing.delivery_end_s(k), kSettle, 0, k);
    }
  }

  void request_catch_up(NodeContext& ctx, NodeId only) {
    auto body = std::make_shared<CatchUpBody>();
    body->from_height = chain.size();
    for (std::uint32_t m = 0; m < M; ++m) {
      if (m == p.index) continue;
      if (only != kNoNode && mn_node(m) != only) continue;
      send(ctx, mn_node(m), MessageType::kCatchUp, p.sizes.control_bytes + p.sizes.signature_bytes, body);
    }
  }

  // ---- messages ----
  void on_message(NodeContext& ctx, const Message& msg) {
    if (down) return;
    switch (msg.type) {
      case MessageType::kBid: receive_bid(ctx, msg); return;
      case MessageType::kBundle: receive_bundle(ctx, msg); return;
      case MessageType::kProposal: receive_proposal(ctx, msg); return;
      case MessageType::kVote: receive_vote(ctx, msg); return;
      case MessageType::kBlock: receive_block(ctx, msg); return;
      case MessageType::kQuery: receive_query(ctx, msg); return;
      case MessageType::kDispute: receive_dispute(ctx, msg); return;
      case MessageType::kCatchUp: receive_catch_up(ctx, msg); return;
      case MessageType::kCatchUpReply: receive_catch_up_reply(ctx, msg); return;
      case MessageType::kPbftPrePrepare:
      case MessageType::kPbftPrepare:
      case MessageType::kPbftCommit:
      case MessageType::kPbftViewChange:
      case MessageType::kPbftNewView: pbft_message(ctx, msg); return;
      case MessageType::kAck:
      case MessageType::kResult:
      case MessageType::kSettlement:
      case MessageType::kSync:
      case MessageType::kDisputeReply:
      case MessageType::kReopen: return;  // addressed to participants
      case MessageType::kTxAnnounce:
      case MessageType::kTxRequest:
      case MessageType::kTx:
      case MessageType::kBlockAnnounce:
      case MessageType::kBlockRequest:
      case MessageType::kP2pBlock:
      case MessageType::kBlockTxRequest:
      case MessageType::kBlockTxs: return;  // the p2p design's
    }
  }

  // ---- step 2: bid collection ----
  void receive_bid(NodeContext& ctx, const Message& msg) {
    const auto& bid = msg.as<SealedBidBody>();
    market::Order order = bid.order;
    const double now = ctx.now_s();
    order.arrived_s = now;
    market::OrderStatus status = market::OrderStatus::kAccepted;
    // Open the envelope and check the signature (real: the work; both: the calibrated cost).
    const ledger::Bytes plain = ledger::order_bytes(bid.order);
    charge_crypto(ctx, costs->decrypt_s(static_cast<double>(plain.size())) + costs->hash_s(static_cast<double>(plain.size())) +
                           costs->verify_s);
    bool authentic = true;
    if (p.crypto_mode == CryptoMode::kReal) {
      const auto opened = p.suite->decrypt(p.encryption_key, bid.ciphertext);
      const ParticipantId who = bid.order.participant;
      authentic = opened.has_value() && *opened == plain && who < p.directory->participant_keys.size() &&
                  p.suite->verify(p.directory->participant_keys[who], plain, bid.signature);
    }
    const IntervalIndex k = order.interval;
    if (k >= p.timing.intervals) {
      status = market::OrderStatus::kUnknownInterval;
    } else if (now > p.timing.gate_closure_time_s(k) || static_cast<std::int64_t>(k) <= last_gate_done) {
      status = market::OrderStatus::kLate;
      ++rejected[k].first;
    } else if (!authentic) {
      status = market::OrderStatus::kBadSignature;
      ++rejected[k].second;
    } else if (!(order.quantity_kwh > 0.0)) {
      status = market::OrderStatus::kZeroQuantity;
      ++rejected[k].second;
    } else if (!std::isfinite(order.quantity_kwh)) {
      status = market::OrderStatus::kInvalidQuantity;
      ++rejected[k].second;
    } else if (!std::isfinite(order.limit_price_per_kwh)) {
      status = market::OrderStatus::kInvalidPrice;
      ++rejected[k].second;
    } else {
      accepted[k].push_back(BundledOrder{bid.order, now, bid.signature});
    }
    auto ack = std::make_shared<market::AckBody>();
    ack->order = order.id;
    ack->status = status;
    ack->arrived_s = now;
    send(ctx, msg.from, MessageType::kAck, p.ack_bytes, ack);
  }

  std::shared_ptr<BundleBody> make_bundle(NodeContext& ctx, IntervalIndex k, std::uint32_t to, bool seal) {
    auto b = std::make_shared<BundleBody>();
    b->interval = k;
    b->sender = p.index;
    b->shift = rounds[k].shift;
    if (auto it = accepted.find(k); it != accepted.end()) b->orders = it->second;
    if (auto it = rejected.find(k); it != rejected.end()) {
      b->rejected_late = it->second.first;
      b->rejected_other = it->second.second;
    }
    if (!seal) return b;
    const ledger::Bytes bytes = bundle_bytes(*b);
    const double n = static_cast<double>(bytes.size());
    b->signature = p.suite->sign(p.signing_key, p.suite->hash(bytes));
    charge_crypto(ctx, costs->hash_s(n) + costs->sign_s + costs->encrypt_s(n));
    if (p.crypto_mode == CryptoMode::kReal) b->ciphertext = p.suite->encrypt(p.management_encryption_keys.at(to), bytes);
    return b;
  }

  double bundle_size(const BundleBody& b) const {
    return p.sizes.envelope_bytes + p.sizes.signature_bytes +
           b.orders.size() * (p.sizes.bundle_per_order_bytes + p.sizes.signature_bytes);
  }

  void gate_closure(NodeContext& ctx, IntervalIndex k) {
    if (static_cast<std::int64_t>(k) <= last_gate_done) return;
    last_gate_done = k;
    if (k + 1 < p.timing.intervals) arm(ctx, p.timing.gate_closure_time_s(k + 1), kGateClosure, 0, k + 1);
    if (is_final(k)) return;
    Round& r = rounds[k];
    ++r.deadline_gen;
    arm(ctx, ctx.now_s() + p.timeouts.bundle_wait_s + p.timeouts.failover_s, kDeadline, r.deadline_gen, k);
    if (acting(k, r.shift) == p.index) begin_collecting(ctx, k);
    else send_bundle(ctx, k);
  }

  void send_bundle(NodeContext& ctx, IntervalIndex k) {
    const std::uint32_t to = acting(k, rounds[k].shift);
    auto b = make_bundle(ctx, k, to, true);
    send(ctx, mn_node(to), MessageType::kBundle, bundle_size(*b), b);
  }

  void begin_collecting(NodeContext& ctx, IntervalIndex k) {
    Round& r = rounds[k];
    r.collecting = true;
    r.proposed = false;
    r.bundles = r.received;
    r.bundles[p.index] = make_bundle(ctx, k, p.index, false);
    ++r.primary_gen;
    arm(ctx, ctx.now_s() + p.timeouts.bundle_wait_s, kBundleWait, r.primary_gen, k);
    if (r.bundles.size() >= M) propose(ctx, k);
  }

  /** Move round k's acting primary to rotation shift `shift` (failover or majority refusal). */
  void advance_to(NodeContext& ctx, IntervalIndex k, std::uint32_t shift) {
    Round& r = rounds[k];
    const std::uint32_t old_primary = acting(k, r.shift);
    r.shift = shift;
    r.collecting = false;
    r.proposed = false;
    r.pending_finalize = false;
    r.catch_up_asked = false;
    r.bundles.clear();
    r.excluded.clear();
    r.votes.clear();
    r.proposal.reset();
    r.security_rounds.clear();
    r.objector.clear();
    r.iterations_emitted = 0;
    ++r.primary_gen;
    ++r.deadline_gen;
    arm(ctx, ctx.now_s() + p.timeouts.bundle_wait_s + p.timeouts.failover_s, kDeadline, r.deadline_gen, k);
    if (static_cast<std::int64_t>(k) > last_gate_done) return;  // the gate closure will act
    if (acting(k, shift) == p.index) {
      failover_happened(ctx, k, old_primary);
      begin_collecting(ctx, k);
    } else {
      send_bundle(ctx, k);
    }
  }

  void failover_happened(NodeContext& ctx, IntervalIndex k, std::uint32_t old_primary) {
    self.failover.emit(FailoverRecord{k, old_primary, p.index, ctx.now_s()});
  }

  void receive_bundle(NodeContext& ctx, const Message& msg) {
    auto b = std::static_pointer_cast<const BundleBody>(msg.body);
    const IntervalIndex k = b->interval;
    if (k >= p.timing.intervals || is_final(k)) return;
    Round& r = rounds[k];
    if (b->sender >= M || b->sender == p.index) return;
    const ledger::Bytes bytes = bundle_bytes(*b);
    const double n = static_cast<double>(bytes.size());
    charge_crypto(ctx, costs->decrypt_s(n) + costs->hash_s(n) + costs->verify_s);
    if (p.crypto_mode == CryptoMode::kReal) {
      const auto opened = p.suite->decrypt(p.encryption_key, b->ciphertext);
      if (!opened || *opened != bytes) return;
    }
    if (!p.suite->verify(p.directory->management_keys.at(b->sender), p.suite->hash(bytes), b->signature)) return;
    // Kept even when this node is not (yet) the acting primary: a sender whose failover deadline
    // fired first addressed it to this node, which uses it once its own deadline moves it there.
    r.received[b->sender] = b;
    if (acting(k, r.shift) != p.index || r.proposed) return;
    r.bundles[b->sender] = b;
    if (!r.collecting && static_cast<std::int64_t>(k) <= last_gate_done) {
      begin_collecting(ctx, k);
      return;
    }
    if (r.collecting && r.bundles.size() >= M) propose(ctx, k);
  }

  // ---- step 3: clearing and proposal ----
  RoundOutcomeData outcome_of(NodeContext& ctx, IntervalIndex k, const std::vector<BundledOrder>& book,
                              const std::vector<std::vector<std::size_t>>& security_rounds) {
    RoundInputs in{k, &book, &security_rounds, &rule, p.grid, p.seed, p.security, p.timeouts.max_security_rounds};
    RoundOutcomeData out = compute_round(in);
    charge_clearing(ctx, out.orders_cleared);
    return out;
  }

  void propose(NodeContext& ctx, IntervalIndex k) {
    Round& r = rounds[k];
    std::vector<BundledOrder> book;
    for (const auto& [sender, bundle] : r.bundles) {
      if (r.excluded.count(sender) != 0) continue;
      book.insert(book.end(), bundle->orders.begin(), bundle->orders.end());
    }
    std::sort(book.begin(), book.end(), [](const BundledOrder& a, const BundledOrder& b) {
      return a.arrived_s != b.arrived_s ? a.arrived_s < b.arrived_s : a.order.id < b.order.id;
    });
    r.outcome = outcome_of(ctx, k, book, r.security_rounds);
    // Record the security cancellations new in this attempt.
    for (; r.iterations_emitted < r.outcome.iterations.size(); ++r.iterations_emitted) {
      SecurityObjection o;
      o.iteration = r.outcome.iterations[r.iterations_emitted];
      o.interval = k;
      const auto it = r.objector.find(o.iteration.branch);
      o.node = it != r.objector.end() ? it->second : p.index;
      o.option = p.security;
      self.objected.emit(o);
    }
    std::vector<market::Trade> trades = r.outcome.result.trades;
    ByzantineFault::Behaviour behaviour{};
    if (byzantine_now(ctx.now_s(), &behaviour)) alter(trades, behaviour);
    auto prop = std::make_shared<ProposalBody>();
    prop->interval = k;
    prop->primary = p.index;
    prop->shift = r.shift;
    prop->attempt = ++r.attempt;
    prop->book = std::move(book);
    prop->security_rounds = r.security_rounds;
    prop->trades = std::move(trades);
    const ledger::Bytes bytes = proposal_bytes(*prop);
    prop->signature = p.suite->sign(p.signing_key, p.suite->hash(bytes));
    charge_crypto(ctx, costs->hash_s(static_cast<double>(bytes.size())) + costs->sign_s);
    r.proposal = prop;
    r.proposed = true;
    if (r.proposal_s < 0) r.proposal_s = ctx.now_s();
    r.votes.clear();
    const double size = p.sizes.envelope_bytes + p.sizes.signature_bytes +
                        prop->trades.size() * p.sizes.proposal_per_trade_bytes +
                        prop->book.size() * p.sizes.bundle_per_order_bytes;
    for (std::uint32_t m = 0; m < M; ++m)
      if (m != p.index) send(ctx, mn_node(m), MessageType::kProposal, size, prop);
    // The primary's own vote: its area's security check, then its co-signatures (it does not
    // re-run its own clearing).
    std::shared_ptr<VoteBody> own;
    if (p.security != SecurityOption::kNone && p.grid != nullptr && !prop->trades.empty()) {
      std::vector<VoteBody::Objection> objections = check_area_flows(prop->trades);
      if (!objections.empty()) {
        own = std::make_shared<VoteBody>();
        own->interval = k;
        own->voter = p.index;
        own->primary = p.index;
        own->attempt = prop->attempt;
        own->kind = VoteBody::Kind::kObject;
        own->objections = std::move(objections);
      }
    }
    r.votes[p.index] = own ? own : make_co_signatures(ctx, *prop);
    ++r.primary_gen;
    arm(ctx, ctx.now_s() + p.timeouts.vote_wait_s, kVoteWait, r.primary_gen, k);
    decide(ctx, k, false);
  }

  void alter(std::vector<market::Trade>& trades, ByzantineFault::Behaviour behaviour) const {
    switch (behaviour) {
      case ByzantineFault::Behaviour::kFavourOwnArea:
        for (market::Trade& t : trades) {
          if (p.participant_area.at(t.seller) == p.index) t.seller_price_per_kwh *= 1.1;
          if (p.participant_area.at(t.buyer) == p.index) t.price_per_kwh *= 0.9;
        }
        return;
      case ByzantineFault::Behaviour::kDropOtherAreas:
        std::erase_if(trades, [&](const market::Trade& t) {
          return p.participant_area.at(t.seller) != p.index && p.participant_area.at(t.buyer) != p.index;
        });
        return;
    }
  }

  // ---- step 4: re-clearing, co-signing, security ----
  std::shared_ptr<VoteBody> make_co_signatures(NodeContext& ctx, const ProposalBody& prop) {
    auto vote = std::make_shared<VoteBody>();
    vote->interval = prop.interval;
    vote->voter = p.index;
    vote->primary = prop.primary;
    vote->attempt = prop.attempt;
    vote->kind = VoteBody::Kind::kCoSign;
    const auto orders = index_orders(prop.book);
    for (std::size_t i = 0; i < prop.trades.size(); ++i) {
      const market::Trade& t = prop.trades[i];
      if (p.participant_area.at(t.buyer) != p.index && p.participant_area.at(t.seller) != p.index) continue;
      const ledger::TradeTx tx = make_trade_tx(prop.interval, t, orders, p.timing);
      const ledger::Bytes bytes = ledger::trade_bytes(tx);
      vote->co_signatures.push_back({i, p.suite->sign(p.signing_key, bytes)});
      charge_crypto(ctx, costs->hash_s(static_cast<double>(bytes.size())) + costs->sign_s);
    }
    return vote;
  }

  void receive_proposal(NodeContext& ctx, const Message& msg) {
    auto prop = std::static_pointer_cast<const ProposalBody>(msg.body);
    const IntervalIndex k = prop->interval;
    if (k >= p.timing.intervals || is_final(k) || prop->primary >= M) return;
    const ledger::Bytes bytes = proposal_bytes(*prop);
    charge_crypto(ctx, costs->hash_s(static_cast<double>(bytes.size())) + costs->verify_s);
    if (!p.suite->verify(p.directory->management_keys[prop->primary], p.suite->hash(bytes), prop->signature)) {
      return;
    }
    Round& r = rounds[k];
    if (r.refused_primaries.count(prop->primary) != 0) return;
    // The proposer's shift is taken as it is (a node that recovered counts failovers from 0), so
    // that every node names the attempt alike (PBFT instances are keyed by it).
    const std::uint32_t s = prop->shift;
    if (acting(k, s) != prop->primary) return;
    if (s != r.shift) {
      // Having co-signed the acting primary's proposal, it does not co-sign another primary's for
      // the same round until its own deadline has moved it on (else both could make a block).
      if (r.cosigned_shift == r.shift) return;
      // Adopt the proposer as acting primary (its failover came first); a deposed primary drops
      // its own attempt, including a block waiting for earlier blocks.
      r.shift = s;
      r.collecting = false;
      r.proposed = false;
      r.pending_finalize = false;
      r.proposal.reset();
      r.votes.clear();
      r.catch_up_asked = false;
      ++r.primary_gen;
    }
    ++r.deadline_gen;
    arm(ctx, ctx.now_s() + p.timeouts.vote_wait_s + p.timeouts.failover_s, kDeadline, r.deadline_gen, k);
    const std::shared_ptr<VoteBody> vote = validate(ctx, *prop);
    if (vote->kind == VoteBody::Kind::kCoSign) {
      r.cosigned = prop->trades;
      r.cosigned_shift = r.shift;
    } else {
      r.cosigned.reset();
    }
    vote_out(ctx, *prop, vote);
  }

  /** Re-run the clearing on the proposal's book and check security for this node's area. */
  std::shared_ptr<VoteBody> validate(NodeContext& ctx, const ProposalBody& prop) {
    const IntervalIndex k = prop.interval;
    const RoundOutcomeData mine = outcome_of(ctx, k, prop.book, prop.security_rounds);
    const std::string diff = trades_difference(mine.result.trades, prop.trades);
    if (!diff.empty()) {
      auto vote = std::make_shared<VoteBody>();
      vote->interval = k;
      vote->voter = p.index;
      vote->primary = prop.primary;
      vote->attempt = prop.attempt;
      vote->kind = VoteBody::Kind::kRefuse;
      vote->reason = "re-clearing differs: " + diff;
      return vote;
    }
    if (p.security != SecurityOption::kNone && p.grid != nullptr && !prop.trades.empty()) {
      std::vector<VoteBody::Objection> objections = check_area_flows(prop.trades);
      if (!objections.empty()) {
        auto vote = std::make_shared<VoteBody>();
        vote->interval = k;
        vote->voter = p.index;
        vote->primary = prop.primary;
        vote->attempt = prop.attempt;
        vote->kind = VoteBody::Kind::kObject;
        vote->objections = std::move(objections);
        return vote;
      }
    }
    return make_co_signatures(ctx, prop);
  }

  /** Overloads on the branches this node watches: those touching a bus of one of its subjects,
   * and those touching no subject's bus at all (every node watches those). */
  std::vector<VoteBody::Objection> check_area_flows(const std::vector<market::Trade>& trades) const {
    if (p.grid->is_zonal()) return check_area_transfers(trades);
    const grid::GridModel& model = p.grid->model();
    std::set<int> my_buses, subject_buses;
    for (ParticipantId i = 0; i < p.participant_area.size() && i < p.grid->participant_count(); ++i) {
      subject_buses.insert(p.grid->bus_of(i));
      if (p.participant_area[i] == p.index) my_buses.insert(p.grid->bus_of(i));
    }
    const std::vector<double> flows = market::trade_flows_mw(trades, *p.grid);
    std::vector<VoteBody::Objection> out;
    for (std::size_t b = 0; b < model.branches.size(); ++b) {
      const grid::Branch& br = model.branches[b];
      const bool mine = my_buses.count(br.from_bus) != 0 || my_buses.count(br.to_bus) != 0;
      const bool nobodys = subject_buses.count(br.from_bus) == 0 && subject_buses.count(br.to_bus) == 0;
      if (!mine && !nobodys) continue;
      const double limit = br.rate_a_mva;
      if (!(limit > 0.0)) continue;
      if (std::abs(flows[b]) > limit * (1.0 + 1e-9)) out.push_back({b, flows[b], limit});
    }
    return out;
  }

  /** Zonal grid: the congested tie-lines this node watches, those touching a zone of one of its
   * subjects and those touching no subject's zone at all (every node watches those). */
  std::vector<VoteBody::Objection> check_area_transfers(const std::vector<market::Trade>& trades) const {
    std::set<std::size_t> my_zones, subject_zones;
    for (ParticipantId i = 0; i < p.participant_area.size() && i < p.grid->participant_count(); ++i) {
      subject_zones.insert(p.grid->zone_of(i));
      if (p.participant_area[i] == p.index) my_zones.insert(p.grid->zone_of(i));
    }
    std::vector<VoteBody::Objection> out;
    for (const market::TieLineCongestion& c : market::congested_tie_lines(trades, *p.grid)) {
      const grid::TieLine& tie = p.grid->zonal().tie_lines[c.tie_line];
      const bool mine = my_zones.count(tie.from_zone) != 0 || my_zones.count(tie.to_zone) != 0;
      const bool nobodys = subject_zones.count(tie.from_zone) == 0 && subject_zones.count(tie.to_zone) == 0;
      if (mine || nobodys) out.push_back({c.tie_line, c.transfer_mw, c.capacity_mw});
    }
    return out;
  }

  void vote_out(NodeContext& ctx, const ProposalBody& prop, const std::shared_ptr<VoteBody>& vote) {
    const double size = p.sizes.control_bytes + p.sizes.signature_bytes * (1.0 + vote->co_signatures.size());
    charge_crypto(ctx, costs->sign_s);
    if (vote->kind == VoteBody::Kind::kRefuse) {
      self.refused.emit(Refusal{prop.interval, p.index, prop.primary, ctx.now_s(), vote->reason});
      for (std::uint32_t m = 0; m < M; ++m)
        if (m != p.index) send(ctx, mn_node(m), MessageType::kVote, size, vote);
      note_refusal(ctx, prop.interval, prop.primary, p.index);
      return;
    }
    send(ctx, mn_node(prop.primary), MessageType::kVote, size, vote);
  }

  void note_refusal(NodeContext& ctx, IntervalIndex k, std::uint32_t primary, std::uint32_t voter) {
    if (is_final(k)) return;
    Round& r = rounds[k];
    auto& set = r.refusals[primary];
    set.insert(voter);
    if (2 * set.size() > M && acting(k, r.shift) == primary && r.refused_primaries.count(primary) == 0) {
      r.refused_primaries.insert(primary);
      advance_to(ctx, k, r.shift + 1);
    }
  }

  void receive_vote(NodeContext& ctx, const Message& msg) {
    auto vote = std::static_pointer_cast<const VoteBody>(msg.body);
    const IntervalIndex k = vote->interval;
    if (k >= p.timing.intervals || is_final(k) || vote->voter >= M) return;
    charge_crypto(ctx, costs->verify_s * (1.0 + vote->co_signatures.size()));
    if (vote->kind == VoteBody::Kind::kRefuse) note_refusal(ctx, k, vote->primary, vote->voter);
    auto it = rounds.find(k);
    if (it == rounds.end()) return;
    Round& r = it->second;
    if (vote->primary != p.index || !r.proposed || vote->attempt != r.attempt) return;
    r.votes[vote->voter] = vote;
    decide(ctx, k, false);
  }

  /** The primary decides on the votes so far (`timed_out`: the vote wait is over). */
  void decide(NodeContext& ctx, IntervalIndex k, bool timed_out) {
    Round& r = rounds[k];
    if (!r.proposed || r.pending_finalize) return;
    const std::size_t expected = M - r.excluded.size();
    std::size_t voted = 0;
    bool refused = false;
    std::set<std::size_t> objected;
    for (const auto& [voter, v] : r.votes) {
      if (r.excluded.count(voter) != 0) continue;
      ++voted;
      if (v->kind == VoteBody::Kind::kRefuse) refused = true;
      if (v->kind == VoteBody::Kind::kObject) {
        for (const auto& o : v->objections) {
          objected.insert(o.branch);
          r.objector.emplace(o.branch, voter);
        }
      }
    }
    if (voted < expected && !timed_out) return;
    // A majority of refusals moves the rotation on (note_refusal); a minority only withholds
    // co-signatures (a refusing area's orders are dropped at the vote timeout, below).
    if (refused && 2 * r.refusals[p.index].size() > M) return;
    if (!objected.empty()) {
      r.security_rounds.emplace_back(objected.begin(), objected.end());
      propose(ctx, k);
      return;
    }
    // Every area the trades touch must have co-signed.
    std::set<std::uint32_t> needed, missing;
    for (const market::Trade& t : r.proposal->trades) {
      needed.insert(p.participant_area.at(t.buyer));
      needed.insert(p.participant_area.at(t.seller));
    }
    for (std::uint32_t m : needed) {
      const auto v = r.votes.find(m);
      if (v == r.votes.end() || v->second->kind != VoteBody::Kind::kCoSign) missing.insert(m);
    }
    // And a majority of all management nodes must have co-signed (checked the proposal), so that
    // two primaries of one round cannot both make a block from disjoint sets of live nodes.
    std::size_t co_signed = 0;
    for (const auto& [voter, v] : r.votes) co_signed += v->kind == VoteBody::Kind::kCoSign;
    if (missing.empty() && 2 * co_signed > M) {
      finalize(ctx, k);
      return;
    }
    if (!timed_out) return;
    // Drop the silent nodes' orders (their owners get a 0 result from their node) and retry
    // (the re-sent proposal also reaches nodes that have come back).
    for (std::uint32_t m : missing)
      if (m != p.index) r.excluded.insert(m);
    propose(ctx, k);
  }

  // ---- step 5: the block ----
  void finalize(NodeContext& ctx, IntervalIndex k) {
    Round& r = rounds[k];
    if (!r.proposal || acting(k, r.shift) != p.index) {
      r.pending_finalize = false;
      return;
    }
    if (chain.size() < k) {
      // The chain lacks earlier blocks (this node was down): fetch them first.
      r.pending_finalize = true;
      request_catch_up(ctx, kNoNode);
      return;
    }
    if (chain.size() > k) return;  // cannot happen: k would be final
    r.pending_finalize = false;
    const ProposalBody& prop = *r.proposal;
    const auto orders = index_orders(prop.book);
    auto block = std::make_shared<ledger::Block>();
    block->header.height = chain.size();
    if (!chain.empty()) block->header.previous_hash = ledger::block_hash(*p.suite, chain.back().header);
    block->header.timestamp_s = ctx.now_s();
    block->header.primary = p.index;
    block->header.interval = k;
    double hashed = 0.0;
    for (std::size_t i = 0; i < prop.trades.size(); ++i) {
      const market::Trade& t = prop.trades[i];
      ledger::BlockTransaction tx;
      tx.trade = make_trade_tx(k, t, orders, p.timing);
      tx.buyer_signature = orders.at(t.buy_order)->signature;
      tx.seller_signature = orders.at(t.sell_order)->signature;
      for (const auto& [voter, v] : r.votes) {
        for (const auto& cs : v->co_signatures)
          if (cs.trade == i) tx.management_signatures.push_back(ledger::NodeSignature{voter, cs.signature});
      }
      std::sort(tx.management_signatures.begin(), tx.management_signatures.end(),
                [](const ledger::NodeSignature& a, const ledger::NodeSignature& b) { return a.signer < b.signer; });
      hashed += 200.0 + 64.0 * (2 + tx.management_signatures.size());
      block->transactions.push_back(std::move(tx));
    }
    ledger::seal_merkle_root(*p.suite, *block);
    block->primary_signature = p.suite->sign(p.signing_key, ledger::header_bytes(block->header));
    charge_crypto(ctx, costs->hash_s(hashed) * 2.0 + costs->sign_s);

    auto body = std::make_shared<BlockBody>();
    body->block = block;
    body->book_orders.reserve(prop.book.size());
    for (const BundledOrder& o : prop.book) body->book_orders.push_back(o.order.id);
    std::sort(body->book_orders.begin(), body->book_orders.end());

    RoundOutcome outcome;
    market::ClearedInterval& c = outcome.cleared;
    c.interval = k;
    c.gate_closure_s = p.timing.gate_closure_time_s(k);
    for (const BundledOrder& o : prop.book) (o.order.side == market::Side::kBuy ? c.bids : c.offers)++;
    for (const auto& [sender, bundle] : r.bundles) {
      c.rejected_late += bundle->rejected_late;
      c.rejected_other += bundle->rejected_other;
    }
    c.result = r.outcome.result;
    c.security_iterations = r.outcome.iterations;
    outcome.primary = p.index;
    outcome.scheduled_primary = p.primary_by_interval.at(k);
    outcome.attempts = r.attempt;
    outcome.bundles_received = static_cast<std::uint32_t>(r.bundles.size() - r.excluded.size());
    outcome.bundles_expected = M;
    outcome.proposal_s = r.proposal_s;
    outcome.final_s = ctx.now_s();
    outcome.height = block->header.height;
    // Option B: tell the owners of cancelled trades that their remainder was re-cleared.
    for (OrderId id : r.outcome.reopened) {
      const auto it = orders.find(id);
      if (it == orders.end()) continue;
      auto reopen = std::make_shared<ReopenBody>();
      reopen->interval = k;
      reopen->order = id;
      send(ctx, p.participant_nodes.at(it->second->order.participant), MessageType::kReopen, p.sizes.control_bytes, reopen);
    }
    publish(ctx, body, outcome);
  }

  /** The seam between the rotating primary's plain publication and PBFT ordering. */
  void publish(NodeContext& ctx, const std::shared_ptr<BlockBody>& body, const RoundOutcome& outcome) {
    switch (p.agreement) {
      case AgreementProtocol::kRotatingPrimary: {
        const double size = block_size(*body->block);
        for (std::uint32_t m = 0; m < M; ++m)
          if (m != p.index) send(ctx, mn_node(m), MessageType::kBlock, size, body);
        append(ctx, body, false);
        self.round_final.emit(outcome);
        return;
      }
      case AgreementProtocol::kPbft:
        pbft_publish(ctx, body, outcome);
        return;
    }
  }

  void receive_block(NodeContext& ctx, const Message& msg) {
    auto body = std::static_pointer_cast<const BlockBody>(msg.body);
    offer_block(ctx, body, msg.from);
  }

  void offer_block(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body, NodeId from) {
    const std::uint64_t h = body->block->header.height;
    if (h < chain.size()) return;  // already have it
    if (h > chain.size()) {
      future_blocks[h] = body;
      request_catch_up(ctx, from);
      return;
    }
    append(ctx, body, true);
  }

  bool append(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body, bool verify) {
    const ledger::Block& block = *body->block;
    const IntervalIndex k = block.header.interval;
    if (block.header.height != chain.size() || is_final(k) || k >= p.timing.intervals) return false;
    if (verify) {
      double sigs = 1.0 + block.confirmations.size();
      for (const auto& tx : block.transactions) sigs += 2.0 + tx.management_signatures.size();
      charge_crypto(ctx, costs->verify_s * sigs + costs->hash_s(block_size(block)));
      const auto problem = ledger::verify_block(*p.suite, *p.directory, block, chain.empty() ? nullptr : &chain.back().header,
                                                chain.size());
      if (problem) {
        ++blocks_rejected;
        return false;
      }
    }
    chain.push_back(block);
    chain_books.push_back(body->book_orders);
    final_height[k] = block.header.height;
    self.block_appended.emit(p.index, block, ctx.now_s());
    on_final(ctx, k);
    // Blocks that arrived early, and a finalisation that waited for this one.
    while (true) {
      auto it = future_blocks.find(chain.size());
      if (it == future_blocks.end()) break;
      auto next = it->second;
      future_blocks.erase(future_blocks.begin(), std::next(it));
      if (!append(ctx, next, true)) break;
    }
    for (auto& [rk, r] : rounds) {
      if (r.pending_finalize && rk == chain.size() && !is_final(rk)) {
        finalize(ctx, rk);
        break;
      }
    }
    return true;
  }

  // ---- step 6: results, sync, settlement ----
  void on_final(NodeContext& ctx, IntervalIndex k) {
    const ledger::Block& block = chain[final_height.at(k)];
    const std::vector<OrderId>& book = chain_books[final_height.at(k)];
    auto& res = own_results(k);
    // Chain sync to the subjects.
    send_sync_all(ctx, block);
    // Orders this node accepted that missed the round.
    if (auto it = accepted.find(k); it != accepted.end()) {
      for (const BundledOrder& o : it->second) {
        if (std::binary_search(book.begin(), book.end(), o.order.id)) continue;
        market::Order missed = o.order;
        missed.arrived_s = o.arrived_s;
        self.order_missed_round.emit(missed);
        reply_result(ctx, p.participant_nodes.at(o.order.participant), k, o.order.id, res);
      }
    }
    pbft_rounds.erase(pbft_rounds.lower_bound(std::uint64_t{k} << 16), pbft_rounds.lower_bound(std::uint64_t{k + 1} << 16));
    auto rit = rounds.find(k);
    if (rit != rounds.end()) {
      for (const auto& [node, order] : rit->second.held_queries) reply_result(ctx, node, k, order, res);
      rounds.erase(rit);
    }
    if (settled.count(k) == 0) {
      if (p.timing.delivery_end_s(k) <= ctx.now_s()) settle(ctx, k);
      else arm(ctx, p.timing.delivery_end_s(k), kSettle, 0, k);
    }
  }

  std::unordered_map<OrderId, OwnResult>& own_results(IntervalIndex k) {
    auto it = results.find(k);
    if (it != results.end()) return it->second;
    auto& res = results[k];
    if (auto a = accepted.find(k); a != accepted.end()) {
      for (const BundledOrder& o : a->second) res[o.order.id].fill = market::OrderFill{o.order.id, 0.0, 0.0, o.arrived_s};
    }
    for (const auto& tx : chain[final_height.at(k)].transactions) {
      const ledger::TradeTx& t = tx.trade;
      if (auto b = res.find(t.buy_order.id); b != res.end()) {
        b->second.fill.matched_kwh += t.quantity_kwh;
        b->second.fill.payment += t.quantity_kwh * t.price_per_kwh;
        ++b->second.trades;
      }
      if (auto s = res.find(t.sell_order.id); s != res.end()) {
        s->second.fill.matched_kwh += t.quantity_kwh;
        s->second.fill.payment -= t.quantity_kwh * t.seller_price_per_kwh;
        ++s->second.trades;
      }
    }
    return res;
  }

  void reply_result(NodeContext& ctx, NodeId to, IntervalIndex k, OrderId order,
                    const std::unordered_map<OrderId, OwnResult>& res) {
    auto body = std::make_shared<market::ResultBody>();
    body->interval = k;
    market::OrderFill fill{order, 0.0, 0.0, 0.0};
    std::size_t trades = 0;
    if (auto it = res.find(order); it != res.end()) {
      fill = it->second.fill;
      trades = it->second.trades;
    } else {
      // Not an order this node still holds (pruned after settlement, or unknown): read the chain.
      for (const auto& tx : chain[final_height.at(k)].transactions) {
        const ledger::TradeTx& t = tx.trade;
        if (t.buy_order.id == order) {
          fill.matched_kwh += t.quantity_kwh;
          fill.payment += t.quantity_kwh * t.price_per_kwh;
          ++trades;
        }
        if (t.sell_order.id == order) {
          fill.matched_kwh += t.quantity_kwh;
          fill.payment -= t.quantity_kwh * t.seller_price_per_kwh;
          ++trades;
        }
      }
    }
    if (misreporting_now(ctx.now_s())) {
      fill.matched_kwh *= 0.5;
      fill.payment *= 0.5;
    }
    body->fills.push_back(fill);
    body->trade_count = trades;
    send(ctx, to, MessageType::kResult, p.result_bytes + p.result_per_trade_bytes * trades, body);
  }

  /** Chain sync of `block` to every subject: one shared body (kFull), or header + own trades found
   * in one pass over the block (kHeaders). */
  void send_sync_all(NodeContext& ctx, const ledger::Block& block) {
    switch (p.sync) {
      case ChainSync::kNone: return;
      case ChainSync::kFull: {
        auto body = std::make_shared<SyncBody>();
        body->interval = block.header.interval;
        body->height = block.header.height;
        body->block = std::make_shared<const ledger::Block>(block);
        const double size = block_size(block);
        for (ParticipantId i : subjects) send(ctx, p.participant_nodes.at(i), MessageType::kSync, size, body);
        return;
      }
      case ChainSync::kHeaders: {
        std::unordered_map<ParticipantId, std::vector<ledger::TradeTx>> own;  // lookups only
        for (const auto& tx : block.transactions) {
          if (p.participant_area.at(tx.trade.buyer) == p.index) own[tx.trade.buyer].push_back(tx.trade);
          if (tx.trade.seller != tx.trade.buyer && p.participant_area.at(tx.trade.seller) == p.index)
            own[tx.trade.seller].push_back(tx.trade);
        }
        for (ParticipantId i : subjects) {
          auto body = std::make_shared<SyncBody>();
          body->interval = block.header.interval;
          body->height = block.header.height;
          if (auto it = own.find(i); it != own.end()) body->own_trades = std::move(it->second);
          const double size = p.sizes.header_bytes + p.sizes.signature_bytes +
                              body->own_trades.size() * (p.sizes.proposal_per_trade_bytes + 4 * p.sizes.signature_bytes);
          send(ctx, p.participant_nodes.at(i), MessageType::kSync, size, body);
        }
        return;
      }
    }
  }

  void receive_query(NodeContext& ctx, const Message& msg) {
    const auto& q = msg.as<QueryBody>();
    if (q.interval >= p.timing.intervals) return;
    if (is_final(q.interval)) {
      const auto& res = own_results(q.interval);
      const std::vector<OrderId>& book = chain_books[final_height.at(q.interval)];
      if (res.count(q.order) == 0 && !std::binary_search(book.begin(), book.end(), q.order)) {
        // Never received (lost, or sent while this node was down): the owner learns it is lost.
        auto ack = std::make_shared<market::AckBody>();
        ack->order = q.order;
        ack->status = market::OrderStatus::kUnacknowledged;
        ack->arrived_s = -1.0;
        send(ctx, msg.from, MessageType::kAck, p.ack_bytes, ack);
        return;
      }
      reply_result(ctx, msg.from, q.interval, q.order, res);
      return;
    }
    rounds[q.interval].held_queries.emplace_back(msg.from, q.order);
  }

  void settle(NodeContext& ctx, IntervalIndex k) {
    if (settled.count(k) != 0 || !is_final(k)) return;
    settled.insert(k);
    // Delivery is over: the acknowledged-bid store of k is no longer needed (late queries are
    // answered from the chain).
    accepted.erase(k);
    rejected.erase(k);
    results.erase(k);
    if (!p.meters) return;
    std::vector<market::MeterReading> readings(p.participant_nodes.size());
    for (ParticipantId i = 0; i < readings.size(); ++i) readings[i] = p.meters(i, k);
    std::vector<market::Trade> trades;
    for (const auto& tx : chain[final_height.at(k)].transactions) trades.push_back(to_trade(tx.trade));
    const market::IntervalSettlement s = market::settle_interval(k, readings, trades, p.tariffs);
    market::check_conservation(s, label(k));
    for (ParticipantId i : subjects) {
      auto body = std::make_shared<market::SettlementBody>();
      body->interval = k;
      body->total_payment = s.lines.at(i).total_payment;
      send(ctx, p.participant_nodes.at(i), MessageType::kSettlement, p.settlement_bytes, body);
    }
  }

  // ---- disputes ----
  void receive_dispute(NodeContext& ctx, const Message& msg) {
    auto d = std::static_pointer_cast<const DisputeBody>(msg.body);
    const IntervalIndex k = d->interval;
    if (k >= p.timing.intervals) return;
    bool from_management = false;
    for (NodeId n : p.management_nodes) from_management |= (n == msg.from);
    if (!from_management) {
      // From a subject: forward to the primary that finalised the round (or the acting one).
      charge_crypto(ctx, costs->decrypt_s(p.sizes.control_bytes) + costs->verify_s);
      std::uint32_t primary = is_final(k) ? chain[final_height.at(k)].header.primary
                                          : acting(k, rounds.count(k) != 0 ? rounds[k].shift : 0);
      if (primary != p.index) {
        charge_crypto(ctx, costs->sign_s + costs->encrypt_s(p.sizes.control_bytes));
        send(ctx, mn_node(primary), MessageType::kDispute,
             p.sizes.control_bytes + p.sizes.envelope_bytes + p.sizes.signature_bytes, d);
        return;
      }
    }
    if (!is_final(k)) return;  // the participant asks again later
    market::OrderFill truth{d->order.id, 0.0, 0.0, d->reported.arrived_s};
    for (const auto& tx : chain[final_height.at(k)].transactions) {
      const ledger::TradeTx& t = tx.trade;
      if (t.buy_order.id == d->order.id) {
        truth.matched_kwh += t.quantity_kwh;
        truth.payment += t.quantity_kwh * t.price_per_kwh;
      }
      if (t.sell_order.id == d->order.id) {
        truth.matched_kwh += t.quantity_kwh;
        truth.payment -= t.quantity_kwh * t.seller_price_per_kwh;
      }
    }
    const bool upheld = std::abs(truth.matched_kwh - d->reported.matched_kwh) > kFillTolerance ||
                        std::abs(truth.payment - d->reported.payment) > kFillTolerance;
    auto reply = std::make_shared<DisputeReplyBody>();
    reply->interval = k;
    reply->fill = truth;
    reply->upheld = upheld;
    charge_crypto(ctx, costs->sign_s);
    send(ctx, d->participant_node, MessageType::kDisputeReply, p.result_bytes + p.sizes.signature_bytes, reply);
    if (disputes_closed.insert(d->order.id).second) {
      DisputeRecord rec;
      rec.interval = k;
      rec.participant = d->order.participant;
      rec.order = d->order.id;
      rec.raised_s = d->raised_s;
      rec.resolved_s = ctx.now_s();
      rec.rounds = 0;
      rec.upheld = upheld;
      self.dispute_closed.emit(rec);
    }
  }

  // ---- catch-up ----
  void receive_catch_up(NodeContext& ctx, const Message& msg) {
    const auto& req = msg.as<CatchUpBody>();
    if (req.from_height >= chain.size()) return;
    auto reply = std::make_shared<CatchUpReplyBody>();
    double size = p.sizes.control_bytes;
    for (std::uint64_t h = req.from_height; h < chain.size(); ++h) {
      auto b = std::make_shared<BlockBody>();
      b->block = std::make_shared<const ledger::Block>(chain[h]);
      b->book_orders = chain_books[h];
      size += block_size(chain[h]);
      reply->blocks.push_back(std::move(b));
    }
    send(ctx, msg.from, MessageType::kCatchUpReply, size, reply);
  }

  void receive_catch_up_reply(NodeContext& ctx, const Message& msg) {
    const auto& reply = msg.as<CatchUpReplyBody>();
    for (const auto& b : reply.blocks) {
      const std::uint64_t h = b->block->header.height;
      if (h < chain.size()) continue;
      if (h > chain.size()) {
        future_blocks[h] = b;
        continue;
      }
      if (!append(ctx, b, true)) break;
    }
  }

  // ---- PBFT (step 8) ----
  struct PbftRound;
  std::map<std::uint64_t, std::shared_ptr<PbftRound>> pbft_rounds;  // by PBFT sequence
  void pbft_clear();
  void pbft_publish(NodeContext& ctx, const std::shared_ptr<BlockBody>& body, const RoundOutcome& outcome);
  PbftRound& pbft_instance(NodeContext& ctx, IntervalIndex k, std::uint32_t shift);
  bool pbft_validate(IntervalIndex k, std::uint32_t shift, const PbftValue& value);
  void pbft_run(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, const std::vector<PbftAction>& actions);
  void pbft_committed(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, const PbftValue& value);
  void pbft_message(NodeContext& ctx, const Message& msg);
  void pbft_timer(NodeContext& ctx, IntervalIndex k, std::uint32_t gen);
};

// ---- PBFT (step 8) ----
// One PbftReplica per (interval, rotation shift): sequence = (k << 16) | shift, replicas = the
// management indexes, leaders = the rotation order starting at the round's acting primary. The
// acting primary runs steps 1-4 as in the rotating design, forms the block, and proposes it
// (PRE-PREPARE carries the block; digest = block_hash). A backup accepts it if it extends its
// chain, verifies (ledger::verify_block) and its trades are exactly those the backup re-cleared
// and co-signed in step 4. On commit every replica appends the block. Rule for confirmations:
// PBFT messages are authenticated by the simulated channel, so Block::confirmations stays empty
// (the block hash covers the header only, so every replica appends the identical block). A view
// change inside an instance re-proposes the prepared block (kNeedValue without one is left to the
// rotation's failover deadline, which starts a new instance with the next primary).
struct ManagementNode::State::PbftRound {
  std::unique_ptr<PbftReplica> replica;
  std::uint32_t shift = 0;
  bool has_outcome = false;
  RoundOutcome outcome;  // at the proposer
  std::optional<PbftValue> own;
};

void ManagementNode::State::pbft_clear() { pbft_rounds.clear(); }

namespace {
std::uint64_t pbft_sequence(IntervalIndex k, std::uint32_t shift) { return (std::uint64_t{k} << 16) | (shift & 0xFFFFu); }
std::uint32_t pbft_gen(std::uint32_t shift, std::uint64_t view) { return ((shift & 0xFFFu) << 12) | (view & 0xFFFu); }
}  // namespace

void ManagementNode::State::pbft_publish(NodeContext& ctx, const std::shared_ptr<BlockBody>& body, const RoundOutcome& outcome) {
  const IntervalIndex k = body->block->header.interval;
  const std::uint32_t shift = rounds[k].shift;
  PbftRound& inst = pbft_instance(ctx, k, shift);
  inst.has_outcome = true;
  inst.outcome = outcome;
  PbftValue value;
  value.digest = ledger::block_hash(*p.suite, body->block->header);
  value.payload = body;
  value.payload_bytes = block_size(*body->block);
  inst.own = value;
  pbft_run(ctx, k, shift, inst.replica->propose(value));
}

ManagementNode::State::PbftRound& ManagementNode::State::pbft_instance(NodeContext& ctx, IntervalIndex k, std::uint32_t shift) {
  const std::uint64_t seq = pbft_sequence(k, shift);
  auto it = pbft_rounds.find(seq);
  if (it != pbft_rounds.end()) return *it->second;
  auto inst = std::make_shared<PbftRound>();
  inst->shift = shift;
  PbftParams params;
  params.replica = p.index;
  params.replicas = M;
  for (std::uint32_t i = 0; i < M; ++i) params.leaders.push_back(acting(k, shift + i));
  params.sequence = seq;
  params.view_change_timeout_s = p.timeouts.vote_wait_s;
  params.control_bytes = p.sizes.control_bytes + p.sizes.signature_bytes;
  params.validate = [this, k, shift](const PbftValue& value) { return pbft_validate(k, shift, value); };
  inst->replica = std::make_unique<PbftReplica>(std::move(params));
  pbft_rounds[seq] = inst;
  pbft_run(ctx, k, shift, inst->replica->start());
  return *inst;
}

bool ManagementNode::State::pbft_validate(IntervalIndex k, std::uint32_t shift, const PbftValue& value) {
  auto body = std::dynamic_pointer_cast<const BlockBody>(value.payload);
  if (!body || !body->block) return false;
  const ledger::Block& block = *body->block;
  if (block.header.interval != k || block.header.height != chain.size()) return false;
  if (ledger::block_hash(*p.suite, block.header) != value.digest) return false;
  if (ledger::verify_block(*p.suite, *p.directory, block, chain.empty() ? nullptr : &chain.back().header, chain.size()))
    return false;
  auto r = rounds.find(k);
  // Only the block of the primary whose proposal this node co-signed (one per round at a time).
  if (r == rounds.end() || !r->second.cosigned || r->second.cosigned_shift != shift) return false;
  std::vector<market::Trade> trades;
  for (const auto& tx : block.transactions) trades.push_back(to_trade(tx.trade));
  return trades_difference(*r->second.cosigned, trades).empty();
}

void ManagementNode::State::pbft_run(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, const std::vector<PbftAction>& actions) {
  for (const PbftAction& a : actions) {
    switch (a.kind) {
      case PbftAction::Kind::kSend:
        charge_crypto(ctx, costs->sign_s);
        send(ctx, mn_node(a.to), a.type, a.size_bytes, a.message);
        break;
      case PbftAction::Kind::kStartTimer:
        arm(ctx, ctx.now_s() + a.delay_s, kPbftTimer, pbft_gen(shift, a.view), k);
        break;
      case PbftAction::Kind::kCommitted:
        pbft_committed(ctx, k, shift, a.value);
        break;
      case PbftAction::Kind::kNeedValue: {
        auto it = pbft_rounds.find(pbft_sequence(k, shift));
        if (it != pbft_rounds.end() && it->second->own) pbft_run(ctx, k, shift, it->second->replica->propose(*it->second->own));
        break;
      }
    }
  }
}

void ManagementNode::State::pbft_committed(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, const PbftValue& value) {
  auto body = std::dynamic_pointer_cast<const BlockBody>(value.payload);
  if (!body || is_final(k)) return;
  std::optional<RoundOutcome> outcome;
  if (auto it = pbft_rounds.find(pbft_sequence(k, shift)); it != pbft_rounds.end() && it->second->has_outcome)
    outcome = it->second->outcome;
  offer_block(ctx, body, kNoNode);
  if (outcome && is_final(k) && ledger::block_hash(*p.suite, chain[final_height.at(k)].header) == value.digest) {
    outcome->final_s = ctx.now_s();
    self.round_final.emit(*outcome);
  }
}

void ManagementNode::State::pbft_message(NodeContext& ctx, const Message& msg) {
  const auto& m = msg.as<PbftMessage>();
  const auto k = static_cast<IntervalIndex>(m.sequence >> 16);
  const auto shift = static_cast<std::uint32_t>(m.sequence & 0xFFFFu);
  if (k >= p.timing.intervals || is_final(k) || m.sender >= M) return;
  charge_crypto(ctx, costs->verify_s);
  PbftRound& inst = pbft_instance(ctx, k, shift);
  pbft_run(ctx, k, shift, inst.replica->on_message(m));
}

void ManagementNode::State::pbft_timer(NodeContext& ctx, IntervalIndex k, std::uint32_t gen) {
  const std::uint32_t shift = gen >> 12;
  const std::uint64_t view = gen & 0xFFFu;
  auto it = pbft_rounds.find(pbft_sequence(k, shift));
  if (it == pbft_rounds.end() || is_final(k)) return;
  auto inst = it->second;
  pbft_run(ctx, k, shift, inst->replica->on_timeout(view));
}

ManagementNode::ManagementNode(ManagementNodeParams params, const market::ClearingRule& rule)
    : state_(std::make_unique<State>(*this, std::move(params), rule)) {}

ManagementNode::~ManagementNode() = default;

void ManagementNode::on_start(NodeContext& ctx) { state_->on_start(ctx); }
void ManagementNode::on_message(NodeContext& ctx, const Message& msg) { state_->on_message(ctx, msg); }
void ManagementNode::on_timer(NodeContext& ctx, TimerId, std::uint64_t tag) { state_->on_timer(ctx, tag); }

const std::vector<ledger::Block>& ManagementNode::chain() const { return state_->chain; }
const CpuUse& ManagementNode::cpu() const { return state_->cpu; }
std::uint32_t ManagementNode::index() const { return state_->p.index; }
bool ManagementNode::is_down() const { return state_->down; }
std::uint64_t ManagementNode::blocks_rejected() const { return state_->blocks_rejected; }

}  // namespace ebsim::consensus
