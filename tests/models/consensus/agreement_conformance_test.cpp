// The conformance suite of the agreement seam (ARCHITECTURE.md house style 11): EVERY protocol in
// AgreementProtocolRegistry, so a newly registered protocol is covered without touching this file
// (except for its entry in conformance_sizes() and the list in ListsExactlyTheShippedProtocols), runs the consortium under seeded random
// crash schedules of the management nodes and must keep the contract of AgreementProtocol:
//  - agreement: the consortium never forks (one block hash per height over every node that
//    appended it), and every node recovers and holds the whole, valid chain, one block per interval;
//  - no lost bid: every order a participant sent becomes final exactly once, every accepted one
//    with a result whose matched quantity is the chain's; round_final once per interval.
// Also: the registry lists exactly the shipped protocols, creates each by name, refuses others.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/consensus/agreement.hpp"
#include "models/market/messages.hpp"
#include "tests/models/consensus/consortium_harness.hpp"

namespace ebsim::consensus {

using testing::ConsortiumWorld;
using testing::WorldOptions;

/** `management_nodes` management nodes, 8 real participants (area i mod management_nodes), 4 intervals, random loads and up to 2
 * crashes per node. Not in an anonymous namespace: debugging tools reuse it. */
WorldOptions random_world(std::uint64_t seed, const std::string& agreement, std::uint32_t management_nodes = 4);
WorldOptions random_world(std::uint64_t seed, const std::string& agreement, std::uint32_t management_nodes) {
  WorldOptions o;
  o.agreement = agreement;
  o.management_nodes = management_nodes;
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
    o.area.push_back(i % management_nodes);
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

void check_random_crashes(std::uint64_t seed, const std::string& agreement, std::uint32_t management_nodes) {
  ConsortiumWorld w(random_world(seed, agreement, management_nodes));
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

/** A host that is never called: creating a protocol only binds it to its host. */
class IdleHost final : public AgreementHost {
 public:
  const ManagementNodeParams& params() const override { return params_; }
  const ledger::CryptoCosts& costs() const override { return costs_; }
  std::uint32_t acting(IntervalIndex, std::uint32_t) const override { return 0; }
  std::uint32_t round_shift(IntervalIndex) override { return 0; }
  const std::vector<market::Trade>* cosigned_trades(IntervalIndex, std::uint32_t) const override { return nullptr; }
  const std::vector<ledger::Block>& chain() const override { return chain_; }
  bool is_final(IntervalIndex) const override { return false; }
  const ledger::Block& final_block(IntervalIndex) const override { throw std::logic_error("IdleHost: no blocks"); }
  void append_own(NodeContext&, const std::shared_ptr<const BlockBody>&) override {}
  void offer_block(NodeContext&, const std::shared_ptr<const BlockBody>&) override {}
  void send_to(NodeContext&, std::uint32_t, MessageType, double, std::shared_ptr<const MessageBody>) override {}
  void arm_timer(NodeContext&, double, std::uint32_t, IntervalIndex) override {}
  void charge_crypto(NodeContext&, double) override {}
  void round_final(const RoundOutcome&) override {}

 private:
  ManagementNodeParams params_;
  ledger::CryptoCosts costs_;
  std::vector<ledger::Block> chain_;
};

TEST(AgreementProtocolRegistry, ListsExactlyTheShippedProtocols) {
  EXPECT_EQ(AgreementProtocolRegistry::instance().names(), (std::vector<std::string>{"pbft", "rotating_primary"}));
}

TEST(AgreementProtocolRegistry, CreatesEachByName) {
  IdleHost host;
  for (const std::string& name : {std::string("rotating_primary"), std::string("pbft")}) {
    const auto protocol = AgreementProtocolRegistry::instance().create(name, host);
    ASSERT_NE(protocol, nullptr) << name;
    EXPECT_EQ(protocol->name(), name);
  }
}

TEST(AgreementProtocolRegistry, RefusesAnUnknownName) {
  IdleHost host;
  EXPECT_EQ(AgreementProtocolRegistry::instance().create("raft", host), nullptr);
  EXPECT_EQ(AgreementProtocolRegistry::instance().create("", host), nullptr);
  EXPECT_EQ(AgreementProtocolRegistry::instance().create("PBFT", host), nullptr);  // names are exact
}

TEST(AgreementProtocolRegistry, AManagementNodeWithAnUnknownProtocolIsNotBuilt) {
  WorldOptions o;
  o.area = {0, 1};
  o.timing = testing::quarter_hour_timing(1);
  o.agreement = "raft";
  try {
    testing::ConsortiumWorld w(o);
    FAIL() << "built a consortium with agreement raft";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'raft'"), std::string::npos) << what;
    EXPECT_NE(what.find("pbft, rotating_primary"), std::string::npos) << what;
  }
}

/** Seeds each protocol is checked with: 50 random worlds (crash schedules, loads, sync and crypto modes). */
constexpr std::uint64_t kSeeds = 50;

/** The protocols with a conformance entry, and the consortium size (management nodes) random_world
 * checks them at. A protocol registered without an entry here fails
 * AgreementConformance.EveryRegisteredProtocolHasAnEntry and its own conformance case: add one. */
const std::map<std::string, std::uint32_t>& conformance_sizes() {
  static const std::map<std::string, std::uint32_t> table{
      {"rotating_primary", 4},
      {"pbft", 4},  // n = 3f + 1 = 4 tolerates one faulty node at a time
  };
  return table;
}

/** One conformance case: a registered protocol and a seed. */
struct ConformanceCase {
  std::string protocol;
  std::uint64_t seed = 1;
};

void PrintTo(const ConformanceCase& c, std::ostream* os) { *os << c.protocol << "/seed " << c.seed; }

/** Every registered protocol with every seed (a protocol without an entry still gets its cases). */
std::vector<ConformanceCase> registered_cases() {
  std::vector<ConformanceCase> out;
  for (const std::string& name : AgreementProtocolRegistry::instance().names())
    for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) out.push_back({name, seed});
  return out;
}

class AgreementConformanceTest : public ::testing::TestWithParam<ConformanceCase> {};

TEST_P(AgreementConformanceTest, RandomCrashesNeverForkAndEveryOrderGetsOneOutcome) {
  const auto entry = conformance_sizes().find(GetParam().protocol);
  ASSERT_NE(entry, conformance_sizes().end()) << GetParam().protocol << " has no entry in conformance_sizes()";
  check_random_crashes(GetParam().seed, GetParam().protocol, entry->second);
}

INSTANTIATE_TEST_SUITE_P(AgreementConformance, AgreementConformanceTest, ::testing::ValuesIn(registered_cases()),
                         [](const ::testing::TestParamInfo<ConformanceCase>& info) {
                           return info.param.protocol + "_seed" + std::to_string(info.param.seed);
                         });

TEST(AgreementConformance, EveryRegisteredProtocolHasAnEntry) {
  const std::vector<std::string> names = AgreementProtocolRegistry::instance().names();
  for (const std::string& name : names)
    EXPECT_EQ(conformance_sizes().count(name), 1u) << name << " has no conformance entry";
  for (const auto& [name, size] : conformance_sizes())
    EXPECT_EQ(std::count(names.begin(), names.end(), name), 1) << name << " is not registered";
}

}  // namespace
}  // namespace ebsim::consensus
