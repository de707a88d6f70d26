#include "models/ledger/chain_verify.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/ledger/merkle.hpp"

namespace ebsim::ledger {
namespace {

using market::Side;

/** Builds the problems of one block at `position`. */
class BlockCheck {
 public:
  BlockCheck(std::uint64_t position) : position_(position) {}

  ChainProblem header(std::string field, std::string what) const {
    return ChainProblem{position_, -1, std::move(field), std::move(what)};
  }
  ChainProblem tx(std::size_t index, const std::string& field, std::string what) const {
    return ChainProblem{position_, static_cast<std::int64_t>(index),
                        "transactions[" + std::to_string(index) + "]." + field, std::move(what)};
  }

 private:
  std::uint64_t position_;
};

bool is_zero(const Digest& d) {
  return std::all_of(d.begin(), d.end(), [](std::uint8_t b) { return b == 0; });
}

std::string idx(const char* name, std::size_t i) { return std::string(name) + "[" + std::to_string(i) + "]"; }

/** The checks of one order against its trade; "" if fine. */
std::optional<std::pair<std::string, std::string>> check_order(const TradeTx& t, const market::Order& o,
                                                               const char* name, ParticipantId owner, Side side) {
  const std::string prefix = std::string("trade.") + name;
  if (o.participant != owner)
    return std::pair{prefix + ".participant", std::string("the ") + name + " is not the " +
                                                  (side == Side::kBuy ? "buyer's" : "seller's")};
  if (o.side != side) return std::pair{prefix + ".side", std::string("the ") + name + " has the wrong side"};
  if (o.interval != t.interval)
    return std::pair{prefix + ".interval", std::string("the ") + name + " is for another delivery interval"};
  return std::nullopt;
}

}  // namespace

std::optional<ChainProblem> verify_block(const CryptoSuite& suite, const LedgerDirectory& dir, const Block& block,
                                         const BlockHeader* previous, std::uint64_t position) {
  const BlockCheck at(position);
  const BlockHeader& h = block.header;
  const std::size_t n_mgmt = dir.management_keys.size();

  // 1. Height and link.
  if (h.height != position)
    return at.header("header.height", "height " + std::to_string(h.height) + " at chain position " + std::to_string(position));
  if (previous == nullptr) {
    if (!is_zero(h.previous_hash)) return at.header("header.previous_hash", "the first block must link to zeros");
  } else if (h.previous_hash != block_hash(suite, *previous)) {
    return at.header("header.previous_hash", "does not match the hash of the previous block's header");
  }

  // 2. Transactions under the header.
  if (h.transaction_count != block.transactions.size())
    return at.header("header.transaction_count", "header says " + std::to_string(h.transaction_count) +
                                                     " transactions, the block holds " +
                                                     std::to_string(block.transactions.size()));
  std::vector<Digest> leaves;
  leaves.reserve(block.transactions.size());
  for (const BlockTransaction& tx : block.transactions) leaves.push_back(transaction_hash(suite, tx));
  if (h.merkle_root != merkle_root(suite, leaves))
    return at.header("header.merkle_root", "does not match the Merkle root of the block's transactions");

  // 3. Block signatures over the header.
  const Bytes hb = header_bytes(h);
  if (h.primary >= n_mgmt) return at.header("header.primary", "unknown management node " + std::to_string(h.primary));
  if (!suite.verify(dir.management_keys[h.primary], hb, block.primary_signature))
    return at.header("primary_signature", "the primary's signature of the header does not verify");
  for (std::size_t k = 0; k < block.confirmations.size(); ++k) {
    const NodeSignature& c = block.confirmations[k];
    if (c.signer >= n_mgmt)
      return at.header(idx("confirmations", k) + ".signer", "unknown management node " + std::to_string(c.signer));
    if (k > 0 && c.signer <= block.confirmations[k - 1].signer)
      return at.header(idx("confirmations", k) + ".signer", "confirmations not in strictly ascending signer order");
    if (!suite.verify(dir.management_keys[c.signer], hb, c.signature))
      return at.header(idx("confirmations", k), "management node " + std::to_string(c.signer) +
                                                    "'s confirmation does not verify");
  }

  // 4. Transactions.
  // Participants are those with an area; their keys are on file only with real participant
  // crypto (modeled runs generate none), so a signature is checked against a key only if present.
  const std::size_t n_part = dir.participant_area.size();
  const auto party_signature_ok = [&](ParticipantId who, const market::Order& order, const Bytes& signature) {
    if (who >= dir.participant_keys.size()) return false;
    return suite.verify(dir.participant_keys[who], order_bytes(order), signature);
  };
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    const BlockTransaction& tx = block.transactions[i];
    const TradeTx& t = tx.trade;
    if (t.buyer >= n_part) return at.tx(i, "trade.buyer", "unknown participant " + std::to_string(t.buyer));
    if (t.seller >= n_part) return at.tx(i, "trade.seller", "unknown participant " + std::to_string(t.seller));
    if (auto bad = check_order(t, t.buy_order, "buy_order", t.buyer, Side::kBuy)) return at.tx(i, bad->first, bad->second);
    if (auto bad = check_order(t, t.sell_order, "sell_order", t.seller, Side::kSell))
      return at.tx(i, bad->first, bad->second);
    if (!(t.quantity_kwh > 0.0) || !(t.quantity_kwh <= t.buy_order.quantity_kwh) ||
        !(t.quantity_kwh <= t.sell_order.quantity_kwh))
      return at.tx(i, "trade.quantity_kwh", "quantity must be > 0 and within both orders' quantities");
    if (!(t.price_per_kwh <= t.buy_order.limit_price_per_kwh) || !std::isfinite(t.price_per_kwh))
      return at.tx(i, "trade.price_per_kwh", "the buyer's price exceeds the buy order's limit");
    if (!(t.seller_price_per_kwh >= t.sell_order.limit_price_per_kwh) || !std::isfinite(t.seller_price_per_kwh))
      return at.tx(i, "trade.seller_price_per_kwh", "the seller's price is below the sell order's limit");

    // Parties' signatures: required with real participant crypto; in modeled mode an absent
    // signature is accepted, but one that is present must still verify.
    const bool need = dir.participant_signatures;
    if ((need || !tx.buyer_signature.empty()) && !party_signature_ok(t.buyer, t.buy_order, tx.buyer_signature))
      return at.tx(i, "buyer_signature", "the buyer's signature of the buy order does not verify");
    if ((need || !tx.seller_signature.empty()) && !party_signature_ok(t.seller, t.sell_order, tx.seller_signature))
      return at.tx(i, "seller_signature", "the seller's signature of the sell order does not verify");

    // Co-signatures: exactly the management nodes of the buyer's and the seller's areas, ascending.
    const std::uint32_t buyer_area = dir.participant_area[t.buyer];
    const std::uint32_t seller_area = dir.participant_area[t.seller];
    const Bytes tb = trade_bytes(t);
    for (std::size_t k = 0; k < tx.management_signatures.size(); ++k) {
      const NodeSignature& s = tx.management_signatures[k];
      const std::string field = idx("management_signatures", k);
      if (s.signer >= n_mgmt) return at.tx(i, field + ".signer", "unknown management node " + std::to_string(s.signer));
      if (k > 0 && s.signer <= tx.management_signatures[k - 1].signer)
        return at.tx(i, field + ".signer", "co-signatures not in strictly ascending signer order");
      if (s.signer != buyer_area && s.signer != seller_area)
        return at.tx(i, field + ".signer", "management node " + std::to_string(s.signer) +
                                               " is neither the buyer's nor the seller's area");
      if (!suite.verify(dir.management_keys[s.signer], tb, s.signature))
        return at.tx(i, field, "management node " + std::to_string(s.signer) + "'s co-signature does not verify");
    }
    const auto has = [&](std::uint32_t m) {
      return std::any_of(tx.management_signatures.begin(), tx.management_signatures.end(),
                         [m](const NodeSignature& s) { return s.signer == m; });
    };
    if (!has(buyer_area))
      return at.tx(i, "management_signatures",
                   "missing the co-signature of management node " + std::to_string(buyer_area) + " (the buyer's area)");
    if (!has(seller_area))
      return at.tx(i, "management_signatures",
                   "missing the co-signature of management node " + std::to_string(seller_area) + " (the seller's area)");
  }
  return std::nullopt;
}

std::optional<ChainProblem> verify_chain(const CryptoSuite& suite, const LedgerDirectory& directory,
                                         const std::vector<Block>& chain) {
  for (std::size_t p = 0; p < chain.size(); ++p) {
    const BlockHeader* previous = p == 0 ? nullptr : &chain[p - 1].header;
    if (auto problem = verify_block(suite, directory, chain[p], previous, p)) return problem;
  }
  return std::nullopt;
}

}  // namespace ebsim::ledger
