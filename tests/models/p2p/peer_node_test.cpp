// A design's full node (models/p2p/peer_node.hpp): the contract's finality rule at the node and
// the light-client answers it serves, their sizes worked out by hand (light_client.hpp).
#include "models/p2p/peer_node.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "models/market/pay_as_clear.hpp"
#include "models/p2p/contract_mode.hpp"
#include "tests/models/p2p/p2p_builders.hpp"

namespace ebsim::p2p {
namespace {

using test_p2p::tx;

/** A context that records what the node sends and ignores timers and CPU. */
class RecordingContext final : public NodeContext {
 public:
  double now_s() const override { return now_s_; }
  NodeId self() const override { return 1; }
  void send(NodeId to, Message msg) override {
    msg.to = to;
    sent_.push_back(std::move(msg));
  }
  TimerId start_timer(double, std::uint64_t) override { return ++timers_; }
  void compute(double) override {}
  Rng& rng() override { return rng_; }

  /** Messages sent to `to` so far. */
  std::vector<Message> sent_to(NodeId to) const {
    std::vector<Message> out;
    for (const Message& m : sent_)
      if (m.to == to) out.push_back(m);
    return out;
  }
  double now_s_ = 0.0;

 private:
  std::vector<Message> sent_;
  TimerId timers_ = 0;
  Rng rng_{1, "test/peer_node"};
};

/** Block `id` on `parent` found at `mined_s` holding `txs`. */
BlockPtr found_block(const BlockPtr& parent, BlockId id, double mined_s, std::vector<TxPtr> txs = {}) {
  auto b = std::make_shared<Block>(*test_p2p::block_on(parent, id, std::move(txs)));
  b->mined_s = mined_s;
  return b;
}

/** Deliver `block` to `node` from peer 9 at `at_s`. */
void deliver(PeerNode& node, RecordingContext& ctx, const BlockPtr& block, double at_s) {
  ctx.now_s_ = at_s;
  auto body = std::make_shared<BlockBody>();
  body->block = block;
  node.on_message(ctx, Message{MessageType::kP2pBlock, 9, 1, block->size_bytes, at_s, body});
}

/** A light client (node 5) asks for the outcome of order `order` at `at_s`. */
void ask(PeerNode& node, RecordingContext& ctx, const market::Order& order, double at_s) {
  ctx.now_s_ = at_s;
  auto query = std::make_shared<LightQueryBody>();
  query->order = order;
  node.on_message(ctx, Message{MessageType::kQuery, 5, 1, 60.0, at_s, query});
}

TEST(P2pPeerNode, AnswersALightClientWhenTheIntervalIsFinalWithHeadersAndMerkleBranch) {
  // One interval: market opens at 0 s, gate closure at 900 - 300 = 600 s. z = 2.
  market::MarketTiming timing;
  timing.intervals = 1;
  const auto mode = ContractModeRegistry::instance().create("call");
  const market::PayAsClear rule;
  ContractCache contract(*mode, rule, nullptr, 1);
  PeerNodeParams p;
  p.node.peers = {9};
  p.node.genesis = make_genesis();
  p.timing = &timing;
  p.confirmations = 2;
  p.contract = &contract;
  PeerNode node(p);
  RecordingContext ctx;
  node.on_start(ctx);

  const TxPtr order = tx(1);  // a buy order of interval 0
  ask(node, ctx, order->order, 50.0);  // not final yet: the query waits
  const BlockPtr b1 = found_block(p.node.genesis, 11, 100.0, {order, tx(2), tx(3)});  // three transactions
  deliver(node, ctx, b1, 101.0);
  const BlockPtr b2 = found_block(b1, 12, 700.0);  // the closing block (first after 600 s)
  deliver(node, ctx, b2, 701.0);
  EXPECT_TRUE(ctx.sent_to(5).empty());  // the closing block has 1 confirmation of 2
  EXPECT_FALSE(node.finals()[0].has_value());
  const BlockPtr b3 = found_block(b2, 13, 800.0);
  deliver(node, ctx, b3, 801.0);

  ASSERT_TRUE(node.finals()[0].has_value());
  EXPECT_EQ(node.finals()[0]->gate_block, 11u);  // the last block before the closing one
  EXPECT_DOUBLE_EQ(node.finals()[0]->final_s, 801.0);
  std::vector<Message> answers = ctx.sent_to(5);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].type, MessageType::kResult);
  // Result 300 B + 3 headers the client lacks (80 B each) + a branch of ceil(log2 3) = 2 levels (32 B each).
  EXPECT_DOUBLE_EQ(answers[0].size_bytes, 300.0 + 3 * 80.0 + 2 * 32.0);
  const auto& answer = answers[0].as<LightAnswerBody>();
  EXPECT_EQ(answer.outcome_type, MessageType::kResult);  // included in time
  EXPECT_EQ(answer.gate_block, 11u);
  EXPECT_DOUBLE_EQ(answer.outcome_bytes, 300.0);

  // Asked again once final: answered at once, with no header the client already has.
  ask(node, ctx, order->order, 900.0);
  answers = ctx.sent_to(5);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_DOUBLE_EQ(answers[1].size_bytes, 300.0 + 2 * 32.0);

  // An order the chain never included is late: an ack of 120 B plus the proof (no new headers, no branch).
  market::Order missing = tx(7)->order;
  ask(node, ctx, missing, 950.0);
  answers = ctx.sent_to(5);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[2].as<LightAnswerBody>().outcome_type, MessageType::kAck);
  EXPECT_DOUBLE_EQ(answers[2].size_bytes, 120.0);
}

}  // namespace
}  // namespace ebsim::p2p
