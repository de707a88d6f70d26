#include "models/consensus/management_node.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "models/grid/grid_view.hpp"
#include "models/market/exchange.hpp"
#include "models/market/messages.hpp"
#include "tests/models/consensus/consortium_harness.hpp"
#include "tests/models/fake_node_context.hpp"
#include "tests/models/grid/test_grids.hpp"

namespace ebsim::consensus {
namespace {

using market::Order;
using market::Side;
using market::Trade;
using testing::ConsortiumWorld;
using testing::make_order;
using testing::WorldOptions;

constexpr auto timing = testing::quarter_hour_timing;

/** 4 participants: 0 and 1 in area 0, 2 and 3 in area 1; 2 management nodes. */
WorldOptions two_areas(std::uint32_t intervals) {
  WorldOptions o;
  o.management_nodes = 2;
  o.area = {0, 0, 1, 1};
  o.timing = timing(intervals);
  return o;
}

/** The hand-worked interval 0: buyers 0 (5 kWh at 0.25) and 2 (3 at 0.20), sellers 1 (4 at 0.10)
 * and 3 (6 at 0.15), sent at 100, 110, 120, 130 s. pay_as_clear matches 0<-1 4 kWh, 0<-3 1 kWh,
 * 2<-3 3 kWh: 8 kWh. */
std::vector<Order> hand_orders() {
  return {make_order(1, 0, 0, Side::kBuy, 5.0, 0.25, 100.0), make_order(2, 1, 0, Side::kSell, 4.0, 0.10, 110.0),
          make_order(3, 2, 0, Side::kBuy, 3.0, 0.20, 120.0), make_order(4, 3, 0, Side::kSell, 6.0, 0.15, 130.0)};
}

std::vector<Trade> block_trades(const ledger::Block& b) {
  std::vector<Trade> out;
  for (const auto& tx : b.transactions) {
    Trade t;
    t.buy_order = tx.trade.buy_order.id;
    t.sell_order = tx.trade.sell_order.id;
    t.buyer = tx.trade.buyer;
    t.seller = tx.trade.seller;
    t.quantity_kwh = tx.trade.quantity_kwh;
    t.price_per_kwh = tx.trade.price_per_kwh;
    t.seller_price_per_kwh = tx.trade.seller_price_per_kwh;
    out.push_back(t);
  }
  return out;
}

void expect_same_trades(const std::vector<Trade>& a, const std::vector<Trade>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].buy_order, b[i].buy_order) << i;
    EXPECT_EQ(a[i].sell_order, b[i].sell_order) << i;
    EXPECT_EQ(a[i].buyer, b[i].buyer) << i;
    EXPECT_EQ(a[i].seller, b[i].seller) << i;
    EXPECT_EQ(a[i].quantity_kwh, b[i].quantity_kwh) << i;
    EXPECT_EQ(a[i].price_per_kwh, b[i].price_per_kwh) << i;
    EXPECT_EQ(a[i].seller_price_per_kwh, b[i].seller_price_per_kwh) << i;
  }
}

/** Every node's chain verifies, and all nodes hold the same blocks. */
void expect_identical_valid_chains(const ConsortiumWorld& w, std::size_t length) {
  for (const auto& mn : w.mns) {
    ASSERT_EQ(mn->chain().size(), length) << "node " << mn->index();
    const auto problem = ledger::verify_chain(w.suite, *w.directory, mn->chain());
    EXPECT_FALSE(problem.has_value()) << "node " << mn->index() << ": " << (problem ? problem->field + " " + problem->what : "");
    for (std::size_t h = 0; h < length; ++h) {
      EXPECT_EQ(ledger::block_hash(w.suite, mn->chain()[h].header), ledger::block_hash(w.suite, w.mns[0]->chain()[h].header))
          << "height " << h << " node " << mn->index();
    }
  }
}

/** What the centralized Exchange clears for the same orders arriving at the same times. */
std::vector<Trade> exchange_trades(const std::vector<Order>& orders, double latency_s, std::uint64_t seed) {
  market::ExchangeParams p;
  p.timing = timing(1);
  p.seed = seed;
  auto rule = market::ClearingRuleRegistry::instance().create("pay_as_clear");
  std::vector<market::MeterReading> meters(4);
  market::Exchange ex(p, *rule, {0, 1, 2, 3},
                      [&](ParticipantId i, IntervalIndex) -> const market::MeterReading& { return meters[i]; });
  std::vector<Trade> trades;
  ex.cleared.connect([&](const market::ClearedInterval& c) { trades = c.result.trades; });
  testing::FakeNodeContext ctx(99);
  ex.on_start(ctx);
  for (const Order& o : orders) {
    auto body = std::make_shared<market::BidBody>();
    body->order = o;
    ctx.deliver(ex, Message{MessageType::kBid, kNoNode, kNoNode, 400.0, 0.0, body}, o.participant, o.submitted_s + latency_s);
  }
  ctx.fire_next_timer(ex);  // gate closure of 0
  return trades;
}

TEST(ConsortiumRound, TwoAreaPayAsClearMatchesExchangeAndCoSignaturesFollowAreas) {
  ConsortiumWorld w(two_areas(2));
  w.run_scripted(hand_orders(), 3000.0);

  expect_identical_valid_chains(w, 2);
  const ledger::Block& b0 = w.mns[0]->chain()[0];
  const ledger::Block& b1 = w.mns[0]->chain()[1];
  EXPECT_EQ(b0.header.interval, 0u);
  EXPECT_EQ(b0.header.primary, 0u);
  EXPECT_EQ(b1.header.interval, 1u);
  EXPECT_EQ(b1.header.primary, 1u);  // rotation per interval
  EXPECT_TRUE(b1.transactions.empty());  // an empty round still makes a block

  const std::vector<Trade> expected = exchange_trades(hand_orders(), w.opt.latency_s, w.opt.seed);
  ASSERT_EQ(expected.size(), 3u);
  expect_same_trades(block_trades(b0), expected);
  EXPECT_DOUBLE_EQ(expected[0].quantity_kwh + expected[1].quantity_kwh + expected[2].quantity_kwh, 8.0);

  for (const auto& tx : b0.transactions) {
    std::set<std::uint32_t> areas{w.opt.area[tx.trade.buyer], w.opt.area[tx.trade.seller]};
    std::set<std::uint32_t> signers;
    for (const auto& s : tx.management_signatures) signers.insert(s.signer);
    EXPECT_EQ(signers, areas);
    EXPECT_EQ(tx.management_signatures.size(), areas.size());
    EXPECT_FALSE(tx.buyer_signature.empty());
    EXPECT_FALSE(tx.seller_signature.empty());
  }
  ASSERT_EQ(w.finals.size(), 2u);
  EXPECT_EQ(w.finals[0].cleared.bids, 2u);
  EXPECT_EQ(w.finals[0].cleared.offers, 2u);
  EXPECT_EQ(w.finals[0].bundles_received, 2u);
  EXPECT_EQ(w.finals[0].attempts, 1u);
  EXPECT_DOUBLE_EQ(w.finals[0].cleared.result.cleared_kwh, 8.0);
  EXPECT_TRUE(w.refusals.empty());
  EXPECT_TRUE(w.failovers.empty());
  EXPECT_TRUE(w.missed.empty());
  // Each participant was told its result once, without asking (no query sent here): results are
  // pull-based, so none were sent; the sync reached every subject (headers mode) per block.
  EXPECT_EQ(w.net.count(MessageType::kSync), 8u);
  EXPECT_EQ(w.net.count(MessageType::kBundle), 2u);
  EXPECT_GT(w.mns[0]->cpu().crypto_s, 0.0);
  EXPECT_GT(w.mns[0]->cpu().clearing_s, 0.0);
}

TEST(ConsortiumRound, QueriesAreHeldUntilFinalAndAnsweredWithTheFill) {
  ConsortiumWorld w(two_areas(1));
  w.net.start();
  for (const Order& o : hand_orders()) {
    w.net.run_until(o.submitted_s);
    w.bid(o);
  }
  // Participant 2 asks before the round can be final (gate closure at 600 s).
  w.net.run_until(500.0);
  auto q = std::make_shared<QueryBody>();
  q->interval = 0;
  q->order = 3;
  w.net.inject(2, w.mn_node(1), Message{MessageType::kQuery, kNoNode, kNoNode, 150.0, 0.0, q});
  w.net.run_until(1800.0);
  std::vector<const market::ResultBody*> results;
  for (const auto& s : w.net.log())
    if (s.msg.type == MessageType::kResult && s.to == 2) results.push_back(&s.msg.as<market::ResultBody>());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0]->fills.at(0).order, 3u);
  EXPECT_DOUBLE_EQ(results[0]->fills.at(0).matched_kwh, 3.0);
  EXPECT_GT(results[0]->fills.at(0).payment, 0.0);
}

TEST(ConsortiumRound, RealAndModeledCryptoGiveTheSameTrades) {
  WorldOptions real = two_areas(1);
  WorldOptions modeled = two_areas(1);
  modeled.crypto = CryptoMode::kModeled;
  ConsortiumWorld a(real), b(modeled);
  a.run_scripted(hand_orders(), 2000.0);
  b.run_scripted(hand_orders(), 2000.0);
  ASSERT_EQ(a.mns[0]->chain().size(), 1u);
  ASSERT_EQ(b.mns[0]->chain().size(), 1u);
  expect_same_trades(block_trades(a.mns[0]->chain()[0]), block_trades(b.mns[0]->chain()[0]));
  for (const auto& tx : b.mns[0]->chain()[0].transactions) {
    EXPECT_TRUE(tx.buyer_signature.empty());
    EXPECT_FALSE(tx.management_signatures.empty());  // management-node signatures are always real
  }
  expect_identical_valid_chains(b, 1);
  // The same calibrated CPU is charged in both modes.
  EXPECT_NEAR(a.mns[0]->cpu().crypto_s, b.mns[0]->cpu().crypto_s, 1e-3 * a.mns[0]->cpu().crypto_s + 1e-12);
}

TEST(ConsortiumRound, InvalidSignatureIsRejectedWithStatus) {
  ConsortiumWorld w(two_areas(1));
  w.net.start();
  w.net.run_until(100.0);
  Message m = w.sealed_bid(make_order(1, 0, 0, Side::kBuy, 5.0, 0.25, 100.0));
  auto forged = std::make_shared<SealedBidBody>(m.as<SealedBidBody>());
  forged->order.quantity_kwh = 50.0;  // tampered after signing
  m.body = forged;
  w.net.inject(0, w.mn_node(0), m);
  w.net.run_until(200.0);
  const market::AckBody* ack = nullptr;
  for (const auto& s : w.net.log())
    if (s.msg.type == MessageType::kAck) ack = &s.msg.as<market::AckBody>();
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->status, market::OrderStatus::kBadSignature);
}

TEST(ConsortiumFaults, ByzantinePrimaryIsRefusedAndTheRotationMovesOn) {
  WorldOptions o;
  o.management_nodes = 3;
  o.area = {0, 0, 1, 1, 2, 2};
  o.timing = timing(1);
  ByzantineFault f;
  f.node = 0;
  f.behaviour = ByzantineFault::Behaviour::kFavourOwnArea;
  f.from_s = 0.0;
  f.until_s = 1e9;
  o.byzantine = {f};
  ConsortiumWorld w(o);
  const std::vector<Order> orders = {
      make_order(1, 0, 0, Side::kSell, 4.0, 0.10, 100.0), make_order(2, 1, 0, Side::kBuy, 2.0, 0.30, 105.0),
      make_order(3, 2, 0, Side::kBuy, 3.0, 0.25, 110.0),  make_order(4, 3, 0, Side::kSell, 2.0, 0.12, 115.0),
      make_order(5, 4, 0, Side::kBuy, 2.0, 0.22, 120.0),  make_order(6, 5, 0, Side::kSell, 1.0, 0.05, 125.0)};
  w.run_scripted(orders, 1700.0);

  ASSERT_GE(w.refusals.size(), 2u);
  std::set<std::uint32_t> refusers;
  for (const auto& r : w.refusals) {
    EXPECT_EQ(r.primary, 0u);
    refusers.insert(r.node);
  }
  EXPECT_EQ(refusers, (std::set<std::uint32_t>{1, 2}));
  ASSERT_EQ(w.failovers.size(), 1u);
  EXPECT_EQ(w.failovers[0].failed_primary, 0u);
  EXPECT_EQ(w.failovers[0].new_primary, 1u);
  expect_identical_valid_chains(w, 1);
  EXPECT_EQ(w.mns[1]->chain()[0].header.primary, 1u);
  ASSERT_EQ(w.finals.size(), 1u);
  EXPECT_EQ(w.finals[0].primary, 1u);
  EXPECT_EQ(w.finals[0].scheduled_primary, 0u);

  // The final block is the honest clearing of all six orders.
  market::OrderBook book;
  for (const auto& ord : orders) {
    Order x = ord;
    x.arrived_s = ord.submitted_s + o.latency_s;
    book.add(x);
  }
  Rng rng(o.seed, "clearing", 0);
  const auto honest = w.rule->clear(book, nullptr, rng);
  expect_same_trades(block_trades(w.mns[2]->chain()[0]), honest.trades);
}

TEST(ConsortiumFaults, PrimaryCrashMidRoundFailsOverRecoversAndCatchesUp) {
  WorldOptions o;
  o.management_nodes = 3;
  o.area = {0, 0, 1, 1, 2, 2};
  o.timing = timing(2);
  // Primary 0 of interval 0 proposes at 600.01 (when the last bundle arrives) and crashes before
  // the votes come back (600.02); it is down until 2000 s, past the gate closure of interval 1.
  o.crashes = {CrashFault{0, 600.015, 1400.0}};
  ConsortiumWorld w(o);
  const std::vector<Order> orders = {
      make_order(1, 0, 0, Side::kSell, 4.0, 0.10, 100.0), make_order(2, 2, 0, Side::kBuy, 3.0, 0.25, 110.0),
      make_order(3, 4, 0, Side::kSell, 2.0, 0.12, 120.0), make_order(4, 5, 0, Side::kBuy, 2.0, 0.22, 125.0),
      make_order(5, 1, 1, Side::kBuy, 1.0, 0.30, 1000.0), make_order(6, 3, 1, Side::kSell, 1.0, 0.10, 1010.0)};
  w.run_scripted(orders, 4000.0);

  ASSERT_EQ(w.failovers.size(), 1u);
  EXPECT_EQ(w.failovers[0].interval, 0u);
  EXPECT_EQ(w.failovers[0].failed_primary, 0u);
  EXPECT_EQ(w.failovers[0].new_primary, 1u);
  EXPECT_FALSE(w.mns[0]->is_down());
  expect_identical_valid_chains(w, 2);
  EXPECT_EQ(w.mns[0]->chain()[0].header.primary, 1u);
  // Node 0 acknowledged order 1 but was down when its round was re-run: reported as missed. Order 5
  // reached node 0 while it was down: never acknowledged, so never accepted.
  std::set<OrderId> missed;
  for (const auto& m : w.missed) missed.insert(m.id);
  EXPECT_EQ(missed, (std::set<OrderId>{1}));
  std::size_t acks_for_5 = 0;
  for (const auto& s : w.net.log())
    if (s.msg.type == MessageType::kAck && s.msg.as<market::AckBody>().order == 5) ++acks_for_5;
  EXPECT_EQ(acks_for_5, 0u);
  // Interval 0 cleared the other areas' orders: 2 buys 3 from 4 (2 kWh); 5 buys nothing else.
  const auto trades = block_trades(w.mns[0]->chain()[0]);
  for (const auto& t : trades) {
    EXPECT_NE(t.seller, 0u);
    EXPECT_NE(t.buyer, 1u);
  }
  EXPECT_FALSE(trades.empty());
}

TEST(ConsortiumFaults, MisreportIsDisputedAndUpheld) {
  WorldOptions o = two_areas(1);
  o.real_participants = true;
  // 0 and 2 buy, 1 and 3 sell (0.25 h: 2 kW -> 0.5 kWh).
  o.load_kw = {{2.0}, {0.0}, {3.0}, {0.0}};
  o.pv_kw = {{0.0}, {2.0}, {0.0}, {4.0}};
  o.misreports = {MisreportFault{1, 0.0, 1e9}};
  ConsortiumWorld w(o);
  w.net.start();
  w.net.run_until(3000.0);
  ASSERT_EQ(w.outcomes.size(), 4u);
  std::map<ParticipantId, agents::OrderOutcome> by;
  for (const auto& out : w.outcomes) by[out.order.participant] = out;
  EXPECT_FALSE(by[0].disputed);
  EXPECT_FALSE(by[1].disputed);
  EXPECT_TRUE(by[2].disputed);
  EXPECT_TRUE(by[2].dispute_upheld);
  EXPECT_TRUE(by[3].disputed);
  EXPECT_TRUE(by[3].dispute_upheld);
  // The corrected fill is the block's.
  double matched2 = 0.0;
  for (const auto& tx : w.mns[0]->chain()[0].transactions)
    if (tx.trade.buyer == 2) matched2 += tx.trade.quantity_kwh;
  EXPECT_GT(matched2, 0.0);
  EXPECT_DOUBLE_EQ(by[2].matched_kwh, matched2);
  ASSERT_EQ(w.disputes.size(), 2u);
  for (const auto& d : w.disputes) {
    EXPECT_TRUE(d.upheld);
    EXPECT_GE(d.resolved_s, d.raised_s);
  }
  EXPECT_EQ(w.participants[0]->synced_blocks(), 1u);
}

TEST(ConsortiumSecurity, OverloadedTieLineTradeIsCancelledAndTheRestStands) {
  // Bus 1 (participants 0, 1; area 0) -- bus 2 (participants 2, 3; area 1), line rated 0.02 MW:
  // 7 kWh in 0.25 h across it is 0.028 MW; cancelling the 3 kWh trade declared last leaves 0.016 MW.
  const grid::GridView grid(grid::test_grids::two_bus(0.02), {1, 1, 2, 2}, 0.25);
  WorldOptions o = two_areas(1);
  o.security = SecurityOption::kCancelLast;
  o.grid = &grid;
  ConsortiumWorld w(o);
  const std::vector<Order> orders = {
      make_order(1, 0, 0, Side::kSell, 4.0, 0.10, 100.0), make_order(2, 1, 0, Side::kSell, 3.0, 0.12, 110.0),
      make_order(3, 2, 0, Side::kBuy, 4.0, 0.25, 120.0), make_order(4, 3, 0, Side::kBuy, 3.0, 0.20, 130.0)};
  w.run_scripted(orders, 2000.0);
  expect_identical_valid_chains(w, 1);
  const auto trades = block_trades(w.mns[1]->chain()[0]);
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].buy_order, 3u);
  EXPECT_EQ(trades[0].sell_order, 1u);
  EXPECT_DOUBLE_EQ(trades[0].quantity_kwh, 4.0);
  ASSERT_EQ(w.objections.size(), 1u);
  EXPECT_EQ(w.objections[0].iteration.branch, 0u);
  EXPECT_EQ(w.objections[0].iteration.cancelled.buy_order, 4u);
  EXPECT_EQ(w.objections[0].iteration.cancelled.sell_order, 2u);
  EXPECT_LT(w.objections[0].node, 2u);
  ASSERT_EQ(w.finals.size(), 1u);
  EXPECT_EQ(w.finals[0].attempts, 2u);
  EXPECT_EQ(w.finals[0].cleared.security_iterations.size(), 1u);
  EXPECT_DOUBLE_EQ(w.finals[0].cleared.result.cleared_kwh, 4.0);
}

TEST(ConsortiumSecurity, OptionBReopensTheRemainderOnTheFreeSideOfTheLine) {
  // As above, plus participant 4 at bus 1 (area 0) bidding 3 kWh at 0.15, first: outbid at first,
  // it buys seller 1's 3 kWh once the tie-line trade 4 <- 2 is cancelled and bidding re-opens
  // without the order declared last (4).
  const grid::GridView grid(grid::test_grids::two_bus(0.02), {1, 1, 2, 2, 1}, 0.25);
  WorldOptions o;
  o.management_nodes = 2;
  o.area = {0, 0, 1, 1, 0};
  o.timing = timing(1);
  o.security = SecurityOption::kReopen;
  o.grid = &grid;
  ConsortiumWorld w(o);
  const std::vector<Order> orders = {
      make_order(5, 4, 0, Side::kBuy, 3.0, 0.15, 90.0),  make_order(1, 0, 0, Side::kSell, 4.0, 0.10, 100.0),
      make_order(2, 1, 0, Side::kSell, 3.0, 0.12, 110.0), make_order(3, 2, 0, Side::kBuy, 4.0, 0.25, 120.0),
      make_order(4, 3, 0, Side::kBuy, 3.0, 0.20, 130.0)};
  w.run_scripted(orders, 2000.0);
  expect_identical_valid_chains(w, 1);
  const auto trades = block_trades(w.mns[0]->chain()[0]);
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].buy_order, 3u);
  EXPECT_EQ(trades[0].sell_order, 1u);
  EXPECT_DOUBLE_EQ(trades[0].quantity_kwh, 4.0);
  EXPECT_EQ(trades[1].buy_order, 5u);
  EXPECT_EQ(trades[1].sell_order, 2u);
  EXPECT_DOUBLE_EQ(trades[1].quantity_kwh, 3.0);
  ASSERT_EQ(w.objections.size(), 1u);
  EXPECT_EQ(w.objections[0].option, SecurityOption::kReopen);
  EXPECT_EQ(w.objections[0].iteration.cancelled.buy_order, 4u);
  std::set<NodeId> reopened;
  for (const auto& s : w.net.log())
    if (s.msg.type == MessageType::kReopen) reopened.insert(s.to);
  EXPECT_EQ(reopened, (std::set<NodeId>{1, 3}));
  ASSERT_EQ(w.finals.size(), 1u);
  EXPECT_DOUBLE_EQ(w.finals[0].cleared.result.cleared_kwh, 7.0);
}

TEST(ConsortiumRound, FinalisesWithinAFewMessageDelaysWhenEveryNodeVotes) {
  // Three nodes, all up: bundles, proposal, votes and block take a few 10 ms hops after gate closure.
  WorldOptions o;
  o.management_nodes = 3;
  o.area = {0, 0, 1, 1, 2, 2};
  o.timing = timing(1);
  ConsortiumWorld w(o);
  const std::vector<Order> orders = {make_order(1, 0, 0, Side::kSell, 4.0, 0.10, 100.0),
                                     make_order(2, 4, 0, Side::kBuy, 3.0, 0.25, 110.0)};
  w.run_scripted(orders, 2000.0);
  ASSERT_EQ(w.finals.size(), 1u);
  EXPECT_EQ(w.finals[0].attempts, 1u);
  EXPECT_LT(w.finals[0].final_s, 601.0);
}

}  // namespace
}  // namespace ebsim::consensus
