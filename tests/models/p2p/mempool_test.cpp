// Mempool: fee-per-byte priority with deterministic ties, greedy block filling, reorganisations
// (models/p2p/mempool.hpp).
#include "models/p2p/mempool.hpp"

#include <gtest/gtest.h>

#include "tests/models/p2p/p2p_builders.hpp"

namespace ebsim::p2p {
namespace {

using test_p2p::block_on;
using test_p2p::ids;
using test_p2p::tx;

TEST(P2pMempool, OrdersByFeePerByteThenArrivalThenId) {
  Mempool pool;
  // fee/byte: 1: 2/250 = 0.008; 2: 1/100 = 0.01; 3: 1/250 = 0.004; 4: 2/250 = 0.008 (arrived
  // earlier than 1); 5: 2/250 = 0.008, same arrival as 1, higher id.
  pool.add(tx(1, 2.0, 250.0), 10.0);
  pool.add(tx(2, 1.0, 100.0), 11.0);
  pool.add(tx(3, 1.0, 250.0), 12.0);
  pool.add(tx(4, 2.0, 250.0), 9.0);
  pool.add(tx(5, 2.0, 250.0), 10.0);
  EXPECT_FALSE(pool.add(tx(1, 2.0, 250.0), 20.0));  // already there
  EXPECT_EQ(ids(pool.ordered()), (std::vector<TxId>{2, 4, 1, 5, 3}));
  EXPECT_EQ(pool.size(), 5u);
  EXPECT_DOUBLE_EQ(pool.bytes(), 1100.0);
}

TEST(P2pMempool, SelectFillsGreedilySkippingWhatDoesNotFit) {
  Mempool pool;
  pool.add(tx(1, 10.0, 500.0), 0.0);  // 0.02 /B
  pool.add(tx(2, 6.0, 400.0), 0.0);   // 0.015 /B
  pool.add(tx(3, 1.0, 100.0), 0.0);   // 0.01 /B
  // Room 700: take 1 (500, 200 left); 2 (400) does not fit, skipped; 3 (100) fits.
  EXPECT_EQ(ids(pool.select(700.0)), (std::vector<TxId>{1, 3}));
  EXPECT_EQ(ids(pool.select(1000.0)), (std::vector<TxId>{1, 2, 3}));
  EXPECT_TRUE(pool.select(50.0).empty());
  EXPECT_EQ(pool.size(), 3u);  // select does not remove
}

TEST(P2pMempool, RemoveBlockAndReorgReturnOnlyWhatTheNewBranchLacks) {
  // Old branch a1 {1, 2, 3} is disconnected; new branch b1 {2}, b2 {4} connected.
  // Back in the pool: 1 and 3 (2 is in b1); 4 leaves the pool; 5 stays.
  const BlockPtr g = make_genesis();
  Mempool pool;
  const auto t1 = tx(1), t2 = tx(2), t3 = tx(3), t4 = tx(4), t5 = tx(5);
  for (const auto& t : {t1, t2, t3, t4, t5}) pool.add(t, 0.0);
  const BlockPtr a1 = block_on(g, 11, {t1, t2, t3});
  pool.remove_block(*a1);
  EXPECT_EQ(ids(pool.ordered()), (std::vector<TxId>{4, 5}));

  const BlockPtr b1 = block_on(g, 21, {t2});
  const BlockPtr b2 = block_on(b1, 22, {t4});
  const std::vector<TxPtr> returned = pool.apply_chain_change({a1}, {b1, b2}, 50.0);
  EXPECT_EQ(ids(returned), (std::vector<TxId>{1, 3}));
  // Same fee rate: 5 arrived at 0, 1 and 3 came back at 50.
  EXPECT_EQ(ids(pool.ordered()), (std::vector<TxId>{5, 1, 3}));
  EXPECT_DOUBLE_EQ(pool.bytes(), 750.0);
}

}  // namespace
}  // namespace ebsim::p2p
