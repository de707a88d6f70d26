// Google Benchmark of the consortium's cryptography; its figures calibrate models/ledger/crypto_costs.cpp
// (docs/ledger.md "Calibration"):
//   cmake -S . -B build-ledger -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C build-ledger ebsim_bench_crypto
//   build-ledger/ebsim_bench_crypto --benchmark_min_time=0.5 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
// Argument "suite": 0 = sha256-ed25519, 1 = sm3-sm2.
#include <benchmark/benchmark.h>

#include <vector>

#include "models/ledger/block.hpp"
#include "models/ledger/chain_verify.hpp"
#include "models/ledger/crypto_suite.hpp"
#include "models/ledger/merkle.hpp"

namespace {

using namespace ebsim::ledger;
using ebsim::market::Order;
using ebsim::market::Side;

SuiteId suite_of(const benchmark::State& state) { return static_cast<SuiteId>(state.range(0)); }

Digest seed(std::uint8_t v) {
  Digest d{};
  d.fill(v);
  return d;
}

Bytes filled(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 31 + 7);
  return b;
}

void BM_Hash(benchmark::State& state) {
  CryptoSuite suite(suite_of(state));
  const Bytes data = filled(static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(suite.hash(data));
  state.SetBytesProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_Hash)->ArgNames({"suite", "bytes"})->ArgsProduct({{0, 1}, {64, 1024, 65536}});

/** Sign a 92-byte message (a header's size); the signer's key is cached, as in a run. */
void BM_Sign(benchmark::State& state) {
  CryptoSuite suite(suite_of(state));
  const KeyPair key = suite.derive_signing_key(seed(1));
  Bytes msg = filled(92);
  std::uint8_t counter = 0;
  for (auto _ : state) {
    msg[0] = counter++;  // a different message each time (SM2 derives its nonce from it)
    benchmark::DoNotOptimize(suite.sign(key, msg));
  }
}
BENCHMARK(BM_Sign)->ArgNames({"suite"})->Arg(0)->Arg(1);

void BM_Verify(benchmark::State& state) {
  CryptoSuite suite(suite_of(state));
  const KeyPair key = suite.derive_signing_key(seed(1));
  const Bytes msg = filled(92);
  const Bytes sig = suite.sign(key, msg);
  for (auto _ : state) {
    bool ok = suite.verify(key.public_key, msg, sig);
    if (!ok) state.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Verify)->ArgNames({"suite"})->Arg(0)->Arg(1);

void BM_Encrypt(benchmark::State& state) {
  CryptoSuite suite(suite_of(state));
  const KeyPair key = suite.derive_encryption_key(seed(2));
  const Bytes plaintext = filled(static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(suite.encrypt(key.public_key, plaintext));
}
BENCHMARK(BM_Encrypt)->ArgNames({"suite", "bytes"})->ArgsProduct({{0, 1}, {400, 1 << 20}});

void BM_Decrypt(benchmark::State& state) {
  CryptoSuite suite(suite_of(state));
  const KeyPair key = suite.derive_encryption_key(seed(2));
  const Bytes ciphertext = suite.encrypt(key.public_key, filled(static_cast<std::size_t>(state.range(1))));
  for (auto _ : state) {
    auto plain = suite.decrypt(key, ciphertext);
    if (!plain) state.SkipWithError("decryption failed");
    benchmark::DoNotOptimize(plain);
  }
}
BENCHMARK(BM_Decrypt)->ArgNames({"suite", "bytes"})->ArgsProduct({{0, 1}, {400, 1 << 20}});

void BM_MerkleRoot(benchmark::State& state) {
  CryptoSuite suite(suite_of(state));
  std::vector<Digest> leaves(static_cast<std::size_t>(state.range(1)));
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    leaves[i].fill(static_cast<std::uint8_t>(i));
    leaves[i][0] = static_cast<std::uint8_t>(i >> 8);
    leaves[i][1] = static_cast<std::uint8_t>(i >> 16);
  }
  for (auto _ : state) benchmark::DoNotOptimize(merkle_root(suite, leaves));
}
BENCHMARK(BM_MerkleRoot)->ArgNames({"suite", "leaves"})->ArgsProduct({{0, 1}, {1000, 100000}})->Unit(benchmark::kMillisecond);

/** verify_chain of one block of 100 trades among 20 participants in 2 areas, every signature real
 * (200 party signatures, ~150 co-signatures, primary + 1 confirmation). */
void BM_VerifyChain100(benchmark::State& state) {
  CryptoSuite suite(suite_of(state));
  LedgerDirectory dir;
  std::vector<KeyPair> mgmt, part;
  for (std::uint8_t m = 0; m < 2; ++m) {
    mgmt.push_back(suite.derive_signing_key(seed(100 + m)));
    dir.management_keys.push_back(mgmt.back().public_key);
  }
  for (std::uint8_t p = 0; p < 20; ++p) {
    part.push_back(suite.derive_signing_key(seed(p + 1)));
    dir.participant_keys.push_back(part.back().public_key);
    dir.participant_area.push_back(p % 2);
  }
  Block block;
  block.header.primary = 0;
  block.header.timestamp_s = 900.0;
  for (std::uint32_t i = 0; i < 100; ++i) {
    BlockTransaction tx;
    TradeTx& t = tx.trade;
    t.buyer = (i * 2) % 20;
    t.seller = (i * 3 + 1) % 20;
    if (t.seller == t.buyer) t.seller = (t.seller + 1) % 20;
    t.quantity_kwh = 1.0;
    t.price_per_kwh = 0.2;
    t.seller_price_per_kwh = 0.2;
    t.buy_order = Order{2ull * i, t.buyer, 0, Side::kBuy, 2.0, 0.3, 1.0, 1.5};
    t.sell_order = Order{2ull * i + 1, t.seller, 0, Side::kSell, 1.0, 0.1, 2.0, 2.5};
    tx.buyer_signature = suite.sign(part[t.buyer], order_bytes(t.buy_order));
    tx.seller_signature = suite.sign(part[t.seller], order_bytes(t.sell_order));
    const Bytes tb = trade_bytes(t);
    for (std::uint32_t m = 0; m < 2; ++m)
      if (m == dir.participant_area[t.buyer] || m == dir.participant_area[t.seller])
        tx.management_signatures.push_back({m, suite.sign(mgmt[m], tb)});
    block.transactions.push_back(std::move(tx));
  }
  seal_merkle_root(suite, block);
  block.primary_signature = suite.sign(mgmt[0], header_bytes(block.header));
  block.confirmations = {{1, suite.sign(mgmt[1], header_bytes(block.header))}};
  const std::vector<Block> chain{block};
  for (auto _ : state) {
    auto problem = verify_chain(suite, dir, chain);
    if (problem) state.SkipWithError(problem->field.c_str());
    benchmark::DoNotOptimize(problem);
  }
}
BENCHMARK(BM_VerifyChain100)->ArgNames({"suite"})->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
