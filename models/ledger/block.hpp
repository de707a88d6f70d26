#pragma once
/** The consortium chain's block (seed 003 Fig. 3; SPEC §4 "Block structure") and its canonical
 * byte encodings. Every hash and signature is over these encodings (little-endian integers,
 * IEEE-754 doubles as their 8 little-endian bytes, byte strings prefixed by a u32 length), so a
 * trace reader can recompute them exactly (`ebsim verify`, docs/ledger.md). */
#include <cstdint>
#include <vector>

#include "models/core/ids.hpp"
#include "models/ledger/crypto_suite.hpp"
#include "models/market/order.hpp"

namespace ebsim::ledger {

/** What kind of energy contract a trade is (SPEC §4). ebsim's markets trade real-time physical energy. */
enum class Product : std::uint8_t {
  kRealTimePhysical = 0,
  kRealTimeFinancial = 1,
  kForwardPhysical = 2,    // medium/long-term
  kForwardFinancial = 3,
};

/** A management node's signature. */
struct NodeSignature {
  std::uint32_t signer = 0;  // management node index (0-based, scenario order)
  Bytes signature;
};

/** One cleared trade as the chain records it. */
struct TradeTx {
  IntervalIndex interval = 0;        // delivery interval
  double delivery_start_s = 0.0;     // simulated time delivery starts
  double quantity_kwh = 0.0;
  double price_per_kwh = 0.0;        // what the buyer pays
  double seller_price_per_kwh = 0.0; // what the seller receives (differs under nodal pricing)
  ParticipantId buyer = 0;
  ParticipantId seller = 0;
  Product product = Product::kRealTimePhysical;
  market::Order buy_order;           // the orders as their owners signed them
  market::Order sell_order;
};

/** A transaction: the trade, the parties' signatures of their orders, and the co-signatures of
 * every management node whose area the trade touches (the buyer's and the seller's), in
 * ascending signer order. With `crypto: modeled` the parties' signatures are empty (their cost
 * was charged, the work not done); management-node signatures are always real. */
struct BlockTransaction {
  TradeTx trade;
  Bytes buyer_signature;    // over order_bytes(trade.buy_order)
  Bytes seller_signature;   // over order_bytes(trade.sell_order)
  std::vector<NodeSignature> management_signatures;  // over trade_bytes(trade)
};

struct BlockHeader {
  std::uint64_t height = 0;       // genesis is 0
  Digest previous_hash{};         // block_hash of the block at height - 1; zeros for genesis
  Digest merkle_root{};           // of the transactions' hashes
  double timestamp_s = 0.0;       // simulated time the primary formed the block
  std::uint32_t primary = 0;      // management node index that formed it
  IntervalIndex interval = 0;     // delivery interval whose round this block closes
  std::uint32_t transaction_count = 0;
};

/** A block: header, transactions, the primary's signature of the header, and the co-signatures
 * of the management nodes that checked it before it became final (ascending signer order). */
struct Block {
  BlockHeader header;
  std::vector<BlockTransaction> transactions;
  Bytes primary_signature;                          // over header_bytes(header)
  std::vector<NodeSignature> confirmations;          // over header_bytes(header)
};

/** Canonical encodings (what is hashed and signed). */
Bytes order_bytes(const market::Order& order);
Bytes trade_bytes(const TradeTx& trade);
Bytes header_bytes(const BlockHeader& header);

/** H(0x00 || trade_bytes || buyer_signature || seller_signature || management signatures),
 * byte strings length-prefixed: every byte of a transaction is under the Merkle root. */
Digest transaction_hash(const CryptoSuite& suite, const BlockTransaction& tx);
/** H(header_bytes(header)): what the next block links to. */
Digest block_hash(const CryptoSuite& suite, const BlockHeader& header);
/** Fill header.merkle_root and header.transaction_count from the transactions. */
void seal_merkle_root(const CryptoSuite& suite, Block& block);

}  // namespace ebsim::ledger
