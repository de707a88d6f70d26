#pragma once
/** Merkle tree over a block's transactions (RFC 6962 shape, so no leaf is ever duplicated and a
 * tree cannot be "mutated" the way Bitcoin's odd-leaf duplication allows):
 *   root([])        = H()                         (hash of the empty string)
 *   root([d])       = d                           (leaves are already domain-separated tx hashes)
 *   root(d[0..n))   = H(0x01 || root(d[0..k)) || root(d[k..n)))  with k the largest power of two < n
 * Transaction hashes are computed with the 0x00 prefix (block.hpp), interior nodes with 0x01. */
#include <vector>

#include "models/ledger/crypto_suite.hpp"

namespace ebsim::ledger {

/** The Merkle root of `leaves` (transaction hashes, in block order). */
Digest merkle_root(const CryptoSuite& suite, const std::vector<Digest>& leaves);

}  // namespace ebsim::ledger
