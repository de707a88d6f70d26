#pragma once
/** CPU time of the consortium's cryptography, charged as SimGrid computation on the host that
 * does the work, in both crypto modes (`real` does the work and charges these costs; `modeled`
 * only charges them). Measured on the development machine by `ebsim_bench_crypto` (see
 * docs/ledger.md for the figures and how to redo the calibration); a host of speed S flop/s
 * spends seconds * kReferenceFlops / S on an operation. */
#include "models/ledger/crypto_suite.hpp"

namespace ebsim::ledger {

/** Flop/s of one core of the calibration machine: a cost of 1 s is charged as this many flops. */
inline constexpr double kReferenceFlops = 1e10;

/** Seconds per operation on the calibration machine. */
struct CryptoCosts {
  double hash_base_s = 0.0;      // per hash call
  double hash_per_byte_s = 0.0;  // per byte hashed
  double sign_s = 0.0;           // one signature of a short message (the message's hash excluded)
  double verify_s = 0.0;         // one verification
  double encrypt_base_s = 0.0;   // one encryption (key agreement or SM2 point work)
  double decrypt_base_s = 0.0;   // one decryption
  double cipher_per_byte_s = 0.0;  // symmetric part, per byte (encrypt or decrypt)

  double hash_s(double bytes) const { return hash_base_s + hash_per_byte_s * bytes; }
  double encrypt_s(double bytes) const { return encrypt_base_s + cipher_per_byte_s * bytes; }
  double decrypt_s(double bytes) const { return decrypt_base_s + cipher_per_byte_s * bytes; }
};

/** The calibrated costs of `suite`. */
const CryptoCosts& crypto_costs(SuiteId suite);

}  // namespace ebsim::ledger
