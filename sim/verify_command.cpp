#include "sim/verify_command.hpp"

#include <cstring>
#include <map>

#include "models/ledger/chain_verify.hpp"
#include "sim/input_error.hpp"
#include "sim/trace/trace_file.hpp"
#include "sim/trace/trace_reader.hpp"

namespace ebsim::sim {
namespace {

/** The ledger tables do not fit together (a row out of order, a height that does not exist):
 * reported as an inconsistency, like a wrong hash, not as unreadable input. */
struct Inconsistent {
  std::string what;
};

ledger::Bytes blob(const std::uint8_t* data, std::uint8_t length) { return ledger::Bytes(data, data + length); }

market::Order buy_order(const trace::BlockTransactionRecord& r) {
  return market::Order{r.buy_order, r.buy_participant, r.buy_interval, static_cast<market::Side>(r.buy_side),
                       r.buy_quantity_kwh, r.buy_limit_price_per_kwh, r.buy_submitted_s, r.buy_arrived_s};
}
market::Order sell_order(const trace::BlockTransactionRecord& r) {
  return market::Order{r.sell_order, r.sell_participant, r.sell_interval, static_cast<market::Side>(r.sell_side),
                       r.sell_quantity_kwh, r.sell_limit_price_per_kwh, r.sell_submitted_s, r.sell_arrived_s};
}

VerifyOutcome verify_chain_tables(const std::string& path) {
  const trace::TraceFile file(path);
  if (!file.has_attribute("crypto_suite") || file.string_attribute("market_design") != "consortium") {
    throw InputError("trace " + path + ": no chain to verify (only consortium runs keep a ledger; market_design is \"" +
                     file.string_attribute("market_design") + "\")");
  }
  const std::string suite_name = file.string_attribute("crypto_suite");
  const auto suite_id = ledger::parse_suite(suite_name);
  if (!suite_id) throw InputError("trace " + path + ": unknown crypto_suite \"" + suite_name + "\"");
  const ledger::CryptoSuite suite(*suite_id);

  ledger::LedgerDirectory directory;
  directory.participant_signatures = file.string_attribute("crypto_mode") == "real";
  for (const auto& k : trace::read_table<trace::LedgerKeyRecord>(path)) {
    auto& keys = k.kind == 0 ? directory.participant_keys : directory.management_keys;
    if (k.kind > 1 || k.id != keys.size()) {
      throw Inconsistent{"/ledger_keys: rows must list participants then management nodes, in id order"};
    }
    if (k.kind == 1 && k.area != k.id) {
      throw Inconsistent{"/ledger_keys: management node " + std::to_string(k.id) + " is recorded in area " +
                         std::to_string(k.area) + " (a node's area is its own index)"};
    }
    keys.push_back(blob(k.key, std::min<std::uint8_t>(k.key_length, trace::kBlobLength)));
    if (k.kind == 0) directory.participant_area.push_back(k.area);
  }
  if (!directory.participant_signatures) directory.participant_keys.clear();

  const std::vector<trace::BlockRecord> rows = trace::read_table<trace::BlockRecord>(path);
  std::vector<ledger::Block> chain(rows.size());
  std::map<std::uint64_t, std::size_t> position;  // height as stored -> row
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const trace::BlockRecord& r = rows[i];
    ledger::BlockHeader& h = chain[i].header;
    h.height = r.height;
    std::memcpy(h.previous_hash.data(), r.previous_hash, trace::kDigestLength);
    std::memcpy(h.merkle_root.data(), r.merkle_root, trace::kDigestLength);
    h.timestamp_s = r.timestamp_s;
    h.primary = r.primary;
    h.interval = r.interval;
    h.transaction_count = r.transaction_count;
    chain[i].primary_signature = blob(r.primary_signature, std::min<std::uint8_t>(r.primary_signature_length, trace::kBlobLength));
    position.emplace(r.height, i);
  }
  const auto block_at = [&](std::uint64_t height, const char* table) -> ledger::Block& {
    const auto it = position.find(height);
    if (it == position.end()) {
      throw Inconsistent{std::string(table) + " names height " + std::to_string(height) + ", which /blocks lacks"};
    }
    return chain[it->second];
  };
  trace::for_each_row<trace::BlockTransactionRecord>(path, [&](const trace::BlockTransactionRecord& r) {
    ledger::Block& b = block_at(r.height, "/block_transactions");
    ledger::BlockTransaction tx;
    tx.trade = ledger::TradeTx{r.interval, r.delivery_start_s, r.quantity_kwh, r.price_per_kwh, r.seller_price_per_kwh,
                               r.buyer, r.seller, static_cast<ledger::Product>(r.product), buy_order(r), sell_order(r)};
    tx.buyer_signature = blob(r.buyer_signature, std::min<std::uint8_t>(r.buyer_signature_length, trace::kBlobLength));
    tx.seller_signature = blob(r.seller_signature, std::min<std::uint8_t>(r.seller_signature_length, trace::kBlobLength));
    if (r.index != b.transactions.size()) {
      throw Inconsistent{"/block_transactions: block " + std::to_string(r.height) + " lists transaction " +
                         std::to_string(r.index) + " out of order"};
    }
    b.transactions.push_back(std::move(tx));
  });
  trace::for_each_row<trace::BlockSignatureRecord>(path, [&](const trace::BlockSignatureRecord& r) {
    ledger::Block& b = block_at(r.height, "/block_signatures");
    ledger::NodeSignature s{r.signer, blob(r.signature, std::min<std::uint8_t>(r.signature_length, trace::kBlobLength))};
    if (r.transaction < 0) {
      b.confirmations.push_back(std::move(s));
    } else if (static_cast<std::size_t>(r.transaction) < b.transactions.size()) {
      b.transactions[r.transaction].management_signatures.push_back(std::move(s));
    } else {
      throw Inconsistent{"/block_signatures: block " + std::to_string(r.height) + " has no transaction " +
                         std::to_string(r.transaction)};
    }
  });

  VerifyOutcome outcome;
  if (auto problem = ledger::verify_chain(suite, directory, chain)) {
    outcome.report = "inconsistent: block " + std::to_string(problem->block) +
                     (problem->transaction >= 0 ? ", transaction " + std::to_string(problem->transaction) : "") +
                     ", field " + problem->field + ": " + problem->what;
    return outcome;
  }
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (std::memcmp(ledger::block_hash(suite, chain[i].header).data(), rows[i].block_hash, trace::kDigestLength) != 0) {
      outcome.report = "inconsistent: block " + std::to_string(i) + ", field block_hash: the stored hash is not the header's";
      return outcome;
    }
  }
  std::size_t transactions = 0;
  for (const auto& b : chain) transactions += b.transactions.size();
  outcome.intact = true;
  outcome.report = "intact: " + std::to_string(chain.size()) + " blocks, " + std::to_string(transactions) +
                   " transactions, suite " + suite_name + ", every hash, Merkle root, link and signature checked";
  return outcome;
}

}  // namespace

VerifyOutcome verify_trace(const std::string& path) {
  try {
    return verify_chain_tables(path);
  } catch (const Inconsistent& e) {
    return VerifyOutcome{false, "inconsistent: " + e.what};
  }
}

}  // namespace ebsim::sim
