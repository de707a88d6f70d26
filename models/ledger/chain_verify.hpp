#pragma once
/** Whole-chain verification (`ebsim verify`, and every management node's check of a new block):
 * recompute every transaction hash, Merkle root, link, height and signature and report the
 * first inconsistency. A pure function over plain data. */
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/ledger/block.hpp"

namespace ebsim::ledger {

/** The public keys and areas a verifier needs (the trace stores them). */
struct LedgerDirectory {
  std::vector<Bytes> participant_keys;    // signing public key of participant i (may be empty in modeled mode)
  std::vector<std::uint32_t> participant_area;  // management node index that admitted participant i
  std::vector<Bytes> management_keys;     // signing public key of management node m
  bool participant_signatures = true;     // false with `crypto: modeled`: parties' signatures are absent
};

/** The first thing found wrong. */
struct ChainProblem {
  std::uint64_t block = 0;           // position in the chain (== expected height)
  std::int64_t transaction = -1;     // index in the block; -1: the header or block signatures
  std::string field;                 // e.g. "previous_hash", "merkle_root", "buyer_signature", "management_signatures[1]"
  std::string what;                  // a sentence for the user
};

/** Checks, block by block in order: height == position; previous_hash == block_hash of the
 * previous header (zeros for the first); transaction_count and merkle_root match the
 * transactions; the primary's signature and every confirmation present verify (signers known,
 * ascending, no duplicates); per transaction: buyer and seller are known participants, the orders belong to
 * them (participant, side, interval), quantity > 0 and within both orders, prices within both
 * limits, the parties' signatures verify (or are absent when directory.participant_signatures is
 * false), and exactly the management nodes of the buyer's and the seller's areas co-signed.
 * Returns nullopt when everything holds. */
std::optional<ChainProblem> verify_chain(const CryptoSuite& suite, const LedgerDirectory& directory,
                                         const std::vector<Block>& chain);

/** The same checks for one block appended after `previous` (nullptr for genesis). */
std::optional<ChainProblem> verify_block(const CryptoSuite& suite, const LedgerDirectory& directory,
                                         const Block& block, const BlockHeader* previous, std::uint64_t position);

}  // namespace ebsim::ledger
