// The peer-to-peer design (SPEC §5, issue 5): every participant runs a full node of a public
// chain next to its own agent, miners (PoW) or validators (PoS) are extra nodes on their own
// hosts, orders are transactions, and the market contract clears each delivery interval from the
// chain. The model is models/p2p/ (docs/p2p.md); this file hosts it, decides when an interval is
// final at a node, gives participants their results, settles on the final chain and traces.
//
// THE CONTRACT'S RULE. Interval k's orders are the transactions for k in the blocks of a node's
// best chain found at or before k's gate closure. The interval's CLOSING BLOCK is the first
// best-chain block found after gate closure; the result is FINAL at the node when the closing
// block has z = p2p.confirmations confirmations (so every block holding k's orders has more than
// z). Then the node runs the contract (one call market over those orders with market.clearing,
// or the CDA over them in inclusion order) and tells its participant what it got; an order not
// included in time is answered "late". Settlement uses the final chain at the end of the run
// (the best chain with most work over all nodes); a result a node gave on a branch that was later
// replaced is counted (/p2p_chain results_reverted), not hidden.
//
// LIGHT NODES (p2p.light_share). A light participant's node keeps no chain and relays nothing:
// it sends its order's transaction to one full node (its server, drawn from the seed) and asks
// it for the interval's outcome at once (a long poll, as an SPV wallet fetching what it needs).
// The server answers when the interval is final there, with the block headers the client has
// not seen yet (80 bytes each) and the Merkle branch of the order's transaction (32 bytes per
// level), so the client can check the proof of work and the inclusion itself; it trusts its
// server for the contract's outcome and for not hiding a heavier chain. The overlay joins the
// full nodes and miners only.
//
// END OF THE RUN. Miners stop once, at their own node, the last interval is final and its closing
// block has tail_blocks more confirmations; the gossip then drains and the engine stops.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "models/core/invariant.hpp"
#include "models/core/rng.hpp"
#include "models/market/messages.hpp"
#include "models/market/settlement.hpp"
#include "models/p2p/contract.hpp"
#include "models/p2p/double_spend.hpp"
#include "models/p2p/selfish_mining.hpp"
#include "models/p2p/overlay.hpp"
#include "models/p2p/p2p_node.hpp"
#include "models/p2p/pow.hpp"
#include "sim/market_design.hpp"
#include "sim/market_design_registry.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim {
namespace {

using p2p::BlockId;
using p2p::BlockPtr;

/** What one node concluded about one interval when it became final there. */
struct NodeFinal {
  BlockId gate_block = 0;  // last block of the interval's order set (its parent chain is the prefix)
  double final_s = 0.0;
};

/** What a participant's node (full or light) knows of its owner's orders. */
class ParticipantNode {
 public:
  virtual ~ParticipantNode() = default;
  /** Per interval: when the owner's outcome became final here, and on which gate block. */
  virtual const std::vector<std::optional<NodeFinal>>& finals() const = 0;
  /** Orders of the owner, by interval (one per interval at most). */
  virtual const std::map<IntervalIndex, market::Order>& orders() const = 0;
};

/** light client -> server: "tell me the outcome of this order when its interval is final". */
struct LightQueryBody final : MessageBody {
  market::Order order;
};

/** server -> light client: the outcome (an AckBody "late" or a ResultBody, with its message
 * type), the gate block it was computed on; the message size includes headers and proof. */
struct LightAnswerBody final : MessageBody {
  MessageType outcome_type = MessageType::kResult;
  std::shared_ptr<const MessageBody> outcome;
  double outcome_bytes = 0.0;
  IntervalIndex interval = 0;
  BlockId gate_block = 0;
};

/** Bytes of a Merkle branch proving one of `transactions` in a block: one 32-byte hash per level. */
double merkle_branch_bytes(std::size_t transactions) {
  std::size_t levels = 0;
  while ((std::size_t{1} << levels) < transactions) ++levels;
  return 32.0 * static_cast<double>(levels);
}

/** Shared by every node of the run: the contract's outcome per (gate block, interval) is a pure
 * function of chain data, so it is computed once and looked up by every node on that chain. */
class ContractCache {
 public:
  ContractCache(const market::ClearingRule& rule, const grid::GridView* grid, std::uint64_t seed, P2pContract mode)
      : rule_(rule), grid_(grid), seed_(seed), mode_(mode) {}

  /** The clearing of interval k over `tree`'s best chain up to the block at `gate_height`
   * (the interval's order set). Only blocks found from k's market opening on can hold its orders,
   * so the scan starts there. */
  const p2p::ContractClearing& clear(const p2p::BlockTree& tree, std::uint64_t gate_height, IntervalIndex k,
                                     double market_open_s) {
    const auto& ids = tree.best_chain();
    const auto key = std::pair{ids[gate_height], k};
    const auto found = cache_.find(key);
    if (found != cache_.end()) return found->second;
    const auto first = std::partition_point(ids.begin() + 1, ids.begin() + static_cast<std::ptrdiff_t>(gate_height) + 1,
                                            [&](BlockId id) { return tree.find(id)->mined_s < market_open_s; });
    std::vector<BlockPtr> blocks;
    for (auto it = first; it != ids.begin() + static_cast<std::ptrdiff_t>(gate_height) + 1; ++it) blocks.push_back(tree.find(*it));
    p2p::ContractClearing clearing;
    if (mode_ == P2pContract::kContinuous) {
      clearing = p2p::clear_continuous_on_chain(blocks, k);
    } else {
      // One call market over the interval's orders in inclusion order: a block holding them all,
      // named after the gate block (the rule's random stream).
      p2p::Block book;
      book.id = ids[gate_height];
      for (const BlockPtr& b : blocks)
        for (const p2p::TxPtr& tx : b->transactions)
          if (tx->order.interval == k) book.transactions.push_back(tx);
      std::vector<p2p::ContractClearing> per_interval = p2p::clear_block(book, rule_, grid_, seed_);
      if (per_interval.empty()) {
        clearing.interval = k;
      } else {
        clearing = std::move(per_interval.front());
      }
    }
    return cache_.emplace(key, std::move(clearing)).first->second;
  }

 private:
  const market::ClearingRule& rule_;
  const grid::GridView* grid_;
  std::uint64_t seed_;
  P2pContract mode_;
  std::map<std::pair<BlockId, IntervalIndex>, p2p::ContractClearing> cache_;
};

/** Height of the first best-chain block found after `gate_closure_s`, if any. Found times grow
 * along a chain (a block is made after its parent arrived), so a binary search is exact. */
std::optional<std::uint64_t> closing_height(const p2p::BlockTree& tree, double gate_closure_s) {
  const auto& ids = tree.best_chain();
  const auto it = std::partition_point(ids.begin() + 1, ids.end(),
                                       [&](BlockId id) { return tree.find(id)->mined_s <= gate_closure_s; });
  if (it == ids.end()) return std::nullopt;
  return static_cast<std::uint64_t>(it - ids.begin());
}

/** A full node of the chain, plus (for a participant's node) the bridge to its agent: the
 * agent's bid becomes a transaction here, and the interval's result goes back when final. */
class PeerNode final : public Node, public ParticipantNode {
 public:
  struct Setup {
    p2p::P2pNodeParams params;
    std::optional<NodeId> owner;  // the participant agent next to this node
    bool miner = false;
    const market::MarketTiming* timing = nullptr;
    std::uint32_t confirmations = 6;
    std::uint32_t tail_blocks = 3;
    double fee = 0.0;
    double transaction_bytes = 250.0;
    double result_bytes = 300.0;
    double ack_bytes = 120.0;
    ContractCache* contract = nullptr;
  };

  explicit PeerNode(Setup setup)
      : setup_(std::move(setup)), inner_(setup_.params), finals_(setup_.timing->intervals) {
    inner_.tip_changed.connect([this](const p2p::TipChange&) { tip_moved_ = true; });
  }

  void on_start(NodeContext& ctx) override { inner_.on_start(ctx); }

  void on_message(NodeContext& ctx, const Message& msg) override {
    if (msg.type == MessageType::kBid) {
      submit(ctx, msg.as<market::BidBody>().order);
      return;
    }
    if (msg.type == MessageType::kQuery) {
      serve_light_client(ctx, msg.from, msg.as<LightQueryBody>().order);
      return;
    }
    inner_.on_message(ctx, msg);
    check_finality_if_tip_moved(ctx);
  }

  void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) override {
    if (stopped_) return;  // the miner has stopped: its mining (or slot) timers end here
    inner_.on_timer(ctx, id, tag);
    check_finality_if_tip_moved(ctx);
  }

  p2p::P2pNode& inner() { return inner_; }
  const p2p::P2pNode& inner() const { return inner_; }
  const std::vector<std::optional<NodeFinal>>& finals() const override { return finals_; }
  const std::map<IntervalIndex, market::Order>& orders() const override { return orders_; }

 private:
  struct LightQuery {
    NodeId client = kNoNode;
    market::Order order;
  };

  /** Answer at once if the order's interval is final here, else when it becomes final. */
  void serve_light_client(NodeContext& ctx, NodeId client, const market::Order& order) {
    const IntervalIndex k = order.interval;
    if (k < next_) {
      const auto closing = closing_height(inner_.tree(), setup_.timing->gate_closure_time_s(k));
      if (closing) {
        answer_light_client(ctx, LightQuery{client, order}, k, *closing);
        return;
      }
    }
    light_queries_[k].push_back(LightQuery{client, order});
  }

  /** The outcome, the headers the client lacks and the order's Merkle branch. */
  void answer_light_client(NodeContext& ctx, const LightQuery& query, IntervalIndex k, std::uint64_t closing) {
    const p2p::BlockTree& tree = inner_.tree();
    Message outcome = outcome_of(query.order, k, closing);
    auto answer = std::make_shared<LightAnswerBody>();
    answer->outcome_type = outcome.type;
    answer->outcome = outcome.body;
    answer->outcome_bytes = outcome.size_bytes;
    answer->interval = k;
    answer->gate_block = tree.best_chain()[closing - 1];
    std::uint64_t& synced = client_synced_height_[query.client];
    double proof_bytes = setup_.params.sizes.block_header_bytes * static_cast<double>(tree.height() - std::min(synced, tree.height()));
    synced = std::max(synced, tree.height());
    if (const auto block = tree.block_of(query.order.id)) proof_bytes += merkle_branch_bytes(tree.find(*block)->transactions.size());
    ctx.send(query.client, Message{MessageType::kResult, kNoNode, kNoNode, outcome.size_bytes + proof_bytes, 0.0, answer});
  }

  void submit(NodeContext& ctx, market::Order order) {
    order.arrived_s = ctx.now_s();
    orders_[order.interval] = order;
    p2p::Transaction tx;
    tx.id = order.id;
    tx.sender = order.participant;
    tx.order = order;
    tx.fee = setup_.fee;
    tx.size_bytes = setup_.transaction_bytes;
    tx.created_s = ctx.now_s();
    inner_.submit_transaction(ctx, std::move(tx));
  }

  /** Why not check from the tip_changed slot: the slot gets no context (and must not keep one:
   * a context lives for one event); the handler checks once the inner node has returned. */
  void check_finality_if_tip_moved(NodeContext& ctx) {
    if (!tip_moved_) return;
    tip_moved_ = false;
    check_finality(ctx);
  }

  /** Intervals become final in order: a later interval's closing block is never lower. */
  void check_finality(NodeContext& ctx) {
    const p2p::BlockTree& tree = inner_.tree();
    const market::MarketTiming& timing = *setup_.timing;
    while (next_ < timing.intervals) {
      const auto closing = closing_height(tree, timing.gate_closure_time_s(next_));
      if (!closing || tree.height() + 1 - *closing < setup_.confirmations) break;
      finalise(ctx, next_, *closing);
      ++next_;
    }
    if (setup_.miner && !stopped_ && next_ == timing.intervals && timing.intervals > 0) {
      const auto closing = closing_height(tree, timing.gate_closure_time_s(timing.intervals - 1));
      if (closing && tree.height() + 1 - *closing >= setup_.confirmations + setup_.tail_blocks) stopped_ = true;
    }
  }

  void finalise(NodeContext& ctx, IntervalIndex k, std::uint64_t closing) {
    const p2p::BlockTree& tree = inner_.tree();
    const BlockId gate = tree.best_chain()[closing - 1];
    finals_[k] = NodeFinal{gate, ctx.now_s()};
    if (const auto waiting = light_queries_.find(k); waiting != light_queries_.end()) {
      for (const LightQuery& query : waiting->second) answer_light_client(ctx, query, k, closing);
      light_queries_.erase(waiting);
    }
    if (!setup_.owner) return;
    const auto own = orders_.find(k);
    if (own == orders_.end()) return;
    ctx.send(*setup_.owner, outcome_of(own->second, k, closing));
  }

  /** What `order` of interval k got on this node's best chain whose closing block is at
   * `closing`: "late" (an ack) if it is not in a block below the closing one, else its result. */
  Message outcome_of(const market::Order& order, IntervalIndex k, std::uint64_t closing) {
    const p2p::BlockTree& tree = inner_.tree();
    const auto block = tree.block_of(order.id);
    const bool in_time = block && tree.find(*block)->height < closing;
    if (!in_time) {
      auto ack = std::make_shared<market::AckBody>();
      ack->order = order.id;
      ack->status = market::OrderStatus::kLate;
      ack->arrived_s = order.arrived_s;
      return Message{MessageType::kAck, kNoNode, kNoNode, setup_.ack_bytes, 0.0, ack};
    }
    const p2p::ContractClearing& clearing =
        setup_.contract->clear(tree, closing - 1, k, setup_.timing->market_open_s(k));
    market::OrderFill fill;
    fill.order = order.id;
    fill.arrived_s = tree.find(*block)->mined_s;
    std::size_t listed = 0;
    for (const market::Trade& t : clearing.result.trades) {
      if (t.buy_order == order.id) {
        fill.matched_kwh += t.quantity_kwh;
        fill.payment += t.quantity_kwh * t.price_per_kwh;
        ++listed;
      } else if (t.sell_order == order.id) {
        fill.matched_kwh += t.quantity_kwh;
        fill.payment -= t.quantity_kwh * t.seller_price_per_kwh;
        ++listed;
      }
    }
    auto result = std::make_shared<market::ResultBody>();
    result->interval = k;
    result->fills.push_back(fill);
    result->trade_count = listed;
    return Message{MessageType::kResult, kNoNode, kNoNode, setup_.result_bytes, 0.0, result};
  }

  Setup setup_;
  p2p::P2pNode inner_;
  bool tip_moved_ = false;  // the best chain changed since finality was last checked
  std::map<IntervalIndex, std::vector<LightQuery>> light_queries_;  // waiting for their interval to be final
  std::map<NodeId, std::uint64_t> client_synced_height_;             // headers each light client has
  std::vector<std::optional<NodeFinal>> finals_;  // by interval
  std::map<IntervalIndex, market::Order> orders_;
  IntervalIndex next_ = 0;  // first interval not yet final here
  bool stopped_ = false;
};

/** A light participant's node (file comment, LIGHT NODES): forwards its owner's order to its
 * server as a transaction, asks for the outcome and hands the answer to its owner. */
class LightNode final : public Node, public ParticipantNode {
 public:
  struct Setup {
    NodeId owner = kNoNode;
    NodeId server = kNoNode;
    IntervalIndex intervals = 0;
    double fee = 0.0;
    double transaction_bytes = 250.0;
    double message_header_bytes = 24.0;
    double query_bytes = 60.0;  // message header + one inventory entry
  };

  explicit LightNode(Setup setup) : setup_(setup), finals_(setup.intervals) {}

  void on_start(NodeContext&) override {}
  void on_timer(NodeContext&, TimerId, std::uint64_t) override {}

  void on_message(NodeContext& ctx, const Message& msg) override {
    if (msg.type == MessageType::kBid) {
      market::Order order = msg.as<market::BidBody>().order;
      order.arrived_s = ctx.now_s();
      orders_[order.interval] = order;
      auto tx = std::make_shared<p2p::Transaction>();
      tx->id = order.id;
      tx->sender = order.participant;
      tx->order = order;
      tx->fee = setup_.fee;
      tx->size_bytes = setup_.transaction_bytes;
      tx->created_s = ctx.now_s();
      auto txs = std::make_shared<p2p::TxBody>();
      txs->txs.push_back(std::move(tx));
      ctx.send(setup_.server, Message{MessageType::kTx, kNoNode, kNoNode,
                                      setup_.message_header_bytes + setup_.transaction_bytes, 0.0, txs});
      auto query = std::make_shared<LightQueryBody>();
      query->order = order;
      ctx.send(setup_.server, Message{MessageType::kQuery, kNoNode, kNoNode, setup_.query_bytes, 0.0, query});
      return;
    }
    if (msg.type == MessageType::kResult && msg.from == setup_.server) {
      const auto& answer = msg.as<LightAnswerBody>();
      finals_[answer.interval] = NodeFinal{answer.gate_block, ctx.now_s()};
      ctx.send(setup_.owner, Message{answer.outcome_type, kNoNode, kNoNode, answer.outcome_bytes, 0.0, answer.outcome});
    }
  }

  const std::vector<std::optional<NodeFinal>>& finals() const override { return finals_; }
  const std::map<IntervalIndex, market::Order>& orders() const override { return orders_; }

 private:
  Setup setup_;
  std::vector<std::optional<NodeFinal>> finals_;
  std::map<IntervalIndex, market::Order> orders_;
};

/** Percentile of sorted values (nearest rank on [0, n-1], linear interpolation). */
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nan("");
  const double pos = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

class P2pDesign final : public DesignRun {
 public:
  explicit P2pDesign(const Scenario& sc)
      : spec_(sc.p2p),
        participants_(static_cast<NodeId>(sc.participant_count())),
        miners_(static_cast<NodeId>(sc.p2p.miner_shares.size())) {}

  std::vector<std::string> roles() const override { return {"participant", "peer", "miner"}; }

  void configure_participant(agents::AgentParams& params, const ParticipantGroup&) override {
    params.market_node = peer_node(params.id);  // its own full node, on the same host
  }

  void add_market_nodes(RunContext& run) override {
    const Scenario& sc = run.scenario;
    contract_ = std::make_unique<ContractCache>(run.rule, run.grid, sc.seed, spec_.contract);
    const std::size_t n = participants_ + miners_;
    light_ = choose_light_participants(participants_, spec_.light_share, sc.seed);
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
    const p2p::PowParams pow{spec_.hash_rate_hps, spec_.block_interval_s, spec_.joules_per_hash};
    std::size_t overlay_index = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const bool miner = i >= participants_;
      simgrid::s4u::Host* host = miner ? run.platform.miners[i - participants_] : run.platform.participants[i];
      NodeId id = kNoNode;
      if (!miner && light_[i]) {
        LightNode::Setup l;
        l.owner = static_cast<NodeId>(i);
        Rng draw(sc.seed, "p2p/light_server", i);
        l.server = full_ids[draw.below(servers)];
        l.intervals = run.timing.intervals;
        l.fee = spec_.fee;
        l.transaction_bytes = spec_.transaction_bytes;
        auto node = std::make_unique<LightNode>(l);
        participant_nodes_.push_back(node.get());
        id = run.runtime.add_node(std::move(node), host, "p2p_light", i, 1);
      } else {
        PeerNode::Setup s;
        p2p::P2pNodeParams& p = s.params;
        for (const std::uint32_t peer : overlay[overlay_index]) p.peers.push_back(full_ids[peer]);
        ++overlay_index;
        p.election = spec_.consensus == P2pConsensus::kPos ? p2p::LeaderElection::kProofOfStake
                                                           : p2p::LeaderElection::kProofOfWork;
        p.block_interval_s = spec_.block_interval_s;
        p.block_work = spec_.consensus == P2pConsensus::kPos ? 1.0 : p2p::hashes_per_block(pow);
        if (miner) {
          const std::size_t m = i - participants_;
          if (spec_.consensus == P2pConsensus::kPow) p.hash_share = spec_.miner_shares[m];
          else p.validator_index = m;
        }
        p.stakes = spec_.miner_shares;
        p.schedule_seed = sc.seed;
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
        id = run.runtime.add_node(std::move(node), host, miner ? "p2p_miner" : "p2p_peer", i, miner ? 2 : 1);
      }
      if (id != node_of_slot(i)) throw std::logic_error("p2p design: unexpected node id");
    }
  }

  void finish(RunContext& run) override {
    const Scenario& sc = run.scenario;
    // The final chain: the best tip over all nodes (most work; equal work: lowest block id).
    const PeerNode* best = peers_.front();
    for (const PeerNode* peer : peers_) {
      const auto& t = peer->inner().tree();
      const auto& b = best->inner().tree();
      if (t.tip_work() > b.tip_work() || (t.tip_work() == b.tip_work() && t.tip()->id < b.tip()->id)) best = peer;
    }
    const p2p::BlockTree& tree = best->inner().tree();
    const auto& chain_ids = tree.best_chain();

    // Every interval settles on the final chain.
    const std::uint32_t intervals = run.timing.intervals;
    std::vector<std::optional<BlockId>> gate_of(intervals);
    std::vector<std::uint64_t> closing_of(intervals, 0);
    std::vector<market::MeterReading> readings(run.participants.size());
    // Orders sent per interval (from the participants' nodes).
    std::vector<std::vector<const market::Order*>> sent(intervals);
    for (const ParticipantNode* node : participant_nodes_)
      for (const auto& [k, order] : node->orders()) sent[k].push_back(&order);
    for (IntervalIndex k = 0; k < intervals; ++k) {
      const auto closing = closing_height(tree, run.timing.gate_closure_time_s(k));
      if (!closing) throw InvariantViolation(run.interval_label(k) + ": the final chain has no block after gate closure (liveness)");
      closing_of[k] = *closing;
      gate_of[k] = chain_ids[*closing - 1];
      const p2p::ContractClearing& clearing = contract_->clear(tree, *closing - 1, k, run.timing.market_open_s(k));
      market::ClearedInterval cleared;
      cleared.interval = k;
      cleared.gate_closure_s = run.timing.gate_closure_time_s(k);
      cleared.bids = clearing.bids;
      cleared.offers = clearing.offers;
      const auto included = static_cast<std::uint32_t>(clearing.bids + clearing.offers);
      cleared.rejected_late = static_cast<std::uint32_t>(sent[k].size()) - std::min<std::uint32_t>(included, static_cast<std::uint32_t>(sent[k].size()));
      cleared.result = clearing.result;
      for (ParticipantId i = 0; i < readings.size(); ++i) readings[i] = run.participants[i]->meter(k);
      const market::IntervalSettlement settlement = market::settle_interval(
          k, readings, clearing.result.trades,
          {sc.utility.retail_per_kwh, sc.utility.feed_in_per_kwh, sc.market.exchange_fee_per_kwh});
      market::check_conservation(settlement, run.interval_label(k));
      record_settlement(run.writer, sc, run.timing, run.grid, cleared, settlement);
    }
    // Nothing lost: every order a participant sent has its final outcome.
    for (const agents::MarketAgent* p : run.participants) {
      if (p->pending_orders() != 0) {
        throw InvariantViolation("participant " + std::to_string(p->agent_params().id) + " still waits for the result of " +
                                 std::to_string(p->pending_orders()) + " order(s) at the end of the run");
      }
    }

    // Confirmations: per order, inclusion on the final chain and finality at its node.
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
          row.in_time = b->height < closing_of[k] ? 1 : 0;
        }
        if (const auto& f = node->finals()[k]) {
          row.final_s = f->final_s;
          row.latency_s = f->final_s - order.submitted_s;
        }
        run.writer.add(row);
      }
    }

    // Blocks: stale flags and propagation.
    std::uint64_t stale = 0;
    double tau_sum = 0.0;
    std::uint64_t tau_blocks = 0;
    for (const BlockPtr& b : made_) {
      const Arrivals& a = arrivals_.at(b->id);
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
      stale += row.stale;
      row.nodes_reached = static_cast<std::uint32_t>(a.delays_s.size() + 1);
      std::vector<double> sorted = a.delays_s;
      std::sort(sorted.begin(), sorted.end());
      double sum = 0.0;
      for (double d : sorted) sum += d;
      row.propagation_mean_s = sorted.empty() ? std::nan("") : sum / static_cast<double>(sorted.size());
      row.propagation_miners_mean_s =
          a.miners == 0 ? std::nan("") : a.miner_delay_sum_s / static_cast<double>(a.miners);
      row.propagation_p50_s = percentile(sorted, 0.5);
      row.propagation_p90_s = percentile(sorted, 0.9);
      row.propagation_max_s = sorted.empty() ? std::nan("") : sorted.back();
      if (a.miners != 0) {
        tau_sum += row.propagation_miners_mean_s;
        ++tau_blocks;
      }
      run.writer.add(row);
    }

    trace::P2pChainRecord c;
    c.consensus = spec_.consensus == P2pConsensus::kPos ? 1 : 0;
    c.contract = spec_.contract == P2pContract::kContinuous ? 1 : 0;
    c.block_interval_s = spec_.block_interval_s;
    c.confirmations = spec_.confirmations;
    c.nodes = static_cast<std::uint32_t>(participants_ + miners_);
    c.light_nodes = static_cast<std::uint32_t>(std::count(light_.begin(), light_.end(), true));
    c.miners = miners_;
    c.peers = spec_.peers;
    c.blocks = made_.size();
    c.stale_blocks = stale;
    c.height = tree.height();
    c.stale_rate = made_.empty() ? std::nan("") : static_cast<double>(stale) / static_cast<double>(made_.size());
    c.propagation_mean_s = tau_blocks ? tau_sum / static_cast<double>(tau_blocks) : std::nan("");
    c.stale_rate_model = tau_blocks ? p2p::stale_rate(c.propagation_mean_s, spec_.block_interval_s) : std::nan("");
    if (spec_.consensus == P2pConsensus::kPow) {
      const p2p::PowParams pow{spec_.hash_rate_hps, spec_.block_interval_s, spec_.joules_per_hash};
      c.hashes = p2p::consensus_hashes(pow, made_.size());
      c.energy_j = p2p::consensus_energy_j(pow, made_.size());
    }
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
      for (IntervalIndex k = 0; k < intervals; ++k) {
        const auto& f = node->finals()[k];
        if (f && f->gate_block != *gate_of[k]) ++c.results_reverted;
      }
    }
    run.writer.add(c);

    // The double-spend experiment (pure Monte Carlo of the race, docs/p2p.md).
    if (spec_.double_spend.present) {
      std::uint64_t index = 0;
      for (const double q : spec_.double_spend.attacker_shares) {
        for (const std::uint32_t z : spec_.double_spend.confirmations) {
          p2p::DoubleSpendParams d;
          d.attacker_share = q;
          d.confirmations = z;
          d.trials = spec_.double_spend.trials;
          d.seed = sc.seed + 0x9E3779B97F4A7C15ULL * ++index;  // one stream per (q, z)
          d.block_interval_s = spec_.block_interval_s;
          const p2p::DoubleSpendEstimate e = p2p::simulate_double_spend(d);
          run.writer.add(trace::P2pDoubleSpendRecord{q, z, e.trials, e.successes, e.estimate, e.interval_99.low,
                                                     e.interval_99.high, e.exact, e.nakamoto,
                                                     e.mean_success_time_s});
        }
      }
    }
    if (spec_.selfish_mining.present) run_selfish_mining(sc, spec_.selfish_mining, run.writer);
  }

  void fill_metadata(trace::RunMetadata& metadata) const override { metadata.market_design = "p2p"; }

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

 private:
  struct Arrivals {
    std::vector<double> delays_s;   // per node other than the maker that accepted the block
    double miner_delay_sum_s = 0.0;  // over the other miners
    std::uint32_t miners = 0;
  };

  /** Node ids: participants 0..N-1, their nodes (full or light) N..2N-1, miners 2N..2N+M-1. */
  NodeId peer_node(ParticipantId p) const { return participants_ + p; }
  NodeId node_of_slot(std::size_t slot) const { return participants_ + static_cast<NodeId>(slot); }

  /** Which participants run a light node: round(share x N) of them, drawn from the seed. */
  static std::vector<bool> choose_light_participants(std::size_t n, double share, std::uint64_t seed) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    Rng rng(seed, "p2p/light");
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);  // Fisher-Yates
    std::vector<bool> light(n, false);
    const auto count = static_cast<std::size_t>(std::llround(share * static_cast<double>(n)));
    for (std::size_t i = 0; i < count; ++i) light[order[i]] = true;
    return light;
  }

  void connect(PeerNode& node, NodeId self, bool miner) {
    node.inner().block_made.connect([this](const BlockPtr& b, double) {
      made_.push_back(b);
      arrivals_.emplace(b->id, Arrivals{});
    });
    node.inner().block_accepted.connect([this, miner, self](const BlockPtr& b, double at_s) {
      if (b->miner == self) return;
      Arrivals& a = arrivals_[b->id];
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
  BlockPtr genesis_;
  std::unique_ptr<ContractCache> contract_;
  std::vector<bool> light_;       // per participant: runs a light node
  std::vector<PeerNode*> peers_;  // full nodes: participants' full nodes, then miners
  std::vector<const ParticipantNode*> participant_nodes_;  // per participant, full or light
  std::vector<BlockPtr> made_;    // in the order they were made
  std::map<BlockId, Arrivals> arrivals_;
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
