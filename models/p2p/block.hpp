#pragma once
/** Transactions and blocks of the peer-to-peer public chain (SPEC §5).
 *
 * Blocks and transactions are immutable once made and shared by pointer: one block object
 * travels to every node of a run (in message bodies, block trees and mempools), so a
 * 10,000-node run holds each block once. Sizes are simulated bytes, not an encoding: what
 * matters for propagation is how many bytes cross each link.
 */
#include <cstdint>
#include <memory>
#include <vector>

#include "models/core/ids.hpp"
#include "models/market/order.hpp"

namespace ebsim::p2p {

/** Defaults of the public chain that several of its parts (and the scenario) share, written once. */
struct ChainDefaults {
  double max_block_bytes = 1.0e6;      // largest valid block, header included (Bitcoin's legacy 1 MB)
  std::uint32_t confirmations = 6;     // z of the market contract's finality rule
  std::uint32_t tail_blocks = 3;       // blocks a miner makes after the last interval is final
};


/** A transaction id, unique within a run. */
using TxId = std::uint64_t;
/** A block id, unique within a run (make_block_id); the genesis block is kGenesisBlockId. */
using BlockId = std::uint64_t;
inline constexpr BlockId kGenesisBlockId = 0;

/** A transaction: an order for the market contract, with the fee its sender pays the miner. */
struct Transaction {
  TxId id = 0;                   // unique within the run (e.g. the order id)
  ParticipantId sender = 0;      // who signed it
  market::Order order;           // what the contract clears (contract.hpp)
  double fee = 0.0;              // paid to the block's miner, in the scenario's settlement unit
  double size_bytes = 250.0;     // in a block and on the wire (a typical one-input transaction)
  double created_s = 0.0;        // simulated time its sender submitted it
};
using TxPtr = std::shared_ptr<const Transaction>;

/** Fee per byte, the mempool's priority. 0 for a size <= 0. */
inline double fee_per_byte(const Transaction& tx) { return tx.size_bytes > 0.0 ? tx.fee / tx.size_bytes : 0.0; }

/** A block: header fields and the transactions in inclusion order. */
struct Block {
  BlockId id = kGenesisBlockId;
  BlockId parent = kGenesisBlockId;  // the genesis block's parent is itself (never looked up)
  std::uint64_t height = 0;          // genesis 0
  double work = 0.0;                 // work this block adds (PoW: hashes per block; PoS: 1); genesis 0
  NodeId miner = kNoNode;            // node that made it (PoS: the slot leader)
  double mined_s = 0.0;              // simulated time it was made
  std::uint64_t slot = 0;            // PoS: the slot it was made for; PoW: 0
  double header_bytes = 80.0;        // the header's share of size_bytes
  double size_bytes = 80.0;          // header_bytes + sum of the transactions' size_bytes
  std::vector<TxPtr> transactions;   // inclusion order (the contract's order for continuous clearing)
};
using BlockPtr = std::shared_ptr<const Block>;

/** A run-unique block id for the `sequence`-th block (1-based) made by node `miner`:
 * (miner + 1) << 32 | sequence, never kGenesisBlockId. REQUIRES: sequence < 2^32. */
inline BlockId make_block_id(NodeId miner, std::uint64_t sequence) {
  return ((static_cast<std::uint64_t>(miner) + 1) << 32) | (sequence & 0xFFFFFFFFULL);
}

/** The genesis block every node of a run starts from (id 0, height 0, no work, no transactions). */
inline BlockPtr make_genesis(double header_bytes = 80.0) {
  auto genesis = std::make_shared<Block>();
  genesis->header_bytes = header_bytes;
  genesis->size_bytes = header_bytes;
  return genesis;
}

/** header_bytes + sum of the transactions' size_bytes: the size a valid block must declare. */
inline double block_size_bytes(double header_bytes, const std::vector<TxPtr>& transactions) {
  double size = header_bytes;
  for (const auto& tx : transactions) size += tx->size_bytes;
  return size;
}

/** Sum of the transactions' fees (the miner's fee income). */
inline double block_fees(const Block& block) {
  double fees = 0.0;
  for (const auto& tx : block.transactions) fees += tx->fee;
  return fees;
}

}  // namespace ebsim::p2p
