// Property: under random crash schedules of the management nodes, the consortium never forks and
// every order a participant sent becomes final exactly once (accepted ones with a result).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "models/market/messages.hpp"
#include "tests/models/consensus/consortium_harness.hpp"

namespace ebsim::consensus {

using testing::ConsortiumWorld;
using testing::WorldOptions;

/** 4 management nodes, 8 real participants (2 per area), 4 intervals, random loads and up to 2
 * crashes per node. Not in an anonymous namespace: debugging tools reuse it. */
WorldOptions random_world(std::uint64_t seed, AgreementProtocol agreement);
WorldOptions random_world(std::uint64_t seed, AgreementProtocol agreement) {
  WorldOptions o;
  o.agreement = agreement;
  o.management_nodes = 4;
  o.seed = seed;
  o.timing.interval_s = 900.0;
  o.timing.gate_closure_s = 300.0;
  o.timing.bid_window_s = 480.0;
  o.timing.intervals = 4;
  o.real_participants = true;
  o.sync = seed % 3 == 0 ? ChainSync::kFull : ChainSync::kHeaders;
  o.crypto = seed % 2 == 0 ? CryptoMode::kReal : CryptoMode::kModeled;
  Rng rng(seed, "property/world");
  for (ParticipantId i = 0; i < 8; ++i) {
    o.area.push_back(i % 4);
    std::vector<double> load, pv;
    for (std::uint32_t k = 0; k < o.timing.intervals; ++k) {
      load.push_back(rng.uniform(0.0, 4.0));
      pv.push_back(rng.uniform(0.0, 4.0));
    }
    o.load_kw.push_back(load);
    o.pv_kw.push_back(pv);
  }
  for (std::uint32_t m = 0; m < o.management_nodes; ++m) {
    const std::uint32_t crashes = static_cast<std::uint32_t>(rng.below(3));
    double t = 0.0;
    for (std::uint32_t c = 0; c < crashes; ++c) {
      t += rng.uniform(0.0, 2000.0);
      const double duration = rng.uniform(5.0, 1200.0);
      o.crashes.push_back(CrashFault{m, t, duration});
      t += duration;
    }
  }
  return o;
}

namespace {

void check_random_crashes(std::uint64_t seed, AgreementProtocol agreement) {
  ConsortiumWorld w(random_world(seed, agreement));
  w.net.start();
  w.net.run_until(30000.0);

  // No fork: one hash per height across every node that appended it.
  std::map<std::uint64_t, ledger::Digest> at_height;
  for (const auto& a : w.appended) {
    const auto [it, inserted] = at_height.emplace(a.height, a.hash);
    EXPECT_EQ(it->second, a.hash) << "fork at height " << a.height << " (node " << a.node << ")";
  }
  // Every node recovered and holds the whole, valid chain: one block per interval.
  for (const auto& mn : w.mns) {
    EXPECT_FALSE(mn->is_down());
    ASSERT_EQ(mn->chain().size(), w.opt.timing.intervals) << "node " << mn->index();
    EXPECT_FALSE(ledger::verify_chain(w.suite, *w.directory, mn->chain()).has_value()) << "node " << mn->index();
    for (std::size_t h = 0; h < mn->chain().size(); ++h) EXPECT_EQ(mn->chain()[h].header.interval, h);
  }
  // Every order sent is final exactly once; every accepted one got a result.
  std::set<OrderId> sent, accepted;
  for (const auto& s : w.net.log()) {
    if (s.msg.type == MessageType::kBid) sent.insert(s.msg.as<SealedBidBody>().order.id);
    if (s.msg.type == MessageType::kAck && s.msg.as<market::AckBody>().status == market::OrderStatus::kAccepted)
      accepted.insert(s.msg.as<market::AckBody>().order);
  }
  std::map<OrderId, int> outcomes;
  for (const auto& o : w.outcomes) {
    ++outcomes[o.order.id];
    if (accepted.count(o.order.id) != 0) {
      EXPECT_EQ(o.status, market::OrderStatus::kAccepted) << "order " << o.order.id;
      EXPECT_GE(o.result_received_s, 0.0);
    }
  }
  for (OrderId id : sent) EXPECT_EQ(outcomes[id], 1) << "order " << id;
  EXPECT_EQ(outcomes.size(), sent.size());
  for (const auto& p : w.participants) EXPECT_EQ(p->pending_orders(), 0u);
  // round_final once per interval.
  std::set<IntervalIndex> finals;
  for (const auto& f : w.finals) EXPECT_TRUE(finals.insert(f.cleared.interval).second) << "interval " << f.cleared.interval;
  EXPECT_EQ(finals.size(), w.opt.timing.intervals);
  // Matched quantities in results equal the chain's.
  for (const auto& o : w.outcomes) {
    if (o.status != market::OrderStatus::kAccepted) continue;
    double matched = 0.0;
    for (const auto& tx : w.mns[0]->chain()[o.order.interval].transactions)
      if (tx.trade.buy_order.id == o.order.id || tx.trade.sell_order.id == o.order.id) matched += tx.trade.quantity_kwh;
    EXPECT_NEAR(o.matched_kwh, matched, 1e-9) << "order " << o.order.id;
  }
}

class ConsortiumProperty : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(ConsortiumProperty, RandomCrashesNeverForkAndEveryOrderGetsOneOutcome) {
  check_random_crashes(GetParam(), AgreementProtocol::kRotatingPrimary);
}

TEST_P(ConsortiumProperty, RandomCrashesUnderPbftNeverForkAndEveryOrderGetsOneOutcome) {
  check_random_crashes(GetParam(), AgreementProtocol::kPbft);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ConsortiumProperty, ::testing::Range<std::uint64_t>(1, 51));

}  // namespace
}  // namespace ebsim::consensus
