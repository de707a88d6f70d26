// P2pNode with the fake NodeContext: gossip (announce / request / deliver), mining and its timer
// redraws, forks, reorganisations that return transactions to the pool, orphans, proof of stake,
// and a small multi-node network that must converge (models/p2p/p2p_node.hpp).
#include "models/p2p/p2p_node.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "models/p2p/overlay.hpp"
#include "tests/models/fake_node_context.hpp"
#include "tests/models/p2p/p2p_builders.hpp"

namespace ebsim::p2p {
namespace {

using ebsim::testing::FakeNodeContext;
using ebsim::testing::SentMessage;
using test_p2p::block_on;
using test_p2p::tx;

constexpr double kInventoryBytes = 24.0 + 36.0;

/** An announcement or request listing `ids`. */
Message inventory_of(MessageType type, std::vector<std::uint64_t> ids) {
  Message m;
  m.type = type;
  m.size_bytes = 24.0 + 36.0 * static_cast<double>(ids.size());
  auto body = std::make_shared<InventoryBody>();
  body->ids = std::move(ids);
  m.body = body;
  return m;
}

Message inventory(MessageType type, std::uint64_t id) { return inventory_of(type, {id}); }

Message block_message(const BlockPtr& block) {
  Message m;
  m.type = MessageType::kP2pBlock;
  m.size_bytes = 24.0 + block->size_bytes;
  auto body = std::make_shared<BlockBody>();
  body->block = block;
  m.body = body;
  return m;
}

/** The block as BIP 152's compact block: header + 12 + 6 bytes per transaction. */
Message compact_block_message(const BlockPtr& block) {
  Message m = block_message(block);
  m.size_bytes = 24.0 + 80.0 + 12.0 + 6.0 * static_cast<double>(block->transactions.size());
  auto body = std::make_shared<BlockBody>();
  body->block = block;
  body->compact = true;
  m.body = body;
  return m;
}

/** (to, type, id) per id of each message: the inventory's ids or the delivered objects'. */
std::vector<std::tuple<NodeId, MessageType, std::uint64_t>> summary(const std::vector<SentMessage>& sent) {
  std::vector<std::tuple<NodeId, MessageType, std::uint64_t>> out;
  for (const auto& s : sent) {
    switch (s.msg.type) {
      case MessageType::kP2pBlock: out.emplace_back(s.to, s.msg.type, s.msg.as<BlockBody>().block->id); break;
      case MessageType::kTx:
        for (const TxPtr& t : s.msg.as<TxBody>().txs) out.emplace_back(s.to, s.msg.type, t->id);
        break;
      default:
        for (const std::uint64_t id : s.msg.as<InventoryBody>().ids) out.emplace_back(s.to, s.msg.type, id);
        break;
    }
  }
  return out;
}

using Sent = std::tuple<NodeId, MessageType, std::uint64_t>;

P2pNodeParams pow_params(std::vector<NodeId> peers, double hash_share, BlockPtr genesis) {
  P2pNodeParams p;
  p.peers = std::move(peers);
  p.election_params.shares = {hash_share};
  p.election_params.maker = 0;
  p.election_params.block_interval_s = 600.0;
  p.election_params.network_hash_rate_hps = 1.0;  // work per block = T: small integers, summed exactly
  p.genesis = std::move(genesis);
  return p;
}

TEST(P2pNode, MinerBuildsABlockFromItsMempoolAndAnnouncesIt) {
  const BlockPtr g = make_genesis();
  P2pNode node(pow_params({1, 2}, 0.5, g));
  FakeNodeContext ctx(0);
  std::vector<BlockPtr> made;
  node.block_made.connect([&](const BlockPtr& b, double) { made.push_back(b); });
  node.on_start(ctx);
  ASSERT_EQ(ctx.timers().size(), 1u);  // the first mining draw

  // Two transactions from the owner: announced to both peers, 60 bytes each.
  ctx.set_now(5.0);
  Transaction t1 = *tx(1, 1.0, 250.0), t2 = *tx(2, 3.0, 250.0);
  ASSERT_NE(node.submit_transaction(ctx, t1), nullptr);
  ASSERT_NE(node.submit_transaction(ctx, t2), nullptr);
  EXPECT_EQ(node.submit_transaction(ctx, t1), nullptr);  // known already
  const auto sent = ctx.take_sent();
  EXPECT_EQ(summary(sent), (std::vector<Sent>{{1, MessageType::kTxAnnounce, 1}, {2, MessageType::kTxAnnounce, 1},
                                              {1, MessageType::kTxAnnounce, 2}, {2, MessageType::kTxAnnounce, 2}}));
  for (const auto& s : sent) EXPECT_EQ(s.msg.size_bytes, kInventoryBytes);

  ASSERT_TRUE(ctx.fire_next_timer(node));
  ASSERT_EQ(made.size(), 1u);
  const BlockPtr& b = made[0];
  EXPECT_EQ(b->id, make_block_id(0, 1));
  EXPECT_EQ(b->parent, kGenesisBlockId);
  EXPECT_EQ(b->height, 1u);
  EXPECT_EQ(b->miner, 0u);
  ASSERT_EQ(b->transactions.size(), 2u);
  EXPECT_EQ(b->transactions[0]->id, 2u);  // higher fee per byte first
  EXPECT_DOUBLE_EQ(b->size_bytes, 80.0 + 500.0);
  EXPECT_EQ(node.tree().tip(), b);
  EXPECT_EQ(node.mempool().size(), 0u);
  EXPECT_EQ(node.confirmations(1), 1u);
  EXPECT_TRUE(node.is_final(2, 1));
  EXPECT_FALSE(node.is_final(2, 2));
  EXPECT_EQ(summary(ctx.take_sent()),
            (std::vector<Sent>{{1, MessageType::kBlockAnnounce, b->id}, {2, MessageType::kBlockAnnounce, b->id}}));
  ASSERT_EQ(ctx.timers().size(), 1u);  // redrawn for the new tip

  // A peer asks for the block: it gets header + transactions + message header bytes.
  ctx.deliver(node, inventory(MessageType::kBlockRequest, b->id), 2, ctx.now_s() + 1.0);
  const auto reply = ctx.take_sent();
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0].to, 2u);
  EXPECT_EQ(reply[0].msg.type, MessageType::kP2pBlock);
  EXPECT_DOUBLE_EQ(reply[0].msg.size_bytes, 24.0 + 580.0);
}

TEST(P2pNode, AnnounceRequestDeliverThenRelayToTheOtherPeers) {
  const BlockPtr g = make_genesis();
  P2pNode node(pow_params({0, 2, 3}, 0.0, g));
  FakeNodeContext ctx(1);
  std::vector<std::pair<BlockId, double>> accepted;
  node.block_accepted.connect([&](const BlockPtr& b, double at) { accepted.emplace_back(b->id, at); });
  node.on_start(ctx);
  EXPECT_TRUE(ctx.timers().empty());  // not a miner

  const BlockPtr a1 = block_on(g, 11, {tx(1)});
  ctx.deliver(node, inventory(MessageType::kBlockAnnounce, 11), 0, 1.0);
  ctx.deliver(node, inventory(MessageType::kBlockAnnounce, 11), 2, 1.5);  // asked already: ignored
  EXPECT_EQ(summary(ctx.take_sent()), (std::vector<Sent>{{0, MessageType::kBlockRequest, 11}}));

  ctx.deliver(node, block_message(a1), 0, 2.0);
  EXPECT_EQ(node.tree().tip()->id, 11u);
  EXPECT_EQ(accepted, (std::vector<std::pair<BlockId, double>>{{11, 2.0}}));
  // Relayed to everyone but the peer it came from.
  EXPECT_EQ(summary(ctx.take_sent()),
            (std::vector<Sent>{{2, MessageType::kBlockAnnounce, 11}, {3, MessageType::kBlockAnnounce, 11}}));
  ctx.deliver(node, inventory(MessageType::kBlockAnnounce, 11), 3, 3.0);  // known: no request
  EXPECT_TRUE(ctx.take_sent().empty());

  // Transactions: same pattern.
  ctx.deliver(node, inventory(MessageType::kTxAnnounce, 5), 3, 4.0);
  EXPECT_EQ(summary(ctx.take_sent()), (std::vector<Sent>{{3, MessageType::kTxRequest, 5}}));
  Message m;
  m.type = MessageType::kTx;
  m.size_bytes = 24.0 + 250.0;
  auto body = std::make_shared<TxBody>();
  body->txs = {tx(5)};
  m.body = body;
  ctx.deliver(node, m, 3, 5.0);
  EXPECT_TRUE(node.mempool().contains(5));
  EXPECT_EQ(summary(ctx.take_sent()),
            (std::vector<Sent>{{0, MessageType::kTxAnnounce, 5}, {2, MessageType::kTxAnnounce, 5}}));
  ctx.deliver(node, inventory(MessageType::kTxAnnounce, 1), 2, 6.0);  // already in a block: no request
  EXPECT_TRUE(ctx.take_sent().empty());
}

Message transactions_message(std::vector<TxPtr> txs) {
  Message m;
  m.type = MessageType::kTx;
  auto body = std::make_shared<TxBody>();
  for (const TxPtr& t : txs) m.size_bytes += 24.0 + t->size_bytes;
  body->txs = std::move(txs);
  m.body = body;
  return m;
}

TEST(P2pNode, TransactionsTrickleInOneAnnouncementPerPeer) {
  // Relay interval 2 s: nothing is announced until the relay timer fires; then each peer gets
  // one announcement listing every queued id except those it sent us (24 + 36 n bytes).
  const BlockPtr g = make_genesis();
  P2pNodeParams params = pow_params({1, 2, 3}, 0.0, g);
  params.tx_relay_interval_s = 2.0;
  P2pNode node(params);
  FakeNodeContext ctx(0);
  node.on_start(ctx);
  ctx.set_now(5.0);
  ASSERT_NE(node.submit_transaction(ctx, *tx(1)), nullptr);
  ASSERT_NE(node.submit_transaction(ctx, *tx(2)), nullptr);
  ctx.deliver(node, transactions_message({tx(3)}), 2, 5.5);  // from peer 2 (unrequested, still admitted)
  EXPECT_TRUE(ctx.take_sent().empty());
  ASSERT_EQ(ctx.timers().size(), 1u);  // one timer for the whole batch
  ASSERT_TRUE(ctx.fire_next_timer(node));
  const auto sent = ctx.take_sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(summary(sent), (std::vector<Sent>{{1, MessageType::kTxAnnounce, 1}, {1, MessageType::kTxAnnounce, 2},
                                              {1, MessageType::kTxAnnounce, 3}, {2, MessageType::kTxAnnounce, 1},
                                              {2, MessageType::kTxAnnounce, 2}, {3, MessageType::kTxAnnounce, 1},
                                              {3, MessageType::kTxAnnounce, 2}, {3, MessageType::kTxAnnounce, 3}}));
  EXPECT_DOUBLE_EQ(sent[0].msg.size_bytes, 24.0 + 3 * 36.0);
  EXPECT_DOUBLE_EQ(sent[1].msg.size_bytes, 24.0 + 2 * 36.0);
  EXPECT_TRUE(ctx.timers().empty());  // re-armed only when the next id is queued

  // A request for known and unknown ids: one delivery with the known ones, Bitcoin's bytes.
  ctx.deliver(node, inventory_of(MessageType::kTxRequest, {1, 99, 3}), 1, 8.0);
  const auto reply = ctx.take_sent();
  EXPECT_EQ(summary(reply), (std::vector<Sent>{{1, MessageType::kTx, 1}, {1, MessageType::kTx, 3}}));
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_DOUBLE_EQ(reply[0].msg.size_bytes, 2 * (24.0 + 250.0));

  // Announcements: only ids neither known nor asked for are requested, in one request.
  ctx.deliver(node, inventory_of(MessageType::kTxAnnounce, {1, 7, 8}), 3, 9.0);
  ctx.deliver(node, inventory_of(MessageType::kTxAnnounce, {8, 9}), 1, 9.5);
  const auto requests = ctx.take_sent();
  EXPECT_EQ(summary(requests), (std::vector<Sent>{{3, MessageType::kTxRequest, 7}, {3, MessageType::kTxRequest, 8},
                                                  {1, MessageType::kTxRequest, 9}}));
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_DOUBLE_EQ(requests[0].msg.size_bytes, 24.0 + 2 * 36.0);
}

TEST(P2pNode, TrickleDelaysAreExponentialWithTheConfiguredMean) {
  // Each batch's timer is drawn Exp(mean 2 s): the mean of 4000 draws lies within 4 standard
  // errors (2 / sqrt(4000) = 0.032 s) of 2 s, and about exp(-1) of them exceed the mean.
  const BlockPtr g = make_genesis();
  P2pNodeParams params = pow_params({1}, 0.0, g);
  params.tx_relay_interval_s = 2.0;
  P2pNode node(params);
  FakeNodeContext ctx(0);
  node.on_start(ctx);
  constexpr int kDraws = 4000;
  double sum = 0.0;
  int above_mean = 0;
  for (int i = 0; i < kDraws; ++i) {
    node.submit_transaction(ctx, *tx(static_cast<TxId>(i + 1)));
    ASSERT_EQ(ctx.timers().size(), 1u);
    const double delay = ctx.timers()[0].at_s - ctx.now_s();
    sum += delay;
    above_mean += delay > 2.0 ? 1 : 0;
    ASSERT_TRUE(ctx.fire_next_timer(node));
  }
  EXPECT_NEAR(sum / kDraws, 2.0, 4 * 2.0 / std::sqrt(double{kDraws}));
  const double p = std::exp(-1.0);
  EXPECT_NEAR(above_mean / double{kDraws}, p, 4 * std::sqrt(p * (1 - p) / kDraws));
}

TEST(P2pNode, ForkThenReorgReturnsOrphanedTransactionsToThePool) {
  //   g - a1 {1, 2}            (from peer 0, first seen: the tip)
  //    \- b1 {2} - b2 {3}      (from peer 2: b1 ties and waits, b2 makes it heavier: reorganise)
  // After the reorg: 1 is back in the pool (only in a1), 2 is not (b1 has it), 3 is confirmed.
  const BlockPtr g = make_genesis();
  P2pNode node(pow_params({0, 2}, 0.25, g));
  FakeNodeContext ctx(1);
  std::vector<TipChange> changes;
  node.tip_changed.connect([&](const TipChange& c) { changes.push_back(c); });
  node.on_start(ctx);
  const auto t1 = tx(1), t2 = tx(2), t3 = tx(3);
  const BlockPtr a1 = block_on(g, 11, {t1, t2});
  const BlockPtr b1 = block_on(g, 21, {t2});
  const BlockPtr b2 = block_on(b1, 22, {t3});

  ctx.deliver(node, block_message(a1), 0, 1.0);
  ctx.deliver(node, block_message(b1), 2, 2.0);
  EXPECT_EQ(node.tree().tip()->id, 11u);
  EXPECT_EQ(node.tree().stale_count(), 1u);
  ASSERT_EQ(changes.size(), 1u);
  ctx.deliver(node, block_message(b2), 2, 3.0);
  ASSERT_EQ(changes.size(), 2u);
  const TipChange& reorg = changes[1];
  EXPECT_EQ(reorg.old_tip->id, 11u);
  EXPECT_EQ(reorg.new_tip->id, 22u);
  ASSERT_EQ(reorg.disconnected.size(), 1u);
  EXPECT_EQ(reorg.disconnected[0]->id, 11u);
  ASSERT_EQ(reorg.connected.size(), 2u);
  ASSERT_EQ(reorg.returned.size(), 1u);
  EXPECT_EQ(reorg.returned[0]->id, 1u);
  EXPECT_TRUE(node.mempool().contains(1));
  EXPECT_FALSE(node.mempool().contains(2));
  EXPECT_EQ(node.confirmations(1), 0u);
  EXPECT_EQ(node.confirmations(2), 2u);
  EXPECT_EQ(node.confirmations(3), 1u);

  // Each tip change redrew the mining timer; the two older timers are stale and mine nothing.
  EXPECT_EQ(ctx.timers().size(), 3u);  // start, a1, reorg (b1 changed no tip)
  std::uint64_t made = 0;
  node.block_made.connect([&](const BlockPtr& b, double) {
    ++made;
    EXPECT_EQ(b->parent, 22u);  // mines on the new tip
    ASSERT_EQ(b->transactions.size(), 1u);
    EXPECT_EQ(b->transactions[0]->id, 1u);  // the returned transaction is mined again
  });
  std::uint64_t fired = 0;
  while (made == 0 && ctx.fire_next_timer(node)) ++fired;
  EXPECT_EQ(made, 1u);
  EXPECT_EQ(node.stats().stale_timers, fired - 1);  // every timer before the live one was ignored
}

TEST(P2pNode, OrphanBlockMakesTheNodeAskForItsParent) {
  const BlockPtr g = make_genesis();
  P2pNode node(pow_params({0, 2}, 0.0, g));
  FakeNodeContext ctx(1);
  node.on_start(ctx);
  const BlockPtr a1 = block_on(g, 11);
  const BlockPtr a2 = block_on(a1, 12);
  ctx.deliver(node, block_message(a2), 2, 1.0);
  EXPECT_EQ(node.stats().orphans_received, 1u);
  EXPECT_EQ(summary(ctx.take_sent()), (std::vector<Sent>{{2, MessageType::kBlockRequest, 11}}));
  ctx.deliver(node, inventory(MessageType::kBlockAnnounce, 11), 0, 1.5);  // requested already
  EXPECT_TRUE(ctx.take_sent().empty());
  ctx.deliver(node, block_message(a1), 2, 2.0);
  EXPECT_EQ(node.tree().height(), 2u);
  // Both relayed: a1 not back to peer 2 (it came from there); a2, adopted from the orphan pool, to all.
  EXPECT_EQ(summary(ctx.take_sent()),
            (std::vector<Sent>{{0, MessageType::kBlockAnnounce, 11}, {0, MessageType::kBlockAnnounce, 12},
                               {2, MessageType::kBlockAnnounce, 12}}));
}

TEST(P2pNode, InvalidBlockIsCountedAndNotRelayed) {
  const BlockPtr g = make_genesis();
  P2pNodeParams params = pow_params({0, 2}, 0.0, g);
  params.max_block_bytes = 500.0;
  P2pNode node(params);
  FakeNodeContext ctx(1);
  std::vector<std::string> reasons;
  node.block_rejected.connect([&](const BlockPtr&, const std::string& r) { reasons.push_back(r); });
  node.on_start(ctx);
  ctx.deliver(node, block_message(block_on(g, 11, {tx(1), tx(2)})), 0, 1.0);  // 580 > 500
  EXPECT_EQ(reasons, (std::vector<std::string>{"larger than the block size limit"}));
  EXPECT_EQ(node.stats().blocks_invalid, 1u);
  EXPECT_EQ(node.tree().height(), 0u);
  EXPECT_TRUE(ctx.take_sent().empty());
}

TEST(P2pNode, ProofOfStakeLeaderForgesInItsSlots) {
  // Stakes {0, 1}: validator 1 leads every slot, validator 0 none. Slots of 12 s, first slot 1.
  const BlockPtr g = make_genesis();
  P2pNodeParams params;
  params.election = "pos";
  params.election_params.block_interval_s = 12.0;
  params.election_params.shares = {0.0, 1.0};
  params.genesis = g;
  params.peers = {5};
  params.election_params.maker = 1;
  P2pNode leader(params);
  params.election_params.maker = 0;
  P2pNode other(params);
  FakeNodeContext leader_ctx(1), other_ctx(0);
  leader.on_start(leader_ctx);
  other.on_start(other_ctx);
  ASSERT_EQ(leader_ctx.timers().size(), 1u);
  EXPECT_DOUBLE_EQ(leader_ctx.timers()[0].at_s, 12.0);
  leader_ctx.run_timers_until(leader, 36.0);  // slots 1, 2, 3
  other_ctx.run_timers_until(other, 36.0);
  EXPECT_EQ(leader.tree().height(), 3u);
  EXPECT_EQ(leader.tree().tip()->slot, 3u);
  EXPECT_DOUBLE_EQ(leader.tree().tip()->mined_s, 36.0);
  EXPECT_DOUBLE_EQ(leader.tree().tip()->work, 1.0);
  EXPECT_EQ(other.tree().height(), 0u);
  EXPECT_EQ(other.stats().blocks_made, 0u);
  ASSERT_EQ(other_ctx.timers().size(), 1u);
  EXPECT_DOUBLE_EQ(other_ctx.timers()[0].at_s, 48.0);  // still waking every slot
}

/** A tiny network of P2pNodes over fake contexts: every message takes `latency_s`; events run in
 * global time order (messages before timers at equal times, then by sequence). */
class FakeNetwork {
 public:
  FakeNetwork(const Overlay& overlay, const std::vector<double>& hash_shares, double block_interval_s,
              double latency_s, bool compact_blocks = false)
      : latency_s_(latency_s) {
    const BlockPtr genesis = make_genesis();
    for (std::size_t i = 0; i < overlay.size(); ++i) {
      P2pNodeParams p;
      p.peers.assign(overlay[i].begin(), overlay[i].end());
      p.election_params.shares = hash_shares;
      p.election_params.maker = i;
      p.election_params.block_interval_s = block_interval_s;
      p.election_params.network_hash_rate_hps = 1.0;  // work per block = T: small integers, summed exactly
      p.genesis = genesis;
      p.compact_blocks = compact_blocks;
      nodes_.push_back(std::make_unique<P2pNode>(p));
      ctxs_.push_back(std::make_unique<FakeNodeContext>(static_cast<NodeId>(i), 77, "p2p/mining"));
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i) nodes_[i]->on_start(*ctxs_[i]);
    collect();
  }

  P2pNode& node(std::size_t i) { return *nodes_[i]; }
  FakeNodeContext& ctx(std::size_t i) { return *ctxs_[i]; }
  std::size_t size() const { return nodes_.size(); }

  /** Run every message and timer due before `t_s`; with fire_timers = false only messages. */
  void run_until(double t_s, bool fire_timers = true) {
    collect();  // what owners sent between runs
    while (true) {
      double next_msg_s = in_flight_.empty() ? t_s : in_flight_.begin()->first.first;
      std::size_t timer_node = nodes_.size();
      double next_timer_s = t_s;
      if (fire_timers) {
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
          for (const auto& timer : ctxs_[i]->timers()) {
            if (timer.at_s < next_timer_s) {
              next_timer_s = timer.at_s;
              timer_node = i;
            }
          }
        }
      }
      if (!in_flight_.empty() && next_msg_s < t_s && next_msg_s <= next_timer_s) {
        auto it = in_flight_.begin();
        const auto [to, msg] = it->second;
        in_flight_.erase(it);
        ctxs_[to]->deliver(*nodes_[to], msg, msg.from, next_msg_s);
      } else if (timer_node < nodes_.size()) {
        ctxs_[timer_node]->fire_next_timer(*nodes_[timer_node]);
      } else {
        break;
      }
      collect();
    }
    for (auto& ctx : ctxs_) ctx->set_now(std::max(ctx->now_s(), t_s));  // owners act at t_s next
  }

 private:
  void collect() {
    for (auto& ctx : ctxs_) {
      for (auto& s : ctx->take_sent()) {
        in_flight_.emplace(std::make_pair(s.msg.sent_s + latency_s_, seq_++), std::make_pair(s.to, std::move(s.msg)));
      }
    }
  }

  double latency_s_;
  std::vector<std::unique_ptr<P2pNode>> nodes_;
  std::vector<std::unique_ptr<FakeNodeContext>> ctxs_;
  std::map<std::pair<double, std::uint64_t>, std::pair<NodeId, Message>> in_flight_;
  std::uint64_t seq_ = 0;
};

class SmallNetwork : public ::testing::TestWithParam<bool> {};

TEST_P(SmallNetwork, WithForksConvergesAndLosesNoTransaction) {
  // 6 nodes, 3 peers each, 2 miners of share 0.5, T = 10 s, 1 s per message: a block needs 3
  // messages (announce, request, block) per hop, so tau/T ~ 0.3-0.6 and forks are frequent.
  // After mining stops and the last messages arrive, every node must hold the same tree and tip,
  // and every submitted transaction must be on that chain or in every node's mempool.
  // With compact blocks (the parameter) every block is rebuilt from each node's pool; here
  // transactions spread as fast as blocks and ahead of them, so none needs fetching.
  const bool compact = GetParam();
  const Overlay overlay = random_overlay(6, 3, 9);
  FakeNetwork net(overlay, {0.5, 0.0, 0.0, 0.5, 0.0, 0.0}, 10.0, 1.0, compact);
  TxId next_tx = 1;
  for (double t = 5.0; t <= 400.0; t += 5.0) {
    net.run_until(t);
    const TxId id = next_tx++;
    const std::size_t at = static_cast<std::size_t>(id % net.size());
    const Transaction transaction = *tx(id, 1.0 + static_cast<double>(id % 3), 250.0);  // fees 1..3
    net.node(at).submit_transaction(net.ctx(at), transaction);
  }
  net.run_until(1000.0, false);  // drain: no more mining

  const BlockTree& ref = net.node(0).tree();
  std::uint64_t made = 0;
  for (std::size_t i = 0; i < net.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "node " << i);
    const BlockTree& tree = net.node(i).tree();
    EXPECT_EQ(tree.tip()->id, ref.tip()->id);
    EXPECT_EQ(tree.size(), ref.size());
    EXPECT_EQ(tree.orphan_count(), 0u);
    made += net.node(i).stats().blocks_made;
    for (TxId id = 1; id < next_tx; ++id) {
      EXPECT_TRUE(tree.tx_confirmations(id) > 0 || net.node(i).mempool().contains(id)) << "tx " << id;
    }
  }
  EXPECT_EQ(ref.size(), made + 1);  // every block reached every node
  EXPECT_GT(ref.height(), 20u);     // ~40 blocks expected in 400 s
  EXPECT_GT(ref.stale_count(), 0u); // forks happened (at this tau/T, all but certain over ~40 blocks)
  EXPECT_EQ(ref.stale_count() + ref.height() + 1, ref.size());
  std::uint64_t incomplete = 0;
  for (std::size_t i = 0; i < net.size(); ++i) incomplete += net.node(i).stats().compact_incomplete;
  EXPECT_EQ(incomplete, 0u);
}

INSTANTIATE_TEST_SUITE_P(P2pNode, SmallNetwork, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "CompactBlocks" : "FullBlocks"; });

TEST(P2pNode, CompactBlockIsRebuiltFromThePoolAndFetchesOnlyWhatIsMissing) {
  // BIP 152, low-bandwidth: announce / request as before, then header + 6-byte short ids. The
  // node holds transactions 1 and 2; block 11 holds 1, 2, 3: it asks the deliverer for position
  // 2 only, accepts the block when that arrives, and relays it compact.
  const BlockPtr g = make_genesis();
  P2pNodeParams params = pow_params({0, 2}, 0.0, g);
  params.compact_blocks = true;
  P2pNode node(params);
  FakeNodeContext ctx(1);
  node.on_start(ctx);
  ctx.deliver(node, transactions_message({tx(1), tx(2)}), 2, 1.0);
  ctx.take_sent();

  const BlockPtr a1 = block_on(g, 11, {tx(1), tx(2), tx(3)});
  ctx.deliver(node, inventory(MessageType::kBlockAnnounce, 11), 0, 2.0);
  ASSERT_EQ(summary(ctx.take_sent()), (std::vector<Sent>{{0, MessageType::kBlockRequest, 11}}));
  ctx.deliver(node, compact_block_message(a1), 0, 3.0);
  auto sent = ctx.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, 0u);
  ASSERT_EQ(sent[0].msg.type, MessageType::kBlockTxRequest);
  EXPECT_EQ(sent[0].msg.as<BlockTxRequestBody>().block, 11u);
  EXPECT_EQ(sent[0].msg.as<BlockTxRequestBody>().indexes, (std::vector<std::uint32_t>{2}));
  EXPECT_DOUBLE_EQ(sent[0].msg.size_bytes, 24.0 + 32.0 + 3.0 + 1.0);
  EXPECT_EQ(node.tree().height(), 0u);  // not accepted yet
  EXPECT_EQ(node.stats().compact_incomplete, 1u);
  ctx.deliver(node, inventory(MessageType::kBlockAnnounce, 11), 2, 3.5);  // being rebuilt: no request
  EXPECT_TRUE(ctx.take_sent().empty());

  // The deliverer's side: it answers with exactly the transactions asked for.
  P2pNode sender(params);
  FakeNodeContext sender_ctx(0);
  sender.on_start(sender_ctx);
  sender_ctx.deliver(sender, block_message(a1), 5, 0.5);
  sender_ctx.take_sent();
  sender_ctx.deliver(sender, sent[0].msg, 1, 3.6);
  auto answer = sender_ctx.take_sent();
  ASSERT_EQ(answer.size(), 1u);
  ASSERT_EQ(answer[0].msg.type, MessageType::kBlockTxs);
  ASSERT_EQ(answer[0].msg.as<BlockTxsBody>().txs.size(), 1u);
  EXPECT_EQ(answer[0].msg.as<BlockTxsBody>().txs[0]->id, 3u);
  EXPECT_DOUBLE_EQ(answer[0].msg.size_bytes, 24.0 + 32.0 + 3.0 + 250.0);

  ctx.deliver(node, answer[0].msg, 0, 4.0);
  EXPECT_EQ(node.tree().tip()->id, 11u);
  EXPECT_EQ(node.mempool().size(), 0u);
  EXPECT_EQ(summary(ctx.take_sent()), (std::vector<Sent>{{2, MessageType::kBlockAnnounce, 11}}));
  ctx.deliver(node, inventory(MessageType::kBlockRequest, 11), 2, 5.0);
  sent = ctx.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].msg.as<BlockBody>().compact);
  EXPECT_DOUBLE_EQ(sent[0].msg.size_bytes, 24.0 + 80.0 + 12.0 + 3 * 6.0);  // vs 24 + 80 + 750 in full

  // A block of transactions it holds is accepted on delivery, with no round trip.
  ctx.deliver(node, transactions_message({tx(4)}), 2, 6.0);
  ctx.take_sent();
  const BlockPtr a2 = block_on(a1, 12, {tx(4)});
  ctx.deliver(node, compact_block_message(a2), 2, 7.0);
  EXPECT_EQ(node.tree().tip()->id, 12u);
  EXPECT_EQ(node.stats().compact_incomplete, 1u);
}

}  // namespace
}  // namespace ebsim::p2p
