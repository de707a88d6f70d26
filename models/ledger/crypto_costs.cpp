#include "models/ledger/crypto_costs.hpp"

namespace ebsim::ledger {
namespace {

// Calibrated 2026-12-03 on the development machine ("Intel(R) Xeon(R) Processor", 2 cores at
// 2.3 GHz, Debian 12, OpenSSL 3.0, g++ 12 RelWithDebInfo), otherwise idle (load average < 1), with
//   build-lead/ebsim_bench_crypto --benchmark_min_time=0.5 --benchmark_repetitions=5 --benchmark_format=json
// taking the minimum CPU time over the repetitions and fitting as docs/ledger.md "Redoing the
// calibration" describes. Raw figures: docs/ledger.md. (The 2026-11-22 calibration, taken under
// load, was 1.3-2x slower.)

constexpr CryptoCosts kSha256Ed25519{
    .hash_base_s = 7.02e-8,        // SHA-256 of 64 B: 0.103 us
    .hash_per_byte_s = 5.06e-10,   // SHA-256 of 64 KiB: 33.2 us
    .sign_s = 3.23e-5,             // Ed25519 sign, 92-byte message: 32.4 us
    .verify_s = 8.53e-5,           // Ed25519 verify: 85.4 us
    .encrypt_base_s = 6.88e-5,     // X25519 keygen + agreement + HKDF + AES-256-GCM setup: 400 B in 68.9 us
    .decrypt_base_s = 6.98e-5,     // X25519 agreement + HKDF + GCM: 400 B in 69.9 us
    .cipher_per_byte_s = 1.89e-10, // AES-256-GCM, from 1 MiB encrypt/decrypt (273 / 261 us)
};

constexpr CryptoCosts kSm3Sm2{
    .hash_base_s = 2.06e-7,        // SM3 of 64 B: 0.366 us
    .hash_per_byte_s = 2.51e-9,    // SM3 of 64 KiB: 165 us
    .sign_s = 2.55e-4,             // SM2 sign with SM3 + ZA, 92-byte message, deterministic nonce: 255 us
    .verify_s = 2.37e-4,           // SM2 verify: 238 us
    .encrypt_base_s = 4.93e-4,     // SM2 encrypt (two scalar multiplications): 400 B in 500 us
    .decrypt_base_s = 2.54e-4,     // SM2 decrypt (one scalar multiplication): 400 B in 261 us
    .cipher_per_byte_s = 1.67e-8,  // SM2's SM3-KDF stream + C3 hash, from 1 MiB (18 / 17.8 ms)
};

}  // namespace

const CryptoCosts& crypto_costs(SuiteId suite) {
  switch (suite) {
    case SuiteId::kSha256Ed25519: return kSha256Ed25519;
    case SuiteId::kSm3Sm2: return kSm3Sm2;
  }
  return kSha256Ed25519;
}

}  // namespace ebsim::ledger
