#pragma once
/** Configuration of the consortium design (SPEC §4) as the management nodes see it: plain data,
 * filled by sim/ from the scenario's `consortium:` and `faults:` sections. */
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/ledger/crypto_suite.hpp"
#include "models/market/security_check.hpp"

namespace ebsim::consensus {

/** The agreement protocol a consortium uses unless its scenario names another (a name in
 * AgreementProtocolRegistry, models/consensus/agreement.hpp). */
inline constexpr const char* kDefaultAgreementProtocol = "rotating_primary";

/** Whether participants' per-bid cryptography is really done or only charged (SPEC §4, issue 3). */
enum class CryptoMode : std::uint8_t {
  kReal = 0,     // sign, encrypt, decrypt and verify every bid with OpenSSL, and charge the calibrated CPU time
  kModeled = 1,  // charge the calibrated CPU time only (for large runs); parties' signatures are absent from blocks
};

/** What each participant keeps of the chain; the sync traffic is simulated. */
enum class ChainSync : std::uint8_t {
  kFull = 0,     // every block
  kHeaders = 1,  // every header, plus its own trades
  kNone = 2,     // nothing
};

/** Security-constrained clearing among management nodes (seed 003 Fig. 5). */
enum class SecurityOption : std::uint8_t {
  kNone = 0,
  kCancelLast = 1,  // option A: cancel the trades declared last until every node passes the result
  kReopen = 2,      // option B: cancel, then re-open bidding on the remaining tie-line capacity
};

/** A management node stops at `at_s` for `duration_s`: it loses its volatile state (not its
 * chain or the bids it acknowledged, which are on disk), ignores every message and timer, and
 * on recovery catches up from the others. */
struct CrashFault {
  std::uint32_t node = 0;  // management node index
  double at_s = 0.0;
  double duration_s = 0.0;
};

/** A Byzantine management node: while in office as primary during [from_s, until_s) it alters
 * the clearing result before proposing it. */
struct ByzantineFault {
  enum class Behaviour : std::uint8_t {
    kFavourOwnArea = 0,  // raises the price its own area's sellers receive / lowers what its buyers pay
    kDropOtherAreas = 1, // leaves out the trades of other areas' participants
  };
  std::uint32_t node = 0;
  Behaviour behaviour = Behaviour::kFavourOwnArea;
  double from_s = 0.0;
  double until_s = 0.0;
};

/** A management node that tells its own subjects wrong results during [from_s, until_s) (it
 * halves their matched quantities), so they dispute. */
struct MisreportFault {
  std::uint32_t node = 0;
  double from_s = 0.0;
  double until_s = 0.0;
};

/** Message sizes of the consortium protocol (bytes on the wire, headers included). */
struct ConsortiumSizes {
  double signature_bytes = 64;     // per signature carried (SM2 DER: ~72)
  double envelope_bytes = 120;     // encryption + timestamp + digest overhead per sealed message
  double bundle_per_order_bytes = 120;  // per order forwarded in a bundle
  double proposal_per_trade_bytes = 110;  // per trade in a proposal or block
  double header_bytes = 160;       // block header
  double query_bytes = 150;        // participant result query
  double control_bytes = 200;      // votes, heartbeats, PBFT messages, catch-up requests (plus signatures)
};

struct ConsortiumTimeouts {
  double bundle_wait_s = 60.0;     // after gate closure, how long the primary waits for missing bundles
  double vote_wait_s = 30.0;       // how long a primary waits for co-signatures before retrying / deciding
  double failover_s = 30.0;        // a primary silent this long (no proposal after the bundle wait) is taken as failed
  std::uint32_t max_dispute_rounds = 3;  // re-clearings one interval may get through disputes
  std::uint32_t max_security_rounds = 10;  // objection rounds of the security check per interval
};

}  // namespace ebsim::consensus
