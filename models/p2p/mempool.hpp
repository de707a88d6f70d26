#pragma once
/** A node's pool of valid transactions not yet on its best chain, ordered for block building.
 *
 * PRIORITY: fee per byte, highest first; equal fee rates by earlier arrival at this node, then
 * lower id (a total order, so block contents never depend on container iteration).
 * BLOCK BUILDING: greedy in priority order; a transaction that does not fit in the space left
 * is skipped and smaller ones behind it may still fill the block (Bitcoin Core's simple miner).
 * REORGANISATIONS: transactions of disconnected blocks return to the pool unless the new branch
 * holds them too; transactions of connected blocks leave it.
 * COST: the pool is one hash map; the priority order is sorted when a block is built (select,
 * ordered). Why not keep it sorted: every node of a large network admits every transaction but
 * only the few block makers ever need the order (the sorted set and the map together were
 * ~29 % of a 10,000-node run), and a block maker sorts a pool of a few blocks' worth of transactions.
 */
#include <cstddef>
#include <cstdint>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "models/p2p/block.hpp"

namespace ebsim::p2p {

class Mempool {
 public:
  /** Add `tx`, arrived at `arrived_s`. False (and no change) if it is already in the pool. */
  bool add(const TxPtr& tx, double arrived_s);
  bool contains(TxId id) const;
  /** The transaction, or nullptr. */
  TxPtr find(TxId id) const;
  /** Remove one transaction; false if it was not there. */
  bool remove(TxId id);
  /** Remove every transaction of `block` (it joined the best chain). */
  void remove_block(const Block& block);

  /** Transactions for a block with `max_tx_bytes` of room (block limit minus header), in
   * priority order (the order they take in the block), greedily as in the file comment. */
  std::vector<TxPtr> select(double max_tx_bytes) const;

  /** Follow a change of the best chain (BlockTree's AddResult): first return the transactions of
   * `disconnected` blocks that no `connected` block holds (arrival time `now_s`), then remove
   * those of `connected` blocks. Returns the transactions returned, in block order. */
  std::vector<TxPtr> apply_chain_change(const std::vector<BlockPtr>& disconnected,
                                        const std::vector<BlockPtr>& connected, double now_s);

  /** Transactions in the pool. */
  std::size_t size() const;
  /** Sum of their size_bytes. */
  double bytes() const;
  /** The pool in priority order. */
  std::vector<TxPtr> ordered() const;

 private:
  struct Key {
    double fee_per_byte = 0.0;
    double arrived_s = 0.0;
    TxId id = 0;
    bool operator<(const Key& other) const {
      if (fee_per_byte != other.fee_per_byte) return fee_per_byte > other.fee_per_byte;
      if (arrived_s != other.arrived_s) return arrived_s < other.arrived_s;
      return id < other.id;
    }
  };
  struct Entry {
    TxPtr tx;
    double arrived_s = 0.0;
  };
  /** Every entry's key, sorted by priority. */
  std::vector<Key> sorted_keys() const;

  absl::flat_hash_map<TxId, Entry> entries_;  // iterated only to be sorted (sorted_keys)
  double bytes_ = 0.0;
};

}  // namespace ebsim::p2p
