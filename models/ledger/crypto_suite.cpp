/** The crypto suites over OpenSSL 3.0 (see docs/ledger.md "Suites" and "Determinism").
 *
 * Why SM2 signing is deterministic: OpenSSL's SM2 signer draws its per-signature nonce k (and the
 * blinding factor of the scalar multiplication) from the random generator of the library context
 * the key lives in (BN_priv_rand_range_ex -> RAND_priv_bytes_ex(libctx)). Each CryptoSuite of the
 * SM2 suite therefore owns a private OSSL_LIB_CTX whose DRBG type is OpenSSL's own "TEST-RAND"
 * (default provider), and before each signature it loads that generator with a byte stream derived
 * from H(domain || private key || H(message) || counter) — the RFC 6979 idea (nonce = function of
 * key and message) with the library doing all of the SM2 arithmetic. Only SM2 signing keys live in
 * that context; everything else (SM2 encryption, X25519 ephemeral keys, IVs) uses the default
 * context and OpenSSL's real DRBG. No global state is swapped, so other threads and other suites are
 * unaffected (RAND_set_rand_method would have been process-wide). */
#include "models/ledger/crypto_suite.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstring>
#include <map>
#include <unordered_map>
#include <stdexcept>
#include <string>

namespace ebsim::ledger {
namespace {

constexpr char kSm2Id[] = "1234567812345678";  // GM/T 0009 default distinguishing identifier
constexpr std::size_t kSm2IdLen = 16;
constexpr std::size_t kKeyCacheLimit = 4096;    // keys kept per cache before it is cleared
constexpr std::size_t kNonceStreamBytes = 512;  // enough for k and the ladder blinding, many retries
constexpr std::size_t kNonceStreamRetryBytes = 16384;
constexpr std::size_t kIvLen = 12;
constexpr std::size_t kTagLen = 16;
constexpr std::size_t kX25519Len = 32;
constexpr std::size_t kSm2PointLen = 65;

std::span<const std::uint8_t> text(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/** A real OpenSSL failure: throw with OpenSSL's error queue in the message. */
[[noreturn]] void fail(const std::string& what) {
  std::string msg = "OpenSSL: " + what;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    msg += "; ";
    msg += buf;
  }
  throw std::runtime_error(msg);
}

void check(int rc, const char* what) {
  if (rc <= 0) fail(what);
}

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); } };
struct BnFree { void operator()(BIGNUM* p) const { BN_clear_free(p); } };
struct BnCtxFree { void operator()(BN_CTX* p) const { BN_CTX_free(p); } };
struct PointFree { void operator()(EC_POINT* p) const { EC_POINT_free(p); } };
struct ParamBldFree { void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };
struct KdfCtxFree { void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); } };
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;
using PointPtr = std::unique_ptr<EC_POINT, PointFree>;

/** An SM2 key in `lib` from a 65-byte uncompressed point and, optionally, the 32-byte scalar.
 * nullptr if OpenSSL refuses it (point not on the curve, ...). */
PkeyPtr sm2_key(OSSL_LIB_CTX* lib, const std::uint8_t* private_scalar, std::span<const std::uint8_t> public_point) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld) fail("OSSL_PARAM_BLD_new");
  BnPtr d;
  if (!OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, public_point.data(), public_point.size()))
    fail("OSSL_PARAM_BLD_push");
  if (private_scalar != nullptr) {
    d.reset(BN_secure_new());
    if (!d || !BN_bin2bn(private_scalar, 32, d.get()) || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()))
      fail("SM2 private scalar");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) fail("OSSL_PARAM_BLD_to_param");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(lib, "SM2", nullptr));
  if (!ctx) fail("EVP_PKEY_CTX_new_from_name(SM2)");
  check(EVP_PKEY_fromdata_init(ctx.get()), "EVP_PKEY_fromdata_init");
  EVP_PKEY* pkey = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &pkey, private_scalar ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    ERR_clear_error();
    return nullptr;
  }
  return PkeyPtr(pkey);
}

bool canonical_sm2_point(std::span<const std::uint8_t> p) { return p.size() == kSm2PointLen && p[0] == 0x04; }

}  // namespace

std::string_view suite_name(SuiteId id) {
  switch (id) {
    case SuiteId::kSha256Ed25519: return "sha256-ed25519";
    case SuiteId::kSm3Sm2: return "sm3-sm2";
  }
  return "unknown";
}

std::optional<SuiteId> parse_suite(std::string_view name) {
  if (name == "sha256-ed25519") return SuiteId::kSha256Ed25519;
  if (name == "sm3-sm2") return SuiteId::kSm3Sm2;
  return std::nullopt;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

Digest hash_parts(const CryptoSuite& suite, std::initializer_list<std::span<const std::uint8_t>> parts) {
  std::size_t total = 0;
  for (auto p : parts) total += p.size();
  Bytes all;
  all.reserve(total);
  for (auto p : parts) all.insert(all.end(), p.begin(), p.end());
  return suite.hash(all);
}

struct CryptoSuite::Impl {
  SuiteId id;
  EVP_MD* md = nullptr;              // the suite's hash, fetched once
  EVP_MD_CTX* hash_ctx = nullptr;    // reused for hash()
  EVP_MD_CTX* sig_ctx = nullptr;     // reused for sign() and verify()
  EVP_CIPHER* aes_gcm = nullptr;     // sha256-ed25519 encryption
  EVP_CIPHER_CTX* cipher_ctx = nullptr;
  EVP_KDF* hkdf = nullptr;
  // sm3-sm2 only
  OSSL_LIB_CTX* sign_lib = nullptr;  // SM2 signing keys live here; its DRBG is a TEST-RAND we load per signature
  EC_GROUP* sm2_group = nullptr;
  BN_CTX* bn_ctx = nullptr;
  std::map<Bytes, PkeyPtr> sign_keys;    // private key -> key (signing)
  std::map<Bytes, PkeyPtr> verify_keys;  // public key -> key (verification)
  // remember_verifications(): outcome by digest of (lengths, key, message, signature)
  struct DigestHash {
    std::size_t operator()(const Digest& d) const {
      std::size_t h;
      std::memcpy(&h, d.data(), sizeof h);  // a cryptographic digest: any 8 bytes are uniform
      return h;
    }
  };
  std::unordered_map<Digest, bool, DigestHash> memo;
  std::size_t memo_capacity = 0;
  std::uint64_t verifications_done = 0, verifications_remembered = 0;

  explicit Impl(SuiteId suite) : id(suite) {
    hash_ctx = EVP_MD_CTX_new();
    sig_ctx = EVP_MD_CTX_new();
    cipher_ctx = EVP_CIPHER_CTX_new();
    if (!hash_ctx || !sig_ctx || !cipher_ctx) fail("context allocation");
    switch (suite) {
      case SuiteId::kSha256Ed25519:
        md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        aes_gcm = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
        hkdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
        if (!md || !aes_gcm || !hkdf) fail("fetching SHA256 / AES-256-GCM / HKDF");
        break;
      case SuiteId::kSm3Sm2: {
        md = EVP_MD_fetch(nullptr, "SM3", nullptr);
        if (!md) fail("fetching SM3");
        sign_lib = OSSL_LIB_CTX_new();
        if (!sign_lib) fail("OSSL_LIB_CTX_new");
        check(RAND_set_DRBG_type(sign_lib, "TEST-RAND", nullptr, nullptr, nullptr), "RAND_set_DRBG_type(TEST-RAND)");
        sm2_group = EC_GROUP_new_by_curve_name(NID_sm2);
        bn_ctx = BN_CTX_new();
        if (!sm2_group || !bn_ctx) fail("SM2 group");
        break;
      }
    }
  }

  ~Impl() {
    sign_keys.clear();
    verify_keys.clear();
    EVP_MD_free(md);
    EVP_MD_CTX_free(hash_ctx);
    EVP_MD_CTX_free(sig_ctx);
    EVP_CIPHER_free(aes_gcm);
    EVP_CIPHER_CTX_free(cipher_ctx);
    EVP_KDF_free(hkdf);
    EC_GROUP_free(sm2_group);
    BN_CTX_free(bn_ctx);
    OSSL_LIB_CTX_free(sign_lib);
  }

  Digest hash(std::span<const std::uint8_t> data) {
    Digest out{};
    unsigned int len = 0;
    if (EVP_DigestInit_ex(hash_ctx, md, nullptr) != 1 || EVP_DigestUpdate(hash_ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(hash_ctx, out.data(), &len) != 1 || len != out.size())
      fail("digest");
    return out;
  }

  Digest derive(std::string_view domain, const Digest& seed, std::uint8_t counter) {
    Bytes buf(text(domain).begin(), text(domain).end());
    buf.insert(buf.end(), seed.begin(), seed.end());
    buf.push_back(counter);
    return hash(buf);
  }

  /** d in [1, n-2] from 64 hashed bytes (negligible bias), and its uncompressed public point. */
  KeyPair derive_sm2(std::string_view domain, const Digest& seed) {
    std::uint8_t wide[64];
    Digest a = derive(domain, seed, 0), b = derive(domain, seed, 1);
    std::memcpy(wide, a.data(), 32);
    std::memcpy(wide + 32, b.data(), 32);
    BnPtr x(BN_bin2bn(wide, sizeof wide, nullptr)), m(BN_new()), d(BN_secure_new());
    if (!x || !m || !d) fail("BN_new");
    const BIGNUM* n = EC_GROUP_get0_order(sm2_group);
    check(BN_copy(m.get(), n) != nullptr, "BN_copy");
    check(BN_sub_word(m.get(), 2), "BN_sub_word");
    check(BN_nnmod(d.get(), x.get(), m.get(), bn_ctx), "BN_nnmod");
    check(BN_add_word(d.get(), 1), "BN_add_word");
    PointPtr q(EC_POINT_new(sm2_group));
    if (!q) fail("EC_POINT_new");
    check(EC_POINT_mul(sm2_group, q.get(), d.get(), nullptr, nullptr, bn_ctx), "EC_POINT_mul");
    KeyPair kp;
    kp.private_key.resize(32);
    check(BN_bn2binpad(d.get(), kp.private_key.data(), 32) == 32 ? 1 : 0, "BN_bn2binpad");
    kp.public_key.resize(kSm2PointLen);
    check(EC_POINT_point2oct(sm2_group, q.get(), POINT_CONVERSION_UNCOMPRESSED, kp.public_key.data(), kSm2PointLen,
                             bn_ctx) == kSm2PointLen ? 1 : 0,
          "EC_POINT_point2oct");
    return kp;
  }

  KeyPair derive_raw(const char* alg, std::string_view domain, const Digest& seed) {
    Digest priv = derive(domain, seed, 0);
    PkeyPtr pkey(EVP_PKEY_new_raw_private_key_ex(nullptr, alg, nullptr, priv.data(), priv.size()));
    if (!pkey) fail(std::string("EVP_PKEY_new_raw_private_key_ex(") + alg + ")");
    KeyPair kp;
    kp.private_key.assign(priv.begin(), priv.end());
    kp.public_key.resize(32);
    std::size_t len = 32;
    check(EVP_PKEY_get_raw_public_key(pkey.get(), kp.public_key.data(), &len), "EVP_PKEY_get_raw_public_key");
    return kp;
  }

  template <typename Make>
  EVP_PKEY* cached(std::map<Bytes, PkeyPtr>& cache, std::span<const std::uint8_t> k, Make make) {
    Bytes key(k.begin(), k.end());
    auto it = cache.find(key);
    if (it != cache.end()) return it->second.get();
    PkeyPtr made = make();
    if (!made) return nullptr;
    if (cache.size() >= kKeyCacheLimit) cache.clear();
    return cache.emplace(std::move(key), std::move(made)).first->second.get();
  }

  EVP_PKEY* signing_key(const KeyPair& kp) {
    switch (id) {
      case SuiteId::kSha256Ed25519:
        if (kp.private_key.size() != 32) throw std::invalid_argument("Ed25519 private key must be 32 bytes");
        return cached(sign_keys, kp.private_key, [&] {
          PkeyPtr p(EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, kp.private_key.data(), 32));
          if (!p) fail("Ed25519 private key");
          return p;
        });
      case SuiteId::kSm3Sm2:
        if (kp.private_key.size() != 32 || !canonical_sm2_point(kp.public_key))
          throw std::invalid_argument("SM2 key pair must be a 32-byte scalar and a 65-byte uncompressed point");
        return cached(sign_keys, kp.private_key, [&] {
          PkeyPtr p = sm2_key(sign_lib, kp.private_key.data(), kp.public_key);
          if (!p) fail("SM2 signing key");
          return p;
        });
    }
    return nullptr;
  }

  /** nullptr if the bytes are not a valid public key of the suite. */
  EVP_PKEY* verification_key(std::span<const std::uint8_t> pub) {
    switch (id) {
      case SuiteId::kSha256Ed25519:
        if (pub.size() != 32) return nullptr;
        return cached(verify_keys, pub, [&] {
          PkeyPtr p(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, pub.data(), pub.size()));
          if (!p) ERR_clear_error();
          return p;
        });
      case SuiteId::kSm3Sm2:
        if (!canonical_sm2_point(pub)) return nullptr;
        return cached(verify_keys, pub, [&] { return sm2_key(nullptr, nullptr, pub); });
    }
    return nullptr;
  }

  /** Load the signing context's TEST-RAND with H(domain || d || H(msg) || counter), counter = 0, 1, ... */
  void load_nonce_stream(const KeyPair& kp, std::span<const std::uint8_t> message, std::size_t bytes) {
    const Digest mh = hash(message);
    Bytes block;
    Bytes stream;
    stream.reserve(bytes);
    constexpr std::string_view kDomain = "ebsim/sm2-nonce/v1";
    for (std::uint32_t counter = 0; stream.size() < bytes; ++counter) {
      block.assign(kDomain.begin(), kDomain.end());
      block.insert(block.end(), kp.private_key.begin(), kp.private_key.end());
      block.insert(block.end(), mh.begin(), mh.end());
      for (int i = 0; i < 4; ++i) block.push_back(static_cast<std::uint8_t>(counter >> (8 * i)));
      Digest d = hash(block);
      stream.insert(stream.end(), d.begin(), d.end());
    }
    EVP_RAND_CTX* drbg = RAND_get0_private(sign_lib);
    if (!drbg) fail("RAND_get0_private (SM2 signing context)");
    unsigned int strength = 256;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_ENTROPY, stream.data(), stream.size()),
        OSSL_PARAM_construct_uint(OSSL_RAND_PARAM_STRENGTH, &strength),
        OSSL_PARAM_construct_end(),
    };
    check(EVP_RAND_CTX_set_params(drbg, params), "loading the SM2 nonce stream");
    OPENSSL_cleanse(stream.data(), stream.size());
  }

  bool try_sign_sm2(EVP_PKEY* key, std::span<const std::uint8_t> message, Bytes& sig) {
    EVP_MD_CTX_reset(sig_ctx);
    EVP_PKEY_CTX* pctx = nullptr;
    check(EVP_DigestSignInit_ex(sig_ctx, &pctx, "SM3", sign_lib, nullptr, key, nullptr), "EVP_DigestSignInit_ex(SM2)");
    check(EVP_PKEY_CTX_set1_id(pctx, kSm2Id, kSm2IdLen), "EVP_PKEY_CTX_set1_id");
    std::size_t len = 0;
    check(EVP_DigestSign(sig_ctx, nullptr, &len, message.data(), message.size()), "EVP_DigestSign(size)");
    sig.resize(len);
    if (EVP_DigestSign(sig_ctx, sig.data(), &len, message.data(), message.size()) <= 0) return false;
    sig.resize(len);
    return true;
  }

  Bytes sign(const KeyPair& kp, std::span<const std::uint8_t> message) {
    EVP_PKEY* key = signing_key(kp);
    Bytes sig;
    switch (id) {
      case SuiteId::kSha256Ed25519: {
        EVP_MD_CTX_reset(sig_ctx);
        check(EVP_DigestSignInit_ex(sig_ctx, nullptr, nullptr, nullptr, nullptr, key, nullptr), "EVP_DigestSignInit_ex(Ed25519)");
        std::size_t len = 64;
        sig.resize(len);
        check(EVP_DigestSign(sig_ctx, sig.data(), &len, message.data(), message.size()), "EVP_DigestSign(Ed25519)");
        sig.resize(len);
        return sig;
      }
      case SuiteId::kSm3Sm2:
        load_nonce_stream(kp, message, kNonceStreamBytes);
        if (try_sign_sm2(key, message, sig)) return sig;
        // The stream ran out (rejection sampling retried many times): redo with a longer one; the
        // same prefix is consumed the same way, so the result is still a function of key+message.
        ERR_clear_error();
        load_nonce_stream(kp, message, kNonceStreamRetryBytes);
        if (try_sign_sm2(key, message, sig)) return sig;
        fail("EVP_DigestSign(SM2)");
    }
    return sig;
  }

  bool verify(std::span<const std::uint8_t> pub, std::span<const std::uint8_t> message,
              std::span<const std::uint8_t> sig) {
    EVP_PKEY* key = verification_key(pub);
    if (!key || sig.empty()) return false;
    EVP_MD_CTX_reset(sig_ctx);
    int rc = 0;
    switch (id) {
      case SuiteId::kSha256Ed25519:
        if (sig.size() != 64) return false;
        if (EVP_DigestVerifyInit_ex(sig_ctx, nullptr, nullptr, nullptr, nullptr, key, nullptr) <= 0)
          fail("EVP_DigestVerifyInit_ex(Ed25519)");
        rc = EVP_DigestVerify(sig_ctx, sig.data(), sig.size(), message.data(), message.size());
        break;
      case SuiteId::kSm3Sm2: {
        EVP_PKEY_CTX* pctx = nullptr;
        if (EVP_DigestVerifyInit_ex(sig_ctx, &pctx, "SM3", nullptr, nullptr, key, nullptr) <= 0)
          fail("EVP_DigestVerifyInit_ex(SM2)");
        check(EVP_PKEY_CTX_set1_id(pctx, kSm2Id, kSm2IdLen), "EVP_PKEY_CTX_set1_id");
        rc = EVP_DigestVerify(sig_ctx, sig.data(), sig.size(), message.data(), message.size());
        break;
      }
    }
    if (rc != 1) ERR_clear_error();
    return rc == 1;
  }

  /** HKDF-SHA256(shared; salt = ephemeral pub || recipient pub) -> 32-byte AES key. */
  std::array<std::uint8_t, 32> aes_key(const std::uint8_t* shared, std::span<const std::uint8_t> eph_pub,
                                       std::span<const std::uint8_t> recipient_pub) {
    std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> kctx(EVP_KDF_CTX_new(hkdf));
    if (!kctx) fail("EVP_KDF_CTX_new");
    std::uint8_t salt[2 * kX25519Len];
    std::memcpy(salt, eph_pub.data(), kX25519Len);
    std::memcpy(salt + kX25519Len, recipient_pub.data(), kX25519Len);
    static constexpr char kInfo[] = "ebsim/x25519-hkdf-sha256-aes256gcm/v1";
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(shared), kX25519Len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, sizeof salt),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(kInfo), sizeof kInfo - 1),
        OSSL_PARAM_construct_end(),
    };
    std::array<std::uint8_t, 32> key{};
    check(EVP_KDF_derive(kctx.get(), key.data(), key.size(), params), "HKDF");
    return key;
  }

  /** X25519(own, peer) into `shared`; false if OpenSSL refuses (e.g. a low-order peer point). */
  static bool x25519(EVP_PKEY* own, EVP_PKEY* peer, std::uint8_t* shared) {
    PkeyCtxPtr dctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    if (!dctx) fail("EVP_PKEY_CTX_new_from_pkey");
    std::size_t len = kX25519Len;
    if (EVP_PKEY_derive_init(dctx.get()) <= 0 || EVP_PKEY_derive_set_peer(dctx.get(), peer) <= 0 ||
        EVP_PKEY_derive(dctx.get(), shared, &len) <= 0 || len != kX25519Len) {
      ERR_clear_error();
      return false;
    }
    return true;
  }

  Bytes encrypt(std::span<const std::uint8_t> recipient, std::span<const std::uint8_t> plaintext) {
    switch (id) {
      case SuiteId::kSha256Ed25519: {
        if (recipient.size() != kX25519Len) throw std::invalid_argument("X25519 public key must be 32 bytes");
        PkeyPtr peer(EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, recipient.data(), recipient.size()));
        if (!peer) fail("X25519 recipient key");
        PkeyPtr eph(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
        if (!eph) fail("X25519 keygen");
        Bytes out(kX25519Len + kIvLen + plaintext.size() + kTagLen);
        std::size_t len = kX25519Len;
        check(EVP_PKEY_get_raw_public_key(eph.get(), out.data(), &len), "EVP_PKEY_get_raw_public_key");
        std::uint8_t shared[kX25519Len];
        if (!x25519(eph.get(), peer.get(), shared)) throw std::runtime_error("OpenSSL: X25519 key agreement failed (invalid recipient key)");
        auto key = aes_key(shared, std::span(out.data(), kX25519Len), recipient);
        OPENSSL_cleanse(shared, sizeof shared);
        std::uint8_t* iv = out.data() + kX25519Len;
        check(RAND_bytes(iv, kIvLen), "RAND_bytes");
        std::uint8_t* ct = iv + kIvLen;
        int n = 0, fin = 0;
        check(EVP_EncryptInit_ex2(cipher_ctx, aes_gcm, key.data(), iv, nullptr), "EVP_EncryptInit_ex2");
        check(EVP_EncryptUpdate(cipher_ctx, ct, &n, plaintext.data(), static_cast<int>(plaintext.size())) || plaintext.empty(),
              "EVP_EncryptUpdate");
        check(EVP_EncryptFinal_ex(cipher_ctx, ct + n, &fin), "EVP_EncryptFinal_ex");
        check(EVP_CIPHER_CTX_ctrl(cipher_ctx, EVP_CTRL_GCM_GET_TAG, kTagLen, ct + plaintext.size()), "GCM tag");
        OPENSSL_cleanse(key.data(), key.size());
        return out;
      }
      case SuiteId::kSm3Sm2: {
        if (!canonical_sm2_point(recipient)) throw std::invalid_argument("SM2 public key must be a 65-byte uncompressed point");
        PkeyPtr key = sm2_key(nullptr, nullptr, recipient);
        if (!key) throw std::invalid_argument("SM2 public key is not a point on the curve");
        PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
        if (!ctx) fail("EVP_PKEY_CTX_new_from_pkey");
        check(EVP_PKEY_encrypt_init(ctx.get()), "EVP_PKEY_encrypt_init(SM2)");
        std::size_t len = 0;
        check(EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plaintext.data(), plaintext.size()), "EVP_PKEY_encrypt(size)");
        Bytes out(len);
        check(EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plaintext.data(), plaintext.size()), "EVP_PKEY_encrypt(SM2)");
        out.resize(len);
        return out;
      }
    }
    return {};
  }

  std::optional<Bytes> decrypt(const KeyPair& recipient, std::span<const std::uint8_t> ciphertext) {
    switch (id) {
      case SuiteId::kSha256Ed25519: {
        if (recipient.private_key.size() != kX25519Len || recipient.public_key.size() != kX25519Len)
          throw std::invalid_argument("X25519 key pair must be 32-byte keys");
        if (ciphertext.size() < kX25519Len + kIvLen + kTagLen) return std::nullopt;
        PkeyPtr own(EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, recipient.private_key.data(), kX25519Len));
        if (!own) fail("X25519 private key");
        PkeyPtr peer(EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, ciphertext.data(), kX25519Len));
        if (!peer) {
          ERR_clear_error();
          return std::nullopt;
        }
        std::uint8_t shared[kX25519Len];
        if (!x25519(own.get(), peer.get(), shared)) return std::nullopt;
        auto key = aes_key(shared, ciphertext.first(kX25519Len), recipient.public_key);
        OPENSSL_cleanse(shared, sizeof shared);
        const std::uint8_t* iv = ciphertext.data() + kX25519Len;
        const std::uint8_t* ct = iv + kIvLen;
        const std::size_t ct_len = ciphertext.size() - kX25519Len - kIvLen - kTagLen;
        Bytes out(ct_len + 16);
        int n = 0, fin = 0;
        check(EVP_DecryptInit_ex2(cipher_ctx, aes_gcm, key.data(), iv, nullptr), "EVP_DecryptInit_ex2");
        OPENSSL_cleanse(key.data(), key.size());
        check(EVP_DecryptUpdate(cipher_ctx, out.data(), &n, ct, static_cast<int>(ct_len)) || ct_len == 0, "EVP_DecryptUpdate");
        check(EVP_CIPHER_CTX_ctrl(cipher_ctx, EVP_CTRL_GCM_SET_TAG, kTagLen, const_cast<std::uint8_t*>(ct + ct_len)),
              "GCM set tag");
        if (EVP_DecryptFinal_ex(cipher_ctx, out.data() + n, &fin) <= 0) {
          ERR_clear_error();
          return std::nullopt;
        }
        out.resize(static_cast<std::size_t>(n + fin));
        return out;
      }
      case SuiteId::kSm3Sm2: {
        if (recipient.private_key.size() != 32 || !canonical_sm2_point(recipient.public_key))
          throw std::invalid_argument("SM2 key pair must be a 32-byte scalar and a 65-byte uncompressed point");
        PkeyPtr key = sm2_key(nullptr, recipient.private_key.data(), recipient.public_key);
        if (!key) fail("SM2 decryption key");
        PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
        if (!ctx) fail("EVP_PKEY_CTX_new_from_pkey");
        check(EVP_PKEY_decrypt_init(ctx.get()), "EVP_PKEY_decrypt_init(SM2)");
        std::size_t len = 0;
        if (EVP_PKEY_decrypt(ctx.get(), nullptr, &len, ciphertext.data(), ciphertext.size()) <= 0) {
          ERR_clear_error();
          return std::nullopt;
        }
        Bytes out(len);
        if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, ciphertext.data(), ciphertext.size()) <= 0) {
          ERR_clear_error();
          return std::nullopt;
        }
        out.resize(len);
        return out;
      }
    }
    return std::nullopt;
  }
};

CryptoSuite::CryptoSuite(SuiteId id) : id_(id), impl_(std::make_unique<Impl>(id)) {}
CryptoSuite::~CryptoSuite() = default;

Digest CryptoSuite::hash(std::span<const std::uint8_t> data) const { return impl_->hash(data); }

KeyPair CryptoSuite::derive_signing_key(const Digest& seed) const {
  switch (id_) {
    case SuiteId::kSha256Ed25519: return impl_->derive_raw("ED25519", "ebsim/ed25519-sign/v1", seed);
    case SuiteId::kSm3Sm2: return impl_->derive_sm2("ebsim/sm2-sign/v1", seed);
  }
  return {};
}

Bytes CryptoSuite::sign(const KeyPair& key, std::span<const std::uint8_t> message) const {
  return impl_->sign(key, message);
}

bool CryptoSuite::verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                         std::span<const std::uint8_t> signature) const {
  Impl& m = *impl_;
  if (m.memo_capacity == 0) {
    ++m.verifications_done;
    return m.verify(public_key, message, signature);
  }
  // Lengths first, so that no two different triples concatenate to the same bytes.
  const std::uint64_t lengths[3] = {public_key.size(), message.size(), signature.size()};
  const auto* length_bytes = reinterpret_cast<const std::uint8_t*>(lengths);
  const Digest key = hash_parts(*this, {std::span(length_bytes, sizeof lengths), public_key, message, signature});
  if (const auto it = m.memo.find(key); it != m.memo.end()) {
    ++m.verifications_remembered;
    return it->second;
  }
  ++m.verifications_done;
  const bool ok = m.verify(public_key, message, signature);
  if (m.memo.size() >= m.memo_capacity) m.memo.clear();
  m.memo.emplace(key, ok);
  return ok;
}

void CryptoSuite::remember_verifications(std::size_t capacity) {
  impl_->memo_capacity = capacity;
  impl_->memo.clear();
}
std::uint64_t CryptoSuite::verifications_done() const { return impl_->verifications_done; }
std::uint64_t CryptoSuite::verifications_remembered() const { return impl_->verifications_remembered; }

KeyPair CryptoSuite::derive_encryption_key(const Digest& seed) const {
  switch (id_) {
    case SuiteId::kSha256Ed25519: return impl_->derive_raw("X25519", "ebsim/x25519-encrypt/v1", seed);
    case SuiteId::kSm3Sm2: return impl_->derive_sm2("ebsim/sm2-encrypt/v1", seed);
  }
  return {};
}

Bytes CryptoSuite::encrypt(std::span<const std::uint8_t> recipient_public_key,
                           std::span<const std::uint8_t> plaintext) const {
  return impl_->encrypt(recipient_public_key, plaintext);
}

std::optional<Bytes> CryptoSuite::decrypt(const KeyPair& recipient, std::span<const std::uint8_t> ciphertext) const {
  return impl_->decrypt(recipient, ciphertext);
}

}  // namespace ebsim::ledger
