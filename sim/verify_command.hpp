#pragma once
/** `ebsim verify TRACE.h5`: rebuild the consortium chain from the trace (/ledger_keys, /blocks,
 * /block_transactions, /block_signatures) and recompute every hash, Merkle root, link and
 * signature (ledger::verify_chain), plus the stored block hashes. Exit 0 when intact, 1 with the
 * first inconsistency (block, transaction, field), 2 for an unreadable trace or one without a
 * chain (a centralized run). */
#include <iosfwd>
#include <string>

namespace ebsim::sim {

/** What verify found. */
struct VerifyOutcome {
  bool intact = false;
  std::string report;  // the line(s) printed
};

/** Verify the chain in `trace_path`. Throws InputError for unreadable traces or ones with no chain. */
VerifyOutcome verify_trace(const std::string& trace_path);

}  // namespace ebsim::sim
