#include "models/ledger/chain_verify.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>

#include "models/ledger/merkle.hpp"

namespace ebsim::ledger {
namespace {

using market::Order;
using market::Side;

Digest seed(std::uint8_t v) {
  Digest d{};
  d.fill(v);
  return d;
}

/** A valid 3-block chain: 2 management nodes, 4 participants (0, 1 in area 0; 2, 3 in area 1). */
class ChainFixture {
 public:
  explicit ChainFixture(SuiteId id) : suite(id) {
    for (std::uint8_t m = 0; m < 2; ++m) management.push_back(suite.derive_signing_key(seed(100 + m)));
    for (std::uint8_t p = 0; p < 4; ++p) participants.push_back(suite.derive_signing_key(seed(p + 1)));
    for (const KeyPair& k : management) directory.management_keys.push_back(k.public_key);
    for (const KeyPair& k : participants) directory.participant_keys.push_back(k.public_key);
    directory.participant_area = {0, 0, 1, 1};

    chain.push_back(make_block(0, 0, {trade(0, 2, 0, 1.0, 0.20), trade(1, 0, 0, 0.5, 0.18)}));
    chain.push_back(make_block(1, 1, {trade(3, 2, 1, 2.0, 0.22)}));
    chain.push_back(make_block(2, 0, {trade(2, 1, 2, 0.75, 0.25), trade(0, 3, 2, 1.25, 0.24)}));
    relink_from(0);
  }

  BlockTransaction trade(ParticipantId buyer, ParticipantId seller, IntervalIndex interval, double q, double price) {
    BlockTransaction tx;
    TradeTx& t = tx.trade;
    t.interval = interval;
    t.delivery_start_s = 900.0 * (interval + 1);
    t.quantity_kwh = q;
    t.price_per_kwh = price;
    t.seller_price_per_kwh = price - 0.01;
    t.buyer = buyer;
    t.seller = seller;
    t.buy_order = Order{next_order_++, buyer, interval, Side::kBuy, q + 0.5, price + 0.05, 10.0 + interval, 10.25 + interval};
    t.sell_order = Order{next_order_++, seller, interval, Side::kSell, q, price - 0.05, 11.0 + interval, 11.5 + interval};
    tx.buyer_signature = suite.sign(participants[buyer], order_bytes(t.buy_order));
    tx.seller_signature = suite.sign(participants[seller], order_bytes(t.sell_order));
    cosign(tx);
    return tx;
  }

  /** Co-signatures of the buyer's and the seller's areas, ascending. */
  void cosign(BlockTransaction& tx) {
    tx.management_signatures.clear();
    const std::uint32_t a = directory.participant_area[tx.trade.buyer], b = directory.participant_area[tx.trade.seller];
    const Bytes tb = trade_bytes(tx.trade);
    for (std::uint32_t m = 0; m < 2; ++m)
      if (m == a || m == b) tx.management_signatures.push_back({m, suite.sign(management[m], tb)});
  }

  Block make_block(std::uint64_t height, std::uint32_t primary, std::vector<BlockTransaction> txs) {
    Block b;
    b.header.height = height;
    b.header.timestamp_s = 1000.0 + 900.0 * height;
    b.header.primary = primary;
    b.header.interval = static_cast<IntervalIndex>(height);
    b.transactions = std::move(txs);
    b.confirmations = {{1 - primary, {}}};
    return b;
  }

  /** Re-seal and re-sign blocks from `from` on (what a dishonest primary would do). */
  void relink_from(std::size_t from) {
    for (std::size_t k = from; k < chain.size(); ++k) {
      Block& b = chain[k];
      b.header.previous_hash = k == 0 ? Digest{} : block_hash(suite, chain[k - 1].header);
      seal_merkle_root(suite, b);
      resign_header(b);
    }
  }

  void resign_header(Block& b) {
    const Bytes hb = header_bytes(b.header);
    if (b.header.primary < management.size()) b.primary_signature = suite.sign(management[b.header.primary], hb);
    for (NodeSignature& c : b.confirmations)
      if (c.signer < management.size()) c.signature = suite.sign(management[c.signer], hb);
  }

  std::optional<ChainProblem> verify() const { return verify_chain(suite, directory, chain); }

  CryptoSuite suite;
  std::vector<KeyPair> management, participants;
  LedgerDirectory directory;
  std::vector<Block> chain;

 private:
  OrderId next_order_ = 1;
};

/** Flip bit (byte % 8) of the byte at `byte` of v's (little-endian) object representation. */
template <typename T>
void flip_byte(T& v, int byte) {
  unsigned char raw[sizeof(T)];
  std::memcpy(raw, &v, sizeof(T));
  raw[byte] ^= static_cast<unsigned char>(1u << (byte % 8));
  std::memcpy(&v, raw, sizeof(T));
}

struct Mutation {
  std::uint64_t block;
  std::int64_t transaction;  // -1: header or block signatures
  std::string name;
  std::function<void(std::vector<Block>&)> apply;
};

using Chain = std::vector<Block>;

class MutationList {
 public:
  template <typename Get>
  void field(std::uint64_t b, std::int64_t tx, const std::string& name, Get get) {
    using T = std::remove_cvref_t<decltype(get(std::declval<Chain&>()))>;
    for (int byte = 0; byte < static_cast<int>(sizeof(T)); ++byte)
      out.push_back({b, tx, name + " byte " + std::to_string(byte), [get, byte](Chain& c) { flip_byte(get(c), byte); }});
  }
  template <typename Get>
  void bytes(std::uint64_t b, std::int64_t tx, const std::string& name, std::size_t size, Get get) {
    for (std::size_t i = 0; i < size; ++i)
      out.push_back({b, tx, name + " byte " + std::to_string(i),
                     [get, i](Chain& c) { get(c)[i] ^= static_cast<std::uint8_t>(1u << (i % 8)); }});
  }
  template <typename GetOrder>
  void order(std::uint64_t b, std::int64_t tx, const std::string& name, GetOrder o) {
    field(b, tx, name + ".id", [o](Chain& c) -> auto& { return o(c).id; });
    field(b, tx, name + ".participant", [o](Chain& c) -> auto& { return o(c).participant; });
    field(b, tx, name + ".interval", [o](Chain& c) -> auto& { return o(c).interval; });
    field(b, tx, name + ".side", [o](Chain& c) -> auto& { return o(c).side; });
    field(b, tx, name + ".quantity_kwh", [o](Chain& c) -> auto& { return o(c).quantity_kwh; });
    field(b, tx, name + ".limit_price_per_kwh", [o](Chain& c) -> auto& { return o(c).limit_price_per_kwh; });
    field(b, tx, name + ".submitted_s", [o](Chain& c) -> auto& { return o(c).submitted_s; });
    field(b, tx, name + ".arrived_s", [o](Chain& c) -> auto& { return o(c).arrived_s; });
  }
  std::vector<Mutation> out;
};

/** Every byte of every header field and block signature. */
std::vector<Mutation> header_mutations(const Chain& chain) {
  MutationList m;
  for (std::uint64_t b = 0; b < chain.size(); ++b) {
    m.field(b, -1, "header.height", [b](Chain& c) -> auto& { return c[b].header.height; });
    m.field(b, -1, "header.previous_hash", [b](Chain& c) -> auto& { return c[b].header.previous_hash; });
    m.field(b, -1, "header.merkle_root", [b](Chain& c) -> auto& { return c[b].header.merkle_root; });
    m.field(b, -1, "header.timestamp_s", [b](Chain& c) -> auto& { return c[b].header.timestamp_s; });
    m.field(b, -1, "header.primary", [b](Chain& c) -> auto& { return c[b].header.primary; });
    m.field(b, -1, "header.interval", [b](Chain& c) -> auto& { return c[b].header.interval; });
    m.field(b, -1, "header.transaction_count", [b](Chain& c) -> auto& { return c[b].header.transaction_count; });
    m.bytes(b, -1, "primary_signature", chain[b].primary_signature.size(),
            [b](Chain& c) -> Bytes& { return c[b].primary_signature; });
    for (std::size_t k = 0; k < chain[b].confirmations.size(); ++k) {
      const std::string name = "confirmations[" + std::to_string(k) + "]";
      m.field(b, -1, name + ".signer", [b, k](Chain& c) -> auto& { return c[b].confirmations[k].signer; });
      m.bytes(b, -1, name, chain[b].confirmations[k].signature.size(),
              [b, k](Chain& c) -> Bytes& { return c[b].confirmations[k].signature; });
    }
  }
  return m.out;
}

/** Every byte of every transaction field (trade, both orders, every signature). */
std::vector<Mutation> transaction_mutations(const Chain& chain) {
  MutationList m;
  for (std::uint64_t b = 0; b < chain.size(); ++b) {
    for (std::size_t i = 0; i < chain[b].transactions.size(); ++i) {
      const auto tx = static_cast<std::int64_t>(i);
      const BlockTransaction& t = chain[b].transactions[i];
      auto trade = [b, i](Chain& c) -> TradeTx& { return c[b].transactions[i].trade; };
      m.field(b, tx, "trade.interval", [trade](Chain& c) -> auto& { return trade(c).interval; });
      m.field(b, tx, "trade.delivery_start_s", [trade](Chain& c) -> auto& { return trade(c).delivery_start_s; });
      m.field(b, tx, "trade.quantity_kwh", [trade](Chain& c) -> auto& { return trade(c).quantity_kwh; });
      m.field(b, tx, "trade.price_per_kwh", [trade](Chain& c) -> auto& { return trade(c).price_per_kwh; });
      m.field(b, tx, "trade.seller_price_per_kwh", [trade](Chain& c) -> auto& { return trade(c).seller_price_per_kwh; });
      m.field(b, tx, "trade.buyer", [trade](Chain& c) -> auto& { return trade(c).buyer; });
      m.field(b, tx, "trade.seller", [trade](Chain& c) -> auto& { return trade(c).seller; });
      m.field(b, tx, "trade.product", [trade](Chain& c) -> auto& { return trade(c).product; });
      m.order(b, tx, "trade.buy_order", [trade](Chain& c) -> Order& { return trade(c).buy_order; });
      m.order(b, tx, "trade.sell_order", [trade](Chain& c) -> Order& { return trade(c).sell_order; });
      m.bytes(b, tx, "buyer_signature", t.buyer_signature.size(),
              [b, i](Chain& c) -> Bytes& { return c[b].transactions[i].buyer_signature; });
      m.bytes(b, tx, "seller_signature", t.seller_signature.size(),
              [b, i](Chain& c) -> Bytes& { return c[b].transactions[i].seller_signature; });
      for (std::size_t k = 0; k < t.management_signatures.size(); ++k) {
        const std::string name = "management_signatures[" + std::to_string(k) + "]";
        m.field(b, tx, name + ".signer",
                [b, i, k](Chain& c) -> auto& { return c[b].transactions[i].management_signatures[k].signer; });
        m.bytes(b, tx, name, t.management_signatures[k].signature.size(),
                [b, i, k](Chain& c) -> Bytes& { return c[b].transactions[i].management_signatures[k].signature; });
      }
    }
  }
  return m.out;
}

class ChainVerifyTest : public ::testing::TestWithParam<SuiteId> {
 protected:
  /** SM2 verification is ~4x slower than Ed25519: its byte sweeps take every 3rd mutation (still
   * every field, at varied byte positions) to keep the suite fast; Ed25519 sweeps take all. */
  std::size_t stride() const { return GetParam() == SuiteId::kSm3Sm2 ? 3 : 1; }
};

TEST_P(ChainVerifyTest, ValidChainVerifies) {
  ChainFixture f(GetParam());
  const auto problem = f.verify();
  EXPECT_FALSE(problem.has_value()) << problem->field << ": " << problem->what;
  // Block by block too.
  for (std::size_t k = 0; k < f.chain.size(); ++k)
    EXPECT_FALSE(verify_block(f.suite, f.directory, f.chain[k], k ? &f.chain[k - 1].header : nullptr, k).has_value());
  EXPECT_EQ(f.chain[0].header.previous_hash, Digest{});
  EXPECT_EQ(f.chain[2].header.transaction_count, 2u);
  // An empty chain is trivially valid.
  EXPECT_FALSE(verify_chain(f.suite, f.directory, {}).has_value());
}

TEST_P(ChainVerifyTest, EveryHeaderAndBlockSignatureByteIsCovered) {
  ChainFixture f(GetParam());
  const Chain original = f.chain;
  const auto mutations = header_mutations(original);
  ASSERT_GT(mutations.size(), 3u * (92u + 64u));
  for (std::size_t n = 0; n < mutations.size(); n += stride()) {
    const Mutation& m = mutations[n];
    f.chain = original;
    m.apply(f.chain);
    const auto problem = f.verify();
    ASSERT_TRUE(problem.has_value()) << m.name << " of block " << m.block;
    EXPECT_EQ(problem->block, m.block) << m.name << " -> " << problem->field;
    EXPECT_EQ(problem->transaction, -1) << m.name << " -> " << problem->field;
    // The field named is the one mutated, except that header fields other than the link and the
    // transaction summary are caught by the primary's signature.
    const std::string& field = problem->field;
    const bool by_signature = field == "primary_signature" || field == "header.primary";
    if (m.name.starts_with("header.height") || m.name.starts_with("header.previous_hash") ||
        m.name.starts_with("header.merkle_root") || m.name.starts_with("header.transaction_count"))
      EXPECT_TRUE(m.name.starts_with(field)) << m.name << " -> " << field;
    else if (m.name.starts_with("header."))
      EXPECT_TRUE(by_signature) << m.name << " -> " << field;
    else
      EXPECT_TRUE(m.name.starts_with(field)) << m.name << " -> " << field;
  }
}

TEST_P(ChainVerifyTest, EveryTransactionByteIsCoveredByTheMerkleRoot) {
  ChainFixture f(GetParam());
  const Chain original = f.chain;
  const auto mutations = transaction_mutations(original);
  ASSERT_GT(mutations.size(), 5u * (45u + 98u + 128u + 64u));
  for (std::size_t n = 0; n < mutations.size(); n += stride()) {
    const Mutation& m = mutations[n];
    f.chain = original;
    m.apply(f.chain);
    const auto problem = f.verify();
    ASSERT_TRUE(problem.has_value()) << m.name << " of block " << m.block;
    EXPECT_EQ(problem->block, m.block) << m.name;
    EXPECT_EQ(problem->field, "header.merkle_root") << m.name;
  }
}

TEST_P(ChainVerifyTest, EveryTransactionByteIsCoveredBySignaturesOrChecksEvenWhenResealed) {
  // A dishonest primary that re-seals the Merkle root and re-signs every header after changing a
  // transaction is still caught, at that transaction.
  ChainFixture f(GetParam());
  const Chain original = f.chain;
  const auto mutations = transaction_mutations(original);
  for (std::size_t n = 0; n < mutations.size(); n += stride()) {
    const Mutation& m = mutations[n];
    f.chain = original;
    m.apply(f.chain);
    f.relink_from(m.block);
    const auto problem = f.verify();
    ASSERT_TRUE(problem.has_value()) << m.name << " of block " << m.block;
    EXPECT_EQ(problem->block, m.block) << m.name << " -> " << problem->field;
    EXPECT_EQ(problem->transaction, m.transaction) << m.name << " -> " << problem->field;
    const std::string prefix = "transactions[" + std::to_string(m.transaction) + "].";
    EXPECT_TRUE(problem->field.starts_with(prefix)) << m.name << " -> " << problem->field;
  }
}

TEST_P(ChainVerifyTest, EveryDirectoryKeyByteIsCovered) {
  ChainFixture f(GetParam());
  const LedgerDirectory original = f.directory;
  // First block each key signs something in: participant 3 first trades in block 1.
  const std::uint64_t participant_first[] = {0, 0, 0, 1};
  for (std::size_t p = 0; p < original.participant_keys.size(); ++p)
    for (std::size_t i = 0; i < original.participant_keys[p].size(); ++i) {
      f.directory = original;
      f.directory.participant_keys[p][i] ^= static_cast<std::uint8_t>(1u << (i % 8));
      const auto problem = f.verify();
      ASSERT_TRUE(problem.has_value()) << "participant " << p << " key byte " << i;
      EXPECT_EQ(problem->block, participant_first[p]);
      EXPECT_TRUE(problem->field.ends_with("buyer_signature") || problem->field.ends_with("seller_signature"))
          << problem->field;
    }
  for (std::size_t m = 0; m < original.management_keys.size(); ++m)
    for (std::size_t i = 0; i < original.management_keys[m].size(); ++i) {
      f.directory = original;
      f.directory.management_keys[m][i] ^= static_cast<std::uint8_t>(1u << (i % 8));
      const auto problem = f.verify();
      ASSERT_TRUE(problem.has_value()) << "management " << m << " key byte " << i;
      EXPECT_EQ(problem->block, 0u);
      EXPECT_EQ(problem->field, m == 0 ? "primary_signature" : "confirmations[0]");
    }
}

TEST_P(ChainVerifyTest, HeaderProblemsAreNamedPrecisely) {
  {
    ChainFixture f(GetParam());
    std::swap(f.chain[1], f.chain[2]);
    auto p = f.verify();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->block, 1u);
    EXPECT_EQ(p->field, "header.height");
  }
  {
    ChainFixture f(GetParam());
    f.chain[1].header.previous_hash[0] ^= 1;
    f.resign_header(f.chain[1]);
    auto p = f.verify();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->block, 1u);
    EXPECT_EQ(p->field, "header.previous_hash");
  }
  {
    ChainFixture f(GetParam());
    f.chain[0].header.previous_hash[31] = 1;  // the first block must link to zeros
    auto p = f.verify();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->block, 0u);
    EXPECT_EQ(p->field, "header.previous_hash");
  }
  {
    ChainFixture f(GetParam());
    f.chain[2].transactions.pop_back();  // header still counts 2
    auto p = f.verify();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->block, 2u);
    EXPECT_EQ(p->field, "header.transaction_count");
  }
  {
    ChainFixture f(GetParam());
    f.chain[1].header.primary = 2;
    auto p = f.verify();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->block, 1u);
    EXPECT_EQ(p->field, "header.primary");
  }
  {
    ChainFixture f(GetParam());
    f.chain[1].confirmations = {{1, {}}, {0, {}}};  // descending
    f.relink_from(1);
    auto p = f.verify();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->block, 1u);
    EXPECT_EQ(p->field, "confirmations[1].signer");
  }
  {
    ChainFixture f(GetParam());
    f.chain[1].confirmations = {{0, {}}, {0, {}}};  // duplicate
    f.relink_from(1);
    auto p = f.verify();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->field, "confirmations[1].signer");
  }
  {
    ChainFixture f(GetParam());
    f.chain[1].confirmations = {{5, {}}};  // unknown node
    f.relink_from(1);
    auto p = f.verify();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->field, "confirmations[0].signer");
  }
  {
    ChainFixture f(GetParam());
    f.chain[1].confirmations.clear();  // confirmations are optional; those present must verify
    f.relink_from(1);
    EXPECT_FALSE(f.verify().has_value());
  }
}

TEST_P(ChainVerifyTest, TransactionRuleViolationsAreNamedPrecisely) {
  struct Case {
    std::string field;
    std::function<void(ChainFixture&, BlockTransaction&)> mutate;
  };
  const std::vector<Case> cases = {
      {"trade.buyer", [](ChainFixture&, BlockTransaction& t) { t.trade.buyer = 4; }},
      {"trade.seller", [](ChainFixture&, BlockTransaction& t) { t.trade.seller = 99; }},
      {"trade.buy_order.participant", [](ChainFixture&, BlockTransaction& t) { t.trade.buyer = 1; }},
      {"trade.sell_order.side", [](ChainFixture&, BlockTransaction& t) { t.trade.sell_order.side = Side::kBuy; }},
      {"trade.buy_order.interval", [](ChainFixture&, BlockTransaction& t) { t.trade.buy_order.interval = 7; }},
      {"trade.quantity_kwh", [](ChainFixture&, BlockTransaction& t) { t.trade.quantity_kwh = 0.0; }},
      {"trade.quantity_kwh", [](ChainFixture&, BlockTransaction& t) { t.trade.quantity_kwh = -1.0; }},
      {"trade.quantity_kwh",
       [](ChainFixture&, BlockTransaction& t) { t.trade.quantity_kwh = t.trade.sell_order.quantity_kwh + 0.01; }},
      {"trade.price_per_kwh",
       [](ChainFixture&, BlockTransaction& t) { t.trade.price_per_kwh = t.trade.buy_order.limit_price_per_kwh + 0.001; }},
      {"trade.seller_price_per_kwh",
       [](ChainFixture&, BlockTransaction& t) {
         t.trade.seller_price_per_kwh = t.trade.sell_order.limit_price_per_kwh - 0.001;
       }},
      {"buyer_signature",
       [](ChainFixture& f, BlockTransaction& t) { t.buyer_signature = f.suite.sign(f.participants[1], order_bytes(t.trade.buy_order)); }},
      {"seller_signature", [](ChainFixture&, BlockTransaction& t) { t.seller_signature.clear(); }},
      {"management_signatures[1]",
       [](ChainFixture& f, BlockTransaction& t) { t.management_signatures[1].signature = t.management_signatures[0].signature; }},
      {"management_signatures[1].signer",
       [](ChainFixture&, BlockTransaction& t) { t.management_signatures[1].signer = 0; }},
      {"management_signatures[0].signer",
       [](ChainFixture&, BlockTransaction& t) { t.management_signatures[0].signer = 2; }},
  };
  for (const Case& c : cases) {
    ChainFixture f(GetParam());
    // Block 2, transaction 1: buyer 0 (area 0) buys from seller 3 (area 1).
    BlockTransaction& tx = f.chain[2].transactions[1];
    c.mutate(f, tx);
    // Co-sign the changed trade unless the case is about the co-signatures themselves.
    if (!c.field.starts_with("management_signatures") && tx.trade.buyer < 4 && tx.trade.seller < 4) f.cosign(tx);
    f.relink_from(2);
    const auto p = f.verify();
    ASSERT_TRUE(p.has_value()) << c.field;
    EXPECT_EQ(p->block, 2u) << c.field;
    EXPECT_EQ(p->transaction, 1) << c.field;
    EXPECT_EQ(p->field, "transactions[1]." + c.field) << p->what;
    EXPECT_FALSE(p->what.empty());
  }
}

TEST_P(ChainVerifyTest, MissingCoSignatureFromTheSellersAreaIsRejected) {
  ChainFixture f(GetParam());
  // Block 0, transaction 0: buyer 0 (area 0) buys from seller 2 (area 1); drop node 1's co-signature.
  BlockTransaction& tx = f.chain[0].transactions[0];
  ASSERT_EQ(tx.management_signatures.size(), 2u);
  tx.management_signatures.pop_back();
  f.relink_from(0);
  const auto p = f.verify();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->block, 0u);
  EXPECT_EQ(p->transaction, 0);
  EXPECT_EQ(p->field, "transactions[0].management_signatures");
  EXPECT_NE(p->what.find("seller"), std::string::npos) << p->what;
  // And the buyer's.
  ChainFixture g(GetParam());
  g.chain[0].transactions[0].management_signatures.erase(g.chain[0].transactions[0].management_signatures.begin());
  g.relink_from(0);
  const auto q = g.verify();
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->field, "transactions[0].management_signatures");
  EXPECT_NE(q->what.find("buyer"), std::string::npos) << q->what;
  // An intra-area trade needs exactly its one area: a second co-signature is rejected.
  ChainFixture h(GetParam());
  BlockTransaction& intra = h.chain[0].transactions[1];  // buyer 1, seller 0: area 0 only
  intra.management_signatures.push_back({1, h.suite.sign(h.management[1], trade_bytes(intra.trade))});
  h.relink_from(0);
  const auto r = h.verify();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->field, "transactions[1].management_signatures[1].signer");
}

TEST_P(ChainVerifyTest, ModeledModeAcceptsAbsentPartySignaturesOnly) {
  ChainFixture f(GetParam());
  f.directory.participant_signatures = false;
  // Real signatures are still accepted in modeled mode.
  EXPECT_FALSE(f.verify().has_value());
  for (Block& b : f.chain)
    for (BlockTransaction& tx : b.transactions) {
      tx.buyer_signature.clear();
      tx.seller_signature.clear();
    }
  f.relink_from(0);
  EXPECT_FALSE(f.verify().has_value());
  // Modeled directories may have no participant keys at all.
  for (Bytes& k : f.directory.participant_keys) k.clear();
  EXPECT_FALSE(f.verify().has_value());
  // ... or no key list (what a modeled run's directory holds): participants are known by area.
  f.directory.participant_keys.clear();
  EXPECT_FALSE(f.verify().has_value());
  // A non-empty signature must verify even in modeled mode.
  f.directory = ChainFixture(GetParam()).directory;
  f.directory.participant_signatures = false;
  f.chain[1].transactions[0].seller_signature = Bytes(64, 0x42);
  f.relink_from(1);
  auto p = f.verify();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->block, 1u);
  EXPECT_EQ(p->field, "transactions[0].seller_signature");
  // Management co-signatures stay mandatory in modeled mode.
  f.chain[1].transactions[0].seller_signature.clear();
  f.chain[1].transactions[0].management_signatures.clear();
  f.relink_from(1);
  p = f.verify();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->field, "transactions[0].management_signatures");
  // With real participant crypto, absent signatures are rejected.
  ChainFixture g(GetParam());
  g.chain[1].transactions[0].buyer_signature.clear();
  g.relink_from(1);
  p = g.verify();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->field, "transactions[0].buyer_signature");
}

TEST_P(ChainVerifyTest, DeterministicAcrossInstances) {
  ChainFixture a(GetParam()), b(GetParam());
  ASSERT_EQ(a.chain.size(), b.chain.size());
  for (std::size_t k = 0; k < a.chain.size(); ++k) {
    EXPECT_EQ(block_hash(a.suite, a.chain[k].header), block_hash(b.suite, b.chain[k].header));
    EXPECT_EQ(a.chain[k].primary_signature, b.chain[k].primary_signature);
    EXPECT_EQ(a.chain[k].transactions[0].management_signatures[0].signature,
              b.chain[k].transactions[0].management_signatures[0].signature);
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, ChainVerifyTest, ::testing::Values(SuiteId::kSha256Ed25519, SuiteId::kSm3Sm2),
                         [](const auto& info) { return std::string(info.param == SuiteId::kSha256Ed25519 ? "Sha256Ed25519" : "Sm3Sm2"); });

}  // namespace
}  // namespace ebsim::ledger
