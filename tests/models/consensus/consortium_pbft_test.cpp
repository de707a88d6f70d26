// The consortium with PBFT ordering the blocks (agreement protocol "pbft").
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/models/consensus/consortium_harness.hpp"

namespace ebsim::consensus {
namespace {

using market::Order;
using market::Side;
using testing::ConsortiumWorld;
using testing::make_order;
using testing::WorldOptions;

WorldOptions four_nodes(const std::string& agreement) {
  WorldOptions o;
  o.management_nodes = 4;
  o.area = {0, 0, 1, 1, 2, 2, 3, 3};
  o.timing.interval_s = 900.0;
  o.timing.gate_closure_s = 300.0;
  o.timing.bid_window_s = 480.0;
  o.timing.intervals = 2;
  o.agreement = agreement;
  return o;
}

std::vector<Order> orders() {
  return {make_order(1, 0, 0, Side::kSell, 4.0, 0.10, 100.0), make_order(2, 2, 0, Side::kBuy, 3.0, 0.25, 110.0),
          make_order(3, 4, 0, Side::kSell, 2.0, 0.12, 120.0), make_order(4, 7, 0, Side::kBuy, 2.0, 0.22, 125.0),
          make_order(5, 1, 1, Side::kBuy, 1.0, 0.30, 1000.0), make_order(6, 6, 1, Side::kSell, 1.0, 0.10, 1010.0)};
}

void run(ConsortiumWorld& w, double end_s) {
  w.net.start();
  for (const Order& o : orders()) {
    w.net.run_until(o.submitted_s);
    w.bid(o);
  }
  w.net.run_until(end_s);
}

std::size_t pbft_messages(const ConsortiumWorld& w) {
  return w.net.count(MessageType::kPbftPrePrepare) + w.net.count(MessageType::kPbftPrepare) +
         w.net.count(MessageType::kPbftCommit) + w.net.count(MessageType::kPbftViewChange) +
         w.net.count(MessageType::kPbftNewView);
}

TEST(ConsortiumPbft, CommitsTheSameBlocksAsTheRotatingPrimary) {
  ConsortiumWorld pbft(four_nodes("pbft"));
  ConsortiumWorld rotating(four_nodes("rotating_primary"));
  run(pbft, 3000.0);
  run(rotating, 3000.0);
  for (const auto& mn : pbft.mns) {
    ASSERT_EQ(mn->chain().size(), 2u) << "node " << mn->index();
    EXPECT_FALSE(ledger::verify_chain(pbft.suite, *pbft.directory, mn->chain()).has_value());
    for (std::size_t h = 0; h < 2; ++h) {
      EXPECT_EQ(ledger::block_hash(pbft.suite, mn->chain()[h].header),
                ledger::block_hash(pbft.suite, pbft.mns[0]->chain()[h].header));
      ASSERT_EQ(mn->chain()[h].transactions.size(), rotating.mns[0]->chain()[h].transactions.size());
      for (std::size_t i = 0; i < mn->chain()[h].transactions.size(); ++i) {
        EXPECT_EQ(ledger::trade_bytes(mn->chain()[h].transactions[i].trade),
                  ledger::trade_bytes(rotating.mns[0]->chain()[h].transactions[i].trade));
      }
    }
  }
  // Normal case per round: pre-prepare n - 1, prepare (n - 1)^2, commit n (n - 1) = 2 n (n - 1) = 24.
  EXPECT_EQ(pbft_messages(pbft), 2u * 24u);
  EXPECT_EQ(pbft.net.count(MessageType::kBlock), 0u);
  EXPECT_EQ(pbft_messages(rotating), 0u);
  ASSERT_EQ(pbft.finals.size(), 2u);
  EXPECT_EQ(pbft.finals[0].primary, 0u);
  EXPECT_EQ(pbft.finals[1].primary, 1u);
}

TEST(ConsortiumPbft, ABackupDownDoesNotStopTheCommitAndCatchesUpLater) {
  WorldOptions o = four_nodes("pbft");
  o.crashes = {CrashFault{3, 500.0, 1500.0}};  // down over both gate closures (600, 1500)
  ConsortiumWorld w(o);
  run(w, 4000.0);
  for (const auto& mn : w.mns) {
    ASSERT_EQ(mn->chain().size(), 2u) << "node " << mn->index();
    for (std::size_t h = 0; h < 2; ++h)
      EXPECT_EQ(ledger::block_hash(w.suite, mn->chain()[h].header), ledger::block_hash(w.suite, w.mns[0]->chain()[h].header));
  }
  // Node 3's subject 7 placed order 4 before the crash: acknowledged, then missed its round.
  std::set<OrderId> missed;
  for (const auto& m : w.missed) missed.insert(m.id);
  EXPECT_EQ(missed, (std::set<OrderId>{4}));
}

TEST(ConsortiumPbft, ByzantinePrimaryIsRefusedAndTheNextCommits) {
  WorldOptions o = four_nodes("pbft");
  o.timing.intervals = 1;
  ByzantineFault f;
  f.node = 0;
  f.behaviour = ByzantineFault::Behaviour::kDropOtherAreas;
  f.until_s = 1e9;
  o.byzantine = {f};
  ConsortiumWorld w(o);
  run(w, 2000.0);
  ASSERT_EQ(w.failovers.size(), 1u);
  EXPECT_EQ(w.failovers[0].new_primary, 1u);
  for (const auto& mn : w.mns) ASSERT_EQ(mn->chain().size(), 1u);
  EXPECT_EQ(w.mns[0]->chain()[0].header.primary, 1u);
  // The honest clearing of all four orders: 2 <- 0 3 kWh, 7 <- 0 1 kWh, 7 <- 4 1 kWh.
  EXPECT_EQ(w.mns[0]->chain()[0].transactions.size(), 3u);
  EXPECT_GE(w.refusals.size(), 3u);
}

}  // namespace
}  // namespace ebsim::consensus
