#include "models/ledger/block.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>

#include "models/ledger/merkle.hpp"

namespace ebsim::ledger {
namespace {

Bytes from_hex(std::string_view hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

/** The worked example of docs/ledger.md. */
BlockHeader example_header() {
  BlockHeader h;
  h.height = 1;
  h.previous_hash.fill(0x11);
  h.merkle_root.fill(0x22);
  h.timestamp_s = 900.5;
  h.primary = 1;
  h.interval = 3;
  h.transaction_count = 2;
  return h;
}

market::Order example_order() {
  market::Order o;
  o.id = 42;
  o.participant = 7;
  o.interval = 3;
  o.side = market::Side::kSell;
  o.quantity_kwh = 1.5;
  o.limit_price_per_kwh = 0.25;
  o.submitted_s = 12.0;
  o.arrived_s = 12.5;
  return o;
}

TradeTx example_trade() {
  TradeTx t;
  t.interval = 3;
  t.delivery_start_s = 2700.0;
  t.quantity_kwh = 1.25;
  t.price_per_kwh = 0.3;
  t.seller_price_per_kwh = 0.28;
  t.buyer = 5;
  t.seller = 7;
  t.product = Product::kRealTimePhysical;
  t.buy_order = example_order();
  t.buy_order.id = 41;
  t.buy_order.participant = 5;
  t.buy_order.side = market::Side::kBuy;
  t.buy_order.limit_price_per_kwh = 0.35;
  t.sell_order = example_order();
  return t;
}

// Expected bytes and digests computed independently with Python (docs/ledger.md "Worked example"):
//   python3 -c 'import struct,hashlib; h=struct.pack("<Q",1)+b"\x11"*32+b"\x22"*32+struct.pack("<d",900.5)
//               +struct.pack("<III",1,3,2); print(h.hex(), hashlib.sha256(h).hexdigest())'
constexpr char kHeaderHex[] =
    "0100000000000000"
    "1111111111111111111111111111111111111111111111111111111111111111"
    "2222222222222222222222222222222222222222222222222222222222222222"
    "0000000000248c40"
    "01000000"
    "03000000"
    "02000000";
constexpr char kHeaderSha256[] = "40ffb8a4b9dcd2fa663d2673006d10d89bcd391027e4980d540ed8e692126e97";
//   python3 -c 'import struct,hashlib; o=struct.pack("<QIIB",42,7,3,1)+struct.pack("<dddd",1.5,0.25,12.0,12.5);
//               print(o.hex(), hashlib.sha256(o).hexdigest())'
constexpr char kOrderHex[] =
    "2a00000000000000070000000300000001000000000000f83f000000000000d03f00000000000028400000000000002940";
constexpr char kOrderSha256[] = "361eb62bcaefcadf72f2d1a6bedb40c0db8e8d75b43c1aa44ef78237224dcc10";

TEST(BlockEncodingTest, HeaderWorkedExampleMatchesPython) {
  CryptoSuite suite(SuiteId::kSha256Ed25519);
  const Bytes hb = header_bytes(example_header());
  EXPECT_EQ(hb.size(), 92u);
  EXPECT_EQ(to_hex(hb), kHeaderHex);
  EXPECT_EQ(to_hex(block_hash(suite, example_header())), kHeaderSha256);
}

TEST(BlockEncodingTest, OrderWorkedExampleMatchesPython) {
  CryptoSuite suite(SuiteId::kSha256Ed25519);
  const Bytes ob = order_bytes(example_order());
  EXPECT_EQ(ob.size(), 49u);
  EXPECT_EQ(to_hex(ob), kOrderHex);
  EXPECT_EQ(to_hex(suite.hash(ob)), kOrderSha256);
}

// Computed by the Python reader in docs/ledger.md (trade_bytes, tx_hash), not by this code.
TEST(BlockEncodingTest, TransactionHashMatchesTheDocumentedPythonReader) {
  CryptoSuite suite(SuiteId::kSha256Ed25519);
  BlockTransaction tx;
  tx.trade = example_trade();
  tx.trade.product = Product::kForwardPhysical;
  tx.trade.buy_order.quantity_kwh = 1.5;
  tx.buyer_signature = Bytes(3, 0xaa);
  tx.management_signatures = {{0, Bytes(2, 0xcc)}, {1, Bytes(1, 0xdd)}};
  EXPECT_EQ(to_hex(trade_bytes(tx.trade)),
    "03000000000000000018a540000000000000f43f333333333333d33fec51b81e85ebd13f05000000070000000231000000"
    "2900000000000000050000000300000000000000000000f83f666666666666d63f00000000000028400000000000002940"
    "310000002a00000000000000070000000300000001000000000000f83f000000000000d03f000000000000284000000000"
    "00002940");
  EXPECT_EQ(to_hex(transaction_hash(suite, tx)), "b609dd0c19835a3317bf9559fb6e00fec2b148dffa0a760f0692154c2dce1b74");
}

TEST(BlockEncodingTest, TradeLayout) {
  const TradeTx t = example_trade();
  const Bytes tb = trade_bytes(t);
  ASSERT_EQ(tb.size(), 151u);
  // Spot-check the documented offsets.
  std::uint32_t u32 = 0;
  std::memcpy(&u32, tb.data(), 4);
  EXPECT_EQ(u32, 3u);
  double d = 0;
  std::memcpy(&d, tb.data() + 4, 8);
  EXPECT_EQ(d, 2700.0);
  std::memcpy(&d, tb.data() + 12, 8);
  EXPECT_EQ(d, 1.25);
  std::memcpy(&d, tb.data() + 20, 8);
  EXPECT_EQ(d, 0.3);
  std::memcpy(&d, tb.data() + 28, 8);
  EXPECT_EQ(d, 0.28);
  std::memcpy(&u32, tb.data() + 36, 4);
  EXPECT_EQ(u32, 5u);
  std::memcpy(&u32, tb.data() + 40, 4);
  EXPECT_EQ(u32, 7u);
  EXPECT_EQ(tb[44], 0);
  std::memcpy(&u32, tb.data() + 45, 4);
  EXPECT_EQ(u32, 49u);
  EXPECT_EQ(Bytes(tb.begin() + 49, tb.begin() + 98), order_bytes(t.buy_order));
  std::memcpy(&u32, tb.data() + 98, 4);
  EXPECT_EQ(u32, 49u);
  EXPECT_EQ(Bytes(tb.begin() + 102, tb.end()), order_bytes(t.sell_order));
  EXPECT_EQ(Bytes(tb.begin() + 102, tb.end()), from_hex(kOrderHex));
}

/** Flip bit `bit` of the value's little-endian byte `byte`. */
template <typename T>
void flip(T& v, int byte, int bit) {
  if constexpr (std::is_same_v<T, double>) {
    v = std::bit_cast<double>(std::bit_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << (8 * byte + bit)));
  } else if constexpr (std::is_enum_v<T>) {
    v = static_cast<T>(static_cast<std::underlying_type_t<T>>(v) ^ (1u << bit));
  } else {
    v = static_cast<T>(v ^ (T{1} << (8 * byte + bit)));
  }
}

template <typename T>
constexpr int size_of() {
  return static_cast<int>(sizeof(T));
}

TEST(BlockEncodingTest, EveryBitOfEveryOrderFieldChangesTheEncoding) {
  const market::Order base = example_order();
  const Bytes ref = order_bytes(base);
  int mutations = 0;
  auto each = [&](auto member) {
    using T = std::remove_cvref_t<decltype(base.*member)>;
    for (int byte = 0; byte < size_of<T>(); ++byte)
      for (int bit = 0; bit < 8; ++bit) {
        market::Order o = base;
        flip(o.*member, byte, bit);
        EXPECT_NE(order_bytes(o), ref);
        ++mutations;
      }
  };
  each(&market::Order::id);
  each(&market::Order::participant);
  each(&market::Order::interval);
  each(&market::Order::side);
  each(&market::Order::quantity_kwh);
  each(&market::Order::limit_price_per_kwh);
  each(&market::Order::submitted_s);
  each(&market::Order::arrived_s);
  EXPECT_EQ(mutations, 49 * 8);
}

TEST(BlockEncodingTest, EveryBitOfEveryTradeFieldChangesTheEncoding) {
  const TradeTx base = example_trade();
  const Bytes ref = trade_bytes(base);
  int mutations = 0;
  auto each = [&](auto member) {
    using T = std::remove_cvref_t<decltype(base.*member)>;
    for (int byte = 0; byte < size_of<T>(); ++byte)
      for (int bit = 0; bit < 8; ++bit) {
        TradeTx t = base;
        flip(t.*member, byte, bit);
        EXPECT_NE(trade_bytes(t), ref);
        ++mutations;
      }
  };
  each(&TradeTx::interval);
  each(&TradeTx::delivery_start_s);
  each(&TradeTx::quantity_kwh);
  each(&TradeTx::price_per_kwh);
  each(&TradeTx::seller_price_per_kwh);
  each(&TradeTx::buyer);
  each(&TradeTx::seller);
  each(&TradeTx::product);
  EXPECT_EQ(mutations, 45 * 8);
  // Both embedded orders are covered.
  TradeTx t = base;
  t.buy_order.arrived_s += 1.0;
  EXPECT_NE(trade_bytes(t), ref);
  t = base;
  t.sell_order.submitted_s += 1.0;
  EXPECT_NE(trade_bytes(t), ref);
  // Swapping the orders is visible.
  t = base;
  std::swap(t.buy_order, t.sell_order);
  EXPECT_NE(trade_bytes(t), ref);
}

TEST(BlockEncodingTest, EveryBitOfEveryHeaderFieldChangesTheHash) {
  CryptoSuite suite(SuiteId::kSha256Ed25519);
  const BlockHeader base = example_header();
  const Digest ref = block_hash(suite, base);
  int mutations = 0;
  auto each = [&](auto member) {
    using T = std::remove_cvref_t<decltype(base.*member)>;
    for (int byte = 0; byte < size_of<T>(); ++byte)
      for (int bit = 0; bit < 8; ++bit) {
        BlockHeader h = base;
        if constexpr (std::is_same_v<T, Digest>) (h.*member)[byte] ^= std::uint8_t(1u << bit);
        else flip(h.*member, byte, bit);
        EXPECT_NE(block_hash(suite, h), ref);
        ++mutations;
      }
  };
  each(&BlockHeader::height);
  each(&BlockHeader::previous_hash);
  each(&BlockHeader::merkle_root);
  each(&BlockHeader::timestamp_s);
  each(&BlockHeader::primary);
  each(&BlockHeader::interval);
  each(&BlockHeader::transaction_count);
  EXPECT_EQ(mutations, 92 * 8);
}

TEST(BlockEncodingTest, TransactionHashCoversSignaturesAndSealFillsHeader) {
  CryptoSuite suite(SuiteId::kSha256Ed25519);
  BlockTransaction tx;
  tx.trade = example_trade();
  tx.buyer_signature = Bytes(64, 0xaa);
  tx.seller_signature = Bytes(64, 0xbb);
  tx.management_signatures = {{0, Bytes(64, 0xcc)}, {1, Bytes(64, 0xdd)}};
  const Digest ref = transaction_hash(suite, tx);

  // Independent recomputation: H(0x00 || len||trade || len||buyer || len||seller || count || (signer, len||sig)*).
  Bytes expect{0x00};
  auto u32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) expect.push_back(std::uint8_t(v >> (8 * i))); };
  auto str = [&](const Bytes& b) { u32(std::uint32_t(b.size())); expect.insert(expect.end(), b.begin(), b.end()); };
  str(trade_bytes(tx.trade));
  str(tx.buyer_signature);
  str(tx.seller_signature);
  u32(2);
  u32(0);
  str(tx.management_signatures[0].signature);
  u32(1);
  str(tx.management_signatures[1].signature);
  EXPECT_EQ(ref, suite.hash(expect));

  auto changed = [&](auto mutate) {
    BlockTransaction t = tx;
    mutate(t);
    return transaction_hash(suite, t) != ref;
  };
  EXPECT_TRUE(changed([](BlockTransaction& t) { t.buyer_signature[63] ^= 1; }));
  EXPECT_TRUE(changed([](BlockTransaction& t) { t.seller_signature[0] ^= 1; }));
  EXPECT_TRUE(changed([](BlockTransaction& t) { t.management_signatures[1].signature[5] ^= 1; }));
  EXPECT_TRUE(changed([](BlockTransaction& t) { t.management_signatures[1].signer = 2; }));
  EXPECT_TRUE(changed([](BlockTransaction& t) { t.management_signatures.pop_back(); }));
  EXPECT_TRUE(changed([](BlockTransaction& t) { t.buyer_signature.clear(); }));
  // Moving a byte between adjacent signatures is not ambiguous (length prefixes).
  EXPECT_TRUE(changed([](BlockTransaction& t) {
    t.seller_signature.insert(t.seller_signature.begin(), t.buyer_signature.back());
    t.buyer_signature.pop_back();
  }));

  Block block;
  block.transactions = {tx, tx};
  block.transactions[1].trade.quantity_kwh = 0.5;
  seal_merkle_root(suite, block);
  EXPECT_EQ(block.header.transaction_count, 2u);
  EXPECT_EQ(block.header.merkle_root,
            merkle_root(suite, {transaction_hash(suite, block.transactions[0]), transaction_hash(suite, block.transactions[1])}));
  block.transactions.clear();
  seal_merkle_root(suite, block);
  EXPECT_EQ(block.header.transaction_count, 0u);
  EXPECT_EQ(block.header.merkle_root, suite.hash({}));
}

}  // namespace
}  // namespace ebsim::ledger
