#pragma once
/** The consortium's cryptography (SPEC §4, §7), done by OpenSSL: a hash, a signature scheme and
 * public-key encryption, in two suites: SHA-256 + Ed25519 (+ X25519/AES-256-GCM for encryption),
 * the default, and the Chinese national standards SM3 + SM2 (+ SM2 encryption).
 *
 * Keys are derived from seed material, and signatures are deterministic in both suites (Ed25519
 * is by design; SM2's per-signature nonce is derived from the key and the message), so the same
 * scenario and seed give byte-identical ledgers. Ciphertexts never reach the trace.
 */
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ebsim::ledger {

using Bytes = std::vector<std::uint8_t>;
/** SHA-256 and SM3 digests are both 32 bytes. */
using Digest = std::array<std::uint8_t, 32>;

enum class SuiteId : std::uint8_t {
  kSha256Ed25519 = 0,  // scenario name "sha256-ed25519"
  kSm3Sm2 = 1,         // scenario name "sm3-sm2"
};

/** The name used in scenarios and traces. */
std::string_view suite_name(SuiteId id);
/** The suite called `name`, or nullopt. */
std::optional<SuiteId> parse_suite(std::string_view name);

/** A key pair in raw encodings: Ed25519 and X25519 32-byte private and public keys; SM2 a 32-byte
 * private scalar and a 65-byte uncompressed public point. */
struct KeyPair {
  Bytes private_key;
  Bytes public_key;
};

/** One suite's operations. Not thread-safe (it keeps reusable OpenSSL contexts); one per thread. */
class CryptoSuite {
 public:
  explicit CryptoSuite(SuiteId id);
  ~CryptoSuite();
  CryptoSuite(const CryptoSuite&) = delete;
  CryptoSuite& operator=(const CryptoSuite&) = delete;

  SuiteId id() const { return id_; }

  /** The suite's hash of `data`. */
  Digest hash(std::span<const std::uint8_t> data) const;

  /** A signing key pair derived deterministically from `seed` (same seed, same keys). */
  KeyPair derive_signing_key(const Digest& seed) const;
  /** Sign `message`; deterministic. */
  Bytes sign(const KeyPair& key, std::span<const std::uint8_t> message) const;
  /** True iff `signature` is `public_key`'s valid signature of `message`. Malformed keys or
   * signatures are simply invalid (false), never an exception. */
  bool verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
              std::span<const std::uint8_t> signature) const;
  /** Remember the outcome of up to `capacity` verifications, keyed by the suite's hash of
   * (public key, message, signature), so that the same signature checked again (in a run, every
   * management node checks every co-signature of every block) is answered without redoing the
   * work; the answer is the same by construction, and callers still charge the simulated CPU
   * time of each check. Any changed byte is a different key, hence a real check. When full, the
   * memo starts afresh. Off (0) by default; `ebsim verify` never uses it. */
  void remember_verifications(std::size_t capacity);
  /** Verifications really done / answered from the memo, since construction. */
  std::uint64_t verifications_done() const;
  std::uint64_t verifications_remembered() const;

  /** An encryption key pair derived deterministically from `seed` (X25519 or SM2). */
  KeyPair derive_encryption_key(const Digest& seed) const;
  /** Encrypt `plaintext` for the holder of `recipient_public_key` (an encryption key). */
  Bytes encrypt(std::span<const std::uint8_t> recipient_public_key, std::span<const std::uint8_t> plaintext) const;
  /** Decrypt; nullopt if the ciphertext is not authentic for `recipient`. */
  std::optional<Bytes> decrypt(const KeyPair& recipient, std::span<const std::uint8_t> ciphertext) const;

 private:
  struct Impl;
  SuiteId id_;
  std::unique_ptr<Impl> impl_;
};

/** Digest of the concatenation of byte strings (convenience for seeds and domain separation). */
Digest hash_parts(const CryptoSuite& suite, std::initializer_list<std::span<const std::uint8_t>> parts);

/** Lower-case hexadecimal. */
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace ebsim::ledger
