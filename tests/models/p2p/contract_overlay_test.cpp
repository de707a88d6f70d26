// The market contract (per-block call market, continuous CDA in inclusion order) and the overlay
// generator (models/p2p/contract.hpp, overlay.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "models/market/pay_as_clear.hpp"
#include "models/p2p/contract.hpp"
#include "models/p2p/overlay.hpp"
#include "tests/models/p2p/p2p_builders.hpp"

namespace ebsim::p2p {
namespace {

using market::Side;
using test_p2p::block_on;
using test_p2p::tx;

TxPtr order_tx(TxId id, Side side, double price, double quantity, IntervalIndex interval = 0,
               double network_arrival_s = 0.0) {
  auto t = std::make_shared<Transaction>(*tx(id, 1.0, 250.0, side, price, quantity, interval));
  t->order.arrived_s = network_arrival_s;
  return t;
}

TEST(P2pContract, PerBlockCallMarketClearsEachIntervalWithTheRule) {
  // Interval 0: bid 1 0.30 x2; offers 11 0.10 x1, 12 0.20 x2. Walk: 1-11 x1, 1-12 x1; bid 1 is
  // filled, offer 12 is left with 1, so it is marginal and unfilled: low = max(0.20, -) and
  // high = min(0.30, 0.20): price 0.20.
  // Interval 1: bid 2 0.25 x1, offer 13 0.15 x1, both filled: [0.15, 0.25], price 0.20.
  const BlockPtr g = make_genesis();
  const BlockPtr b = block_on(g, 7,
                              {order_tx(12, Side::kSell, 0.20, 2), order_tx(2, Side::kBuy, 0.25, 1, 1),
                               order_tx(1, Side::kBuy, 0.30, 2), order_tx(11, Side::kSell, 0.10, 1),
                               order_tx(13, Side::kSell, 0.15, 1, 1)});
  const market::PayAsClear rule;
  const std::vector<ContractClearing> out = clear_block(*b, rule, nullptr, 1);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].interval, 0u);
  EXPECT_EQ(out[0].bids, 1u);
  EXPECT_EQ(out[0].offers, 2u);
  ASSERT_EQ(out[0].result.trades.size(), 2u);
  EXPECT_EQ(out[0].result.trades[0].sell_order, 11u);
  EXPECT_EQ(out[0].result.trades[1].sell_order, 12u);
  EXPECT_NEAR(out[0].result.clearing_price_per_kwh, 0.20, 1e-12);
  EXPECT_NEAR(out[0].result.cleared_kwh, 2.0, 1e-12);
  EXPECT_EQ(out[0].trade_blocks, (std::vector<BlockId>{7, 7}));
  EXPECT_EQ(out[1].interval, 1u);
  ASSERT_EQ(out[1].result.trades.size(), 1u);
  EXPECT_NEAR(out[1].result.clearing_price_per_kwh, 0.20, 1e-12);
  // Pure: the same block clears the same way again (at any node).
  const auto again = clear_block(*b, rule, nullptr, 1);
  EXPECT_EQ(again[0].result.trades.size(), out[0].result.trades.size());
  EXPECT_EQ(again[0].result.clearing_price_per_kwh, out[0].result.clearing_price_per_kwh);
}

TEST(P2pContract, ContinuousReplaysTheChainInInclusionOrder) {
  // Block 1: offer 11 0.20 x3 rests; bid 1 0.18 x4 rests (0.20 > 0.18); offer 13 0.17 x1 meets
  //          bid 1: 1 at 0.18 (resting price).
  // Block 2: bid 2 0.25 x2 takes offer 11: 2 at 0.20; offer 12 0.15 x3 meets bid 1 (3 left):
  //          3 at 0.18.
  // The network arrival times in the orders are deliberately reversed: if the contract used them,
  // bid 2 would come first and find nothing. Interval 1's order is ignored.
  const BlockPtr g = make_genesis();
  const BlockPtr b1 = block_on(g, 21,
                               {order_tx(11, Side::kSell, 0.20, 3, 0, 50), order_tx(1, Side::kBuy, 0.18, 4, 0, 40),
                                order_tx(99, Side::kBuy, 9.0, 1, 1, 35), order_tx(13, Side::kSell, 0.17, 1, 0, 30)});
  const BlockPtr b2 =
      block_on(b1, 22, {order_tx(2, Side::kBuy, 0.25, 2, 0, 0), order_tx(12, Side::kSell, 0.15, 3, 0, 10)});
  const std::vector<BlockPtr> chain{g, b1, b2};
  const ContractClearing c = clear_continuous_on_chain(chain, 0);
  EXPECT_EQ(c.bids, 2u);
  EXPECT_EQ(c.offers, 3u);
  ASSERT_EQ(c.result.trades.size(), 3u);
  EXPECT_EQ(c.result.trades[0].buy_order, 1u);
  EXPECT_EQ(c.result.trades[0].sell_order, 13u);
  EXPECT_DOUBLE_EQ(c.result.trades[0].price_per_kwh, 0.18);
  EXPECT_EQ(c.result.trades[1].buy_order, 2u);
  EXPECT_EQ(c.result.trades[1].sell_order, 11u);
  EXPECT_DOUBLE_EQ(c.result.trades[1].price_per_kwh, 0.20);
  EXPECT_EQ(c.result.trades[2].buy_order, 1u);
  EXPECT_EQ(c.result.trades[2].sell_order, 12u);
  EXPECT_DOUBLE_EQ(c.result.trades[2].quantity_kwh, 3.0);
  EXPECT_EQ(c.trade_blocks, (std::vector<BlockId>{21, 22, 22}));
  // Appending a block never changes the trades already made: the chain up to b1 gives a prefix.
  const std::vector<BlockPtr> prefix{g, b1};
  const ContractClearing p = clear_continuous_on_chain(prefix, 0);
  ASSERT_EQ(p.result.trades.size(), 1u);
  EXPECT_EQ(p.result.trades[0].sell_order, 13u);
}

TEST(P2pOverlay, ConnectedSymmetricAtLeastKPeersAndDeterministic) {
  const Overlay o = random_overlay(1000, 8, 42);
  ASSERT_EQ(o.size(), 1000u);
  EXPECT_TRUE(is_connected(o));
  for (std::uint32_t i = 0; i < o.size(); ++i) {
    EXPECT_GE(o[i].size(), 8u);
    EXPECT_TRUE(std::is_sorted(o[i].begin(), o[i].end()));
    EXPECT_EQ(std::find(o[i].begin(), o[i].end(), i), o[i].end()) << "self loop at " << i;
    for (std::uint32_t j : o[i]) {
      EXPECT_TRUE(std::binary_search(o[j].begin(), o[j].end(), i)) << i << "-" << j << " not symmetric";
    }
  }
  EXPECT_EQ(random_overlay(1000, 8, 42), o);
  EXPECT_NE(random_overlay(1000, 8, 43), o);
  // Random graphs of degree ~k have diameter ~ log n / log k: 1000 nodes, degree >= 8 -> a few hops.
  const auto hops = hop_distances(o, 0);
  EXPECT_LE(*std::max_element(hops.begin(), hops.end()), 6u);
}

TEST(P2pOverlay, SparseDrawsAreJoinedIntoOneComponent) {
  // One outbound peer each: a random 1-out graph on 60 nodes almost always has several components.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) EXPECT_TRUE(is_connected(random_overlay(60, 1, seed))) << seed;
}

TEST(P2pOverlay, SmallCases) {
  EXPECT_TRUE(random_overlay(0, 3, 1).empty());
  EXPECT_EQ(random_overlay(1, 3, 1), (Overlay{{}}));
  EXPECT_EQ(random_overlay(3, 5, 1), (Overlay{{1, 2}, {0, 2}, {0, 1}}));  // k >= n-1: complete
  const Overlay path{{1}, {0, 2}, {1}, {}};
  EXPECT_FALSE(is_connected(path));
  const auto hops = hop_distances(path, 0);
  EXPECT_EQ(hops[0], 0u);
  EXPECT_EQ(hops[2], 2u);
  EXPECT_EQ(hops[3], std::numeric_limits<std::size_t>::max());
}

}  // namespace
}  // namespace ebsim::p2p
