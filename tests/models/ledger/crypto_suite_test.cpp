#include "models/ledger/crypto_suite.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <string>

#include "models/ledger/crypto_costs.hpp"

namespace ebsim::ledger {
namespace {

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes from_hex(std::string_view hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

Digest seed(std::uint8_t v) {
  Digest d{};
  d.fill(v);
  return d;
}

/** Verification written directly against OpenSSL (fresh objects, no CryptoSuite caches). */
bool openssl_verify(SuiteId id, const Bytes& pub, const Bytes& msg, const Bytes& sig) {
  EVP_PKEY* pkey = nullptr;
  if (id == SuiteId::kSha256Ed25519) {
    pkey = EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, pub.data(), pub.size());
  } else {
    if (pub.size() != 65 || pub[0] != 0x04) return false;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("SM2"), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<std::uint8_t*>(pub.data()), pub.size()),
        OSSL_PARAM_construct_end()};
    EVP_PKEY_CTX* kctx = EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr);
    if (EVP_PKEY_fromdata_init(kctx) <= 0 || EVP_PKEY_fromdata(kctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
      pkey = nullptr;
    EVP_PKEY_CTX_free(kctx);
  }
  if (pkey == nullptr) return false;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  int rc = 0;
  if (id == SuiteId::kSha256Ed25519) {
    if (EVP_DigestVerifyInit(md, nullptr, nullptr, nullptr, pkey) == 1)
      rc = EVP_DigestVerify(md, sig.data(), sig.size(), msg.data(), msg.size());
  } else {
    if (EVP_DigestVerifyInit_ex(md, &pctx, "SM3", nullptr, nullptr, pkey, nullptr) == 1 &&
        EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16) == 1)
      rc = EVP_DigestVerify(md, sig.data(), sig.size(), msg.data(), msg.size());
  }
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pkey);
  return rc == 1;
}

class CryptoSuiteTest : public ::testing::TestWithParam<SuiteId> {};

TEST(CryptoSuiteNames, RoundTrip) {
  EXPECT_EQ(suite_name(SuiteId::kSha256Ed25519), "sha256-ed25519");
  EXPECT_EQ(suite_name(SuiteId::kSm3Sm2), "sm3-sm2");
  EXPECT_EQ(parse_suite("sha256-ed25519"), SuiteId::kSha256Ed25519);
  EXPECT_EQ(parse_suite("sm3-sm2"), SuiteId::kSm3Sm2);
  EXPECT_EQ(parse_suite("sha256"), std::nullopt);
  const Bytes b{0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(b), "000fa0ff");
}

TEST(CryptoSuiteKnownAnswers, HashesOfAbc) {
  const Bytes abc = text("abc");
  CryptoSuite sha(SuiteId::kSha256Ed25519), sm3(SuiteId::kSm3Sm2);
  EXPECT_EQ(to_hex(sha.hash(abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sm3.hash(abc)), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  EXPECT_EQ(to_hex(sha.hash({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // hash_parts is the hash of the concatenation.
  const Bytes a = text("a"), bc = text("bc");
  EXPECT_EQ(hash_parts(sha, {a, bc}), sha.hash(abc));
  EXPECT_EQ(hash_parts(sm3, {a, bc}), sm3.hash(abc));
}

TEST(CryptoSuiteKnownAnswers, Ed25519Rfc8032Test1) {
  CryptoSuite suite(SuiteId::kSha256Ed25519);
  KeyPair kp{from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
             from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")};
  const Bytes sig = suite.sign(kp, {});
  EXPECT_EQ(to_hex(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24"
            "655141438e7a100b");
  EXPECT_TRUE(suite.verify(kp.public_key, {}, sig));
}

// Public keys computed independently of this code (docs/ledger.md "Key derivation"): the private
// key/scalar in Python (hashlib.sha256 / `openssl dgst -sm3`, reduction mod n-2 plus 1), the public
// key by the openssl CLI (`openssl pkey -pubout` on the raw Ed25519 key, `openssl ec -pubout` on a
// SEC1 SM2 key). The signatures are regression pins: the Ed25519 one is fixed by RFC 8032, the SM2
// one by our nonce stream and OpenSSL 3.0's use of it; a change means traces would change.
TEST(CryptoSuiteKnownAnswers, KeyDerivationMatchesTheDocumentedFormulaAndSignaturesArePinned) {
  Digest seed42{};
  seed42.fill(0x2a);
  const std::string text_msg = "ebsim pinned message";
  const Bytes msg(text_msg.begin(), text_msg.end());
  CryptoSuite ed(SuiteId::kSha256Ed25519), sm(SuiteId::kSm3Sm2);
  const KeyPair ek = ed.derive_signing_key(seed42), sk = sm.derive_signing_key(seed42);
  EXPECT_EQ(to_hex(ek.public_key), "1409b30cc2fbb4de8f0bf1ded5e9d6507b1585c07de00b71c8c150ebdd18d316");
  EXPECT_EQ(to_hex(sk.public_key),
            "04445610e008e28282e29d8d4776a6f70972f51f4d0f5fe0269ae3c14e62457034d5acbc83807e6f6b193ef2d577e0417036e0"
            "438780f66821653c60c204e8c0e8");
  EXPECT_EQ(to_hex(ed.sign(ek, msg)),
            "937155537b8775110c49a50a6c29fff79c3cb32f1e5206310bf159817e695f8654ea9b8ef5555619306d707beae757cf412d4fb6ae31b3"
            "19eb3d8a59fe558303");
  EXPECT_EQ(to_hex(sm.sign(sk, msg)),
            "30450221008af37fc8dd6944353eb5b821351f3189b4f6cb96187f380d3f1e24dfd142bf1e022075086ea934a54d1fb692e54d48d3b1"
            "571c5e8c1c6dda9aaf093130d3c1ac1380");
}

TEST_P(CryptoSuiteTest, KeyDerivationIsDeterministicAndSeedDependent) {
  CryptoSuite a(GetParam()), b(GetParam());
  const KeyPair k1 = a.derive_signing_key(seed(1)), k1b = b.derive_signing_key(seed(1));
  EXPECT_EQ(k1.private_key, k1b.private_key);
  EXPECT_EQ(k1.public_key, k1b.public_key);
  const KeyPair k2 = a.derive_signing_key(seed(2));
  EXPECT_NE(k1.private_key, k2.private_key);
  EXPECT_NE(k1.public_key, k2.public_key);
  const KeyPair e1 = a.derive_encryption_key(seed(1));
  EXPECT_NE(e1.private_key, k1.private_key);  // domain separated
  EXPECT_EQ(e1.public_key, b.derive_encryption_key(seed(1)).public_key);
  const std::size_t pub_len = GetParam() == SuiteId::kSha256Ed25519 ? 32 : 65;
  EXPECT_EQ(k1.private_key.size(), 32u);
  EXPECT_EQ(k1.public_key.size(), pub_len);
  EXPECT_EQ(e1.public_key.size(), pub_len);
}

TEST_P(CryptoSuiteTest, SignaturesAreDeterministicAcrossInstances) {
  CryptoSuite a(GetParam()), b(GetParam());
  const KeyPair key = a.derive_signing_key(seed(7));
  const Bytes m1 = text("order 42: buy 1.5 kWh at 0.21"), m2 = text("order 42: buy 1.5 kWh at 0.22");
  const Bytes s1 = a.sign(key, m1);
  EXPECT_EQ(s1, a.sign(key, m1));
  EXPECT_EQ(s1, b.sign(key, m1));  // a fresh instance (fresh OpenSSL contexts) gives the same bytes
  const Bytes s2 = a.sign(key, m2);
  EXPECT_NE(s1, s2);
  // Interleaving other work (including randomized encryption) does not perturb the signatures.
  const KeyPair enc = a.derive_encryption_key(seed(8));
  (void)a.encrypt(enc.public_key, m1);
  EXPECT_EQ(a.sign(key, m2), s2);
  EXPECT_EQ(b.sign(key, m2), s2);
  if (GetParam() == SuiteId::kSha256Ed25519) EXPECT_EQ(s1.size(), 64u);
  else {
    EXPECT_GE(s1.size(), 8u);
    EXPECT_LE(s1.size(), 72u);
    EXPECT_EQ(s1[0], 0x30);  // DER SEQUENCE
  }
}

TEST_P(CryptoSuiteTest, SignaturesVerifyWithOpenSslAndFailAfterAnySingleByteFlip) {
  CryptoSuite suite(GetParam());
  const KeyPair key = suite.derive_signing_key(seed(3));
  const Bytes msg = text("header bytes of block 17, 92 bytes long in real life");
  const Bytes sig = suite.sign(key, msg);
  ASSERT_TRUE(openssl_verify(GetParam(), key.public_key, msg, sig));
  ASSERT_TRUE(suite.verify(key.public_key, msg, sig));
  for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
    for (std::size_t i = 0; i < msg.size(); ++i) {
      Bytes m = msg;
      m[i] ^= mask;
      EXPECT_FALSE(openssl_verify(GetParam(), key.public_key, m, sig)) << "message byte " << i;
      EXPECT_FALSE(suite.verify(key.public_key, m, sig)) << "message byte " << i;
    }
    for (std::size_t i = 0; i < sig.size(); ++i) {
      Bytes s = sig;
      s[i] ^= mask;
      EXPECT_FALSE(openssl_verify(GetParam(), key.public_key, msg, s)) << "signature byte " << i;
      EXPECT_FALSE(suite.verify(key.public_key, msg, s)) << "signature byte " << i;
    }
    for (std::size_t i = 0; i < key.public_key.size(); ++i) {
      Bytes p = key.public_key;
      p[i] ^= mask;
      EXPECT_FALSE(openssl_verify(GetParam(), p, msg, sig)) << "public key byte " << i;
      EXPECT_FALSE(suite.verify(p, msg, sig)) << "public key byte " << i;
    }
  }
  // Still valid afterwards (no sticky state in the reused contexts).
  EXPECT_TRUE(suite.verify(key.public_key, msg, sig));
}

TEST_P(CryptoSuiteTest, RememberedVerificationsGiveTheSameAnswersAndFlippedBytesAreRealChecks) {
  CryptoSuite suite(GetParam());
  suite.remember_verifications(1000);
  const KeyPair key = suite.derive_signing_key(seed(4));
  const KeyPair other = suite.derive_signing_key(seed(5));
  const Bytes msg = text("trade 12: 1.5 kWh at 0.12/kWh");
  const Bytes sig = suite.sign(key, msg);
  // Twice each: the second answer comes from the memo and must equal OpenSSL's own.
  for (int round = 0; round < 2; ++round) {
    EXPECT_TRUE(suite.verify(key.public_key, msg, sig));
    EXPECT_FALSE(suite.verify(other.public_key, msg, sig));
  }
  EXPECT_EQ(suite.verifications_done(), 2u);
  EXPECT_EQ(suite.verifications_remembered(), 2u);
  // Every single-byte change of key, message or signature is a different entry: a real check.
  std::uint64_t changed = 0;
  for (const Bytes* field : {&key.public_key, &msg, &sig}) {
    for (std::size_t i = 0; i < field->size(); ++i) {
      Bytes p = key.public_key, m = msg, s = sig;
      Bytes& target = field == &key.public_key ? p : field == &msg ? m : s;
      target[i] ^= 0x01;
      EXPECT_EQ(suite.verify(p, m, s), openssl_verify(GetParam(), p, m, s));
      EXPECT_FALSE(suite.verify(p, m, s));
      ++changed;
    }
  }
  EXPECT_EQ(suite.verifications_done(), 2u + changed);
  EXPECT_EQ(suite.verifications_remembered(), 2u + changed);
  // Moving a byte from the message to the signature keeps the concatenation but not the key.
  Bytes shorter(msg.begin(), msg.end() - 1);
  Bytes longer_sig = sig;
  longer_sig.insert(longer_sig.begin(), msg.back());
  EXPECT_FALSE(suite.verify(key.public_key, shorter, longer_sig));
  // When full, the memo starts afresh and still answers correctly.
  suite.remember_verifications(1);
  EXPECT_TRUE(suite.verify(key.public_key, msg, sig));
  EXPECT_FALSE(suite.verify(other.public_key, msg, sig));
  EXPECT_TRUE(suite.verify(key.public_key, msg, sig));
}

TEST_P(CryptoSuiteTest, MalformedInputsAreInvalidNotExceptions) {
  CryptoSuite suite(GetParam());
  const KeyPair key = suite.derive_signing_key(seed(4));
  const Bytes msg = text("m");
  const Bytes sig = suite.sign(key, msg);
  EXPECT_FALSE(suite.verify({}, msg, sig));
  EXPECT_FALSE(suite.verify(key.public_key, msg, {}));
  Bytes truncated(sig.begin(), sig.end() - 1);
  EXPECT_FALSE(suite.verify(key.public_key, msg, truncated));
  Bytes longer = sig;
  longer.push_back(0);
  EXPECT_FALSE(suite.verify(key.public_key, msg, longer));
  Bytes garbage_key(key.public_key.size(), 0xee);
  EXPECT_FALSE(suite.verify(garbage_key, msg, sig));
  // Another key's signature does not verify.
  const KeyPair other = suite.derive_signing_key(seed(5));
  EXPECT_FALSE(suite.verify(other.public_key, msg, sig));
  EXPECT_TRUE(suite.verify(key.public_key, msg, sig));
}

TEST_P(CryptoSuiteTest, EncryptionRoundTripsAndRejectsTampering) {
  CryptoSuite suite(GetParam());
  const KeyPair recipient = suite.derive_encryption_key(seed(9));
  Bytes plaintext(400);
  for (std::size_t i = 0; i < plaintext.size(); ++i) plaintext[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const Bytes ct = suite.encrypt(recipient.public_key, plaintext);
  ASSERT_GT(ct.size(), plaintext.size());
  auto back = suite.decrypt(recipient, ct);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, plaintext);
  // Ciphertexts are randomized (fresh ephemeral key / SM2 k) but both decrypt.
  const Bytes ct2 = suite.encrypt(recipient.public_key, plaintext);
  EXPECT_NE(ct, ct2);
  EXPECT_EQ(suite.decrypt(recipient, ct2), plaintext);
  // A one-byte plaintext round-trips too.
  const Bytes short_ct = suite.encrypt(recipient.public_key, Bytes{0x5a});
  EXPECT_EQ(suite.decrypt(recipient, short_ct), Bytes{0x5a});
  for (std::size_t i = 0; i < ct.size(); ++i) {
    Bytes t = ct;
    t[i] ^= 0x01;
    EXPECT_FALSE(suite.decrypt(recipient, t).has_value()) << "ciphertext byte " << i;
  }
  Bytes truncated(ct.begin(), ct.end() - 1);
  EXPECT_FALSE(suite.decrypt(recipient, truncated).has_value());
  EXPECT_FALSE(suite.decrypt(recipient, Bytes{}).has_value());
  // The wrong recipient cannot decrypt.
  const KeyPair other = suite.derive_encryption_key(seed(10));
  EXPECT_FALSE(suite.decrypt(other, ct).has_value());
}

TEST_P(CryptoSuiteTest, CostsArePositiveAndOrdered) {
  const CryptoCosts& c = crypto_costs(GetParam());
  EXPECT_GT(c.hash_base_s, 0.0);
  EXPECT_GT(c.hash_per_byte_s, 0.0);
  EXPECT_GT(c.sign_s, c.hash_s(64));
  EXPECT_GT(c.verify_s, c.hash_s(64));
  EXPECT_GT(c.encrypt_base_s, 0.0);
  EXPECT_GT(c.decrypt_base_s, 0.0);
  EXPECT_GT(c.cipher_per_byte_s, 0.0);
  EXPECT_GT(c.hash_s(65536), c.hash_s(64));
  EXPECT_LT(c.sign_s, 0.01);  // seconds, not microseconds
}

INSTANTIATE_TEST_SUITE_P(Suites, CryptoSuiteTest, ::testing::Values(SuiteId::kSha256Ed25519, SuiteId::kSm3Sm2),
                         [](const auto& info) { return std::string(info.param == SuiteId::kSha256Ed25519 ? "Sha256Ed25519" : "Sm3Sm2"); });

}  // namespace
}  // namespace ebsim::ledger
