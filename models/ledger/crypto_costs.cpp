#include "models/ledger/crypto_costs.hpp"

namespace ebsim::ledger {
namespace {

// Calibrated 2026-11-22 on the development machine ("Intel(R) Xeon(R) Processor", 2 cores at
// 2.3 GHz, Debian 12, OpenSSL 3.0.22, g++ 12 RelWithDebInfo) with
//   build-ledger/ebsim_bench_crypto --benchmark_min_time=0.5 --benchmark_repetitions=5 --benchmark_format=json
// taking the minimum CPU time over the repetitions (other builds were running: load average 3-5)
// and fitting as docs/ledger.md "Redoing the calibration" describes. Raw figures: docs/ledger.md.

constexpr CryptoCosts kSha256Ed25519{
    .hash_base_s = 1.34e-7,        // SHA-256 of 64 B: 0.179 us
    .hash_per_byte_s = 6.93e-10,   // SHA-256 of 64 KiB: 45.6 us (1.44 GB/s)
    .sign_s = 5.57e-5,             // Ed25519 sign, 92-byte message: 55.9 us
    .verify_s = 1.46e-4,           // Ed25519 verify: 146 us
    .encrypt_base_s = 1.21e-4,     // X25519 keygen + agreement + HKDF + AES-256-GCM setup: 400 B in 121 us
    .decrypt_base_s = 1.01e-4,     // X25519 agreement + HKDF + GCM: 400 B in 101 us
    .cipher_per_byte_s = 2.82e-10, // AES-256-GCM, from 1 MiB encrypt/decrypt (411 / 403 us)
};

constexpr CryptoCosts kSm3Sm2{
    .hash_base_s = 3.77e-7,        // SM3 of 64 B: 0.635 us
    .hash_per_byte_s = 4.04e-9,    // SM3 of 64 KiB: 265 us (247 MB/s)
    .sign_s = 5.10e-4,             // SM2 sign with SM3 + ZA, 92-byte message, deterministic nonce: 510 us
    .verify_s = 4.41e-4,           // SM2 verify: 442 us
    .encrypt_base_s = 7.63e-4,     // SM2 encrypt (two scalar multiplications): 400 B in 774 us
    .decrypt_base_s = 3.69e-4,     // SM2 decrypt (one scalar multiplication): 400 B in 379 us
    .cipher_per_byte_s = 2.70e-8,  // SM2's SM3-KDF stream + C3 hash, from 1 MiB (32.0 / 25.7 ms)
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
