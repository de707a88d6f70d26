#include "models/ledger/merkle.hpp"

#include <cstring>

namespace ebsim::ledger {
namespace {

/** Root of leaves[begin, end), end - begin >= 1; `buf` is a reusable 65-byte node buffer. */
Digest subtree_root(const CryptoSuite& suite, const std::vector<Digest>& leaves, std::size_t begin, std::size_t end) {
  const std::size_t n = end - begin;
  if (n == 1) return leaves[begin];
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;  // the largest power of two < n
  const Digest left = subtree_root(suite, leaves, begin, begin + k);
  const Digest right = subtree_root(suite, leaves, begin + k, end);
  std::uint8_t node[1 + 2 * sizeof(Digest)];
  node[0] = 0x01;
  std::memcpy(node + 1, left.data(), left.size());
  std::memcpy(node + 1 + left.size(), right.data(), right.size());
  return suite.hash(node);
}

}  // namespace

Digest merkle_root(const CryptoSuite& suite, const std::vector<Digest>& leaves) {
  if (leaves.empty()) return suite.hash({});
  return subtree_root(suite, leaves, 0, leaves.size());
}

}  // namespace ebsim::ledger
