#include "models/p2p/mempool.hpp"

#include <algorithm>

#include <absl/container/flat_hash_set.h>

namespace ebsim::p2p {

bool Mempool::add(const TxPtr& tx, double arrived_s) {
  if (entries_.contains(tx->id)) return false;
  entries_.emplace(tx->id, Entry{tx, arrived_s});
  bytes_ += tx->size_bytes;
  return true;
}

bool Mempool::contains(TxId id) const { return entries_.contains(id); }

TxPtr Mempool::find(TxId id) const {
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.tx;
}

bool Mempool::remove(TxId id) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  bytes_ -= it->second.tx->size_bytes;
  entries_.erase(it);
  if (entries_.empty()) bytes_ = 0.0;  // no floating-point residue in an empty pool
  return true;
}

void Mempool::remove_block(const Block& block) {
  for (const auto& tx : block.transactions) remove(tx->id);
}

std::vector<Mempool::Key> Mempool::sorted_keys() const {
  std::vector<Key> keys;
  keys.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) keys.push_back(Key{fee_per_byte(*entry.tx), entry.arrived_s, id});
  std::sort(keys.begin(), keys.end());  // a total order: the result does not depend on the map's order
  return keys;
}

std::vector<TxPtr> Mempool::select(double max_tx_bytes) const {
  std::vector<TxPtr> chosen;
  double room = max_tx_bytes;
  for (const Key& key : sorted_keys()) {
    const TxPtr& tx = entries_.at(key.id).tx;
    if (tx->size_bytes > room) continue;
    chosen.push_back(tx);
    room -= tx->size_bytes;
  }
  return chosen;
}

std::vector<TxPtr> Mempool::apply_chain_change(const std::vector<BlockPtr>& disconnected,
                                               const std::vector<BlockPtr>& connected, double now_s) {
  absl::flat_hash_set<TxId> in_new_branch;
  for (const auto& block : connected) {
    for (const auto& tx : block->transactions) in_new_branch.insert(tx->id);
  }
  std::vector<TxPtr> returned;
  for (const auto& block : disconnected) {
    for (const auto& tx : block->transactions) {
      if (!in_new_branch.contains(tx->id) && add(tx, now_s)) returned.push_back(tx);
    }
  }
  for (const auto& block : connected) remove_block(*block);
  return returned;
}

std::size_t Mempool::size() const { return entries_.size(); }
double Mempool::bytes() const { return bytes_; }

std::vector<TxPtr> Mempool::ordered() const {
  std::vector<TxPtr> out;
  out.reserve(entries_.size());
  for (const Key& key : sorted_keys()) out.push_back(entries_.at(key.id).tx);
  return out;
}

}  // namespace ebsim::p2p
