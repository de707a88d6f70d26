#include "models/ledger/merkle.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ebsim::ledger {
namespace {

class MerkleTest : public ::testing::TestWithParam<SuiteId> {
 protected:
  MerkleTest() : suite_(GetParam()) {}

  Digest leaf(int i) const {
    const std::string s = "leaf " + std::to_string(i);
    return suite_.hash(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  std::vector<Digest> leaves(int n) const {
    std::vector<Digest> out;
    for (int i = 0; i < n; ++i) out.push_back(leaf(i));
    return out;
  }
  /** H(0x01 || a || b), concatenated explicitly here rather than by merkle.cpp. */
  Digest node(const Digest& a, const Digest& b) const {
    Bytes cat{0x01};
    cat.insert(cat.end(), a.begin(), a.end());
    cat.insert(cat.end(), b.begin(), b.end());
    EXPECT_EQ(cat.size(), 65u);
    return suite_.hash(cat);
  }

  CryptoSuite suite_;
};

TEST_P(MerkleTest, HandComputedRoots) {
  const auto d = leaves(5);
  EXPECT_EQ(merkle_root(suite_, {}), suite_.hash({}));
  EXPECT_EQ(merkle_root(suite_, {d[0]}), d[0]);
  EXPECT_EQ(merkle_root(suite_, {d[0], d[1]}), node(d[0], d[1]));
  EXPECT_EQ(merkle_root(suite_, {d[0], d[1], d[2]}), node(node(d[0], d[1]), d[2]));
  EXPECT_EQ(merkle_root(suite_, {d[0], d[1], d[2], d[3]}), node(node(d[0], d[1]), node(d[2], d[3])));
  EXPECT_EQ(merkle_root(suite_, d), node(node(node(d[0], d[1]), node(d[2], d[3])), d[4]));
  // 7 leaves: k = 4, then the right subtree of 3 splits 2 + 1.
  const auto e = leaves(7);
  EXPECT_EQ(merkle_root(suite_, e),
            node(node(node(e[0], e[1]), node(e[2], e[3])), node(node(e[4], e[5]), e[6])));
}

TEST_P(MerkleTest, EmptyRootIsHashOfEmptyString) {
  if (GetParam() == SuiteId::kSha256Ed25519)
    EXPECT_EQ(to_hex(merkle_root(suite_, {})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  else
    EXPECT_EQ(to_hex(merkle_root(suite_, {})), "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

TEST_P(MerkleTest, EveryLeafAndTheOrderMatter) {
  for (int n : {2, 3, 5, 8, 13}) {
    const auto d = leaves(n);
    const Digest root = merkle_root(suite_, d);
    for (int i = 0; i < n; ++i) {
      for (int byte : {0, 31}) {
        auto changed = d;
        changed[i][byte] ^= 0x01;
        EXPECT_NE(merkle_root(suite_, changed), root) << "n=" << n << " leaf " << i;
      }
      if (i + 1 < n) {
        auto swapped = d;
        std::swap(swapped[i], swapped[i + 1]);
        EXPECT_NE(merkle_root(suite_, swapped), root) << "n=" << n << " swap " << i;
      }
    }
    // No duplication trick: appending a copy of the last leaf changes the root.
    auto dup = d;
    dup.push_back(d.back());
    EXPECT_NE(merkle_root(suite_, dup), root) << "n=" << n;
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, MerkleTest, ::testing::Values(SuiteId::kSha256Ed25519, SuiteId::kSm3Sm2),
                         [](const auto& info) { return std::string(info.param == SuiteId::kSha256Ed25519 ? "Sha256" : "Sm3"); });

}  // namespace
}  // namespace ebsim::ledger
