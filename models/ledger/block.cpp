#include "models/ledger/block.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

#include "models/ledger/merkle.hpp"

namespace ebsim::ledger {
namespace {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big);

/** Appends little-endian fields (docs/ledger.md "Encodings"). */
class Writer {
 public:
  explicit Writer(std::size_t reserve) { out_.reserve(reserve); }
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u32(std::uint32_t v) { le(v, 4); }
  void u64(std::uint64_t v) { le(v, 8); }
  void f64(double v) { le(std::bit_cast<std::uint64_t>(v), 8); }
  void raw(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes(std::span<const std::uint8_t> b) {
    if (b.size() > 0xffffffffu) throw std::length_error("byte string longer than 4 GiB");
    u32(static_cast<std::uint32_t>(b.size()));
    raw(b);
  }
  Bytes take() { return std::move(out_); }

 private:
  void le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

constexpr std::size_t kOrderBytes = 49;
constexpr std::size_t kTradeBytes = 45 + 2 * (4 + kOrderBytes);
constexpr std::size_t kHeaderBytes = 92;

}  // namespace

Bytes order_bytes(const market::Order& o) {
  Writer w(kOrderBytes);
  w.u64(o.id);
  w.u32(o.participant);
  w.u32(o.interval);
  w.u8(static_cast<std::uint8_t>(o.side));
  w.f64(o.quantity_kwh);
  w.f64(o.limit_price_per_kwh);
  w.f64(o.submitted_s);
  w.f64(o.arrived_s);
  return w.take();
}

Bytes trade_bytes(const TradeTx& t) {
  Writer w(kTradeBytes);
  w.u32(t.interval);
  w.f64(t.delivery_start_s);
  w.f64(t.quantity_kwh);
  w.f64(t.price_per_kwh);
  w.f64(t.seller_price_per_kwh);
  w.u32(t.buyer);
  w.u32(t.seller);
  w.u8(static_cast<std::uint8_t>(t.product));
  w.bytes(order_bytes(t.buy_order));
  w.bytes(order_bytes(t.sell_order));
  return w.take();
}

Bytes header_bytes(const BlockHeader& h) {
  Writer w(kHeaderBytes);
  w.u64(h.height);
  w.raw(h.previous_hash);
  w.raw(h.merkle_root);
  w.f64(h.timestamp_s);
  w.u32(h.primary);
  w.u32(h.interval);
  w.u32(h.transaction_count);
  return w.take();
}

Digest transaction_hash(const CryptoSuite& suite, const BlockTransaction& tx) {
  Writer w(1 + 4 + kTradeBytes + 2 * 76 + 4 + tx.management_signatures.size() * 84);
  w.u8(0x00);
  w.bytes(trade_bytes(tx.trade));
  w.bytes(tx.buyer_signature);
  w.bytes(tx.seller_signature);
  w.u32(static_cast<std::uint32_t>(tx.management_signatures.size()));
  for (const NodeSignature& s : tx.management_signatures) {
    w.u32(s.signer);
    w.bytes(s.signature);
  }
  return suite.hash(w.take());
}

Digest block_hash(const CryptoSuite& suite, const BlockHeader& header) { return suite.hash(header_bytes(header)); }

void seal_merkle_root(const CryptoSuite& suite, Block& block) {
  std::vector<Digest> leaves;
  leaves.reserve(block.transactions.size());
  for (const BlockTransaction& tx : block.transactions) leaves.push_back(transaction_hash(suite, tx));
  block.header.merkle_root = merkle_root(suite, leaves);
  block.header.transaction_count = static_cast<std::uint32_t>(block.transactions.size());
}

}  // namespace ebsim::ledger
