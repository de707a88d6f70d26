#pragma once
/** The rounds (one per interval) in progress at a management node: volatile state, lost in a
 * crash, shared by the parts that run a round (rotation, primary_role) and those that answer
 * about it (subject_desk, dispute_desk, the agreement protocol). */
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "models/consensus/consortium_messages.hpp"
#include "models/consensus/consortium_rounds.hpp"

namespace ebsim::consensus {

/** A round (one interval) in progress at this node. */
struct RoundState {
  std::uint32_t shift = 0;          // failovers seen: acting primary = rotation[pos(scheduled) + shift]
  std::uint32_t deadline_gen = 0;   // current failover deadline timer
  std::uint32_t primary_gen = 0;    // current bundle/vote wait timer
  std::set<std::uint32_t> refused_primaries;                      // given up on after majority refusals
  std::map<std::uint32_t, std::set<std::uint32_t>> refusals;      // primary -> nodes that refused it
  std::vector<std::pair<NodeId, OrderId>> held_queries;           // subjects' queries before the block
  std::optional<std::vector<market::Trade>> cosigned;  // the trades this node last co-signed (PBFT validation)
  std::optional<std::uint32_t> cosigned_shift;         // the shift whose primary it co-signed for
  bool catch_up_asked = false;                         // before failing over a primary it co-signed for
  std::map<std::uint32_t, std::shared_ptr<const BundleBody>> received;  // verified bundles sent to this node
  // primary role
  bool collecting = false;          // acting primary, collecting bundles
  bool proposed = false;            // a proposal of the current attempt is out
  bool pending_finalize = false;    // the block waits for earlier blocks (catch-up)
  std::map<std::uint32_t, std::shared_ptr<const BundleBody>> bundles;  // by sender (own included)
  std::set<std::uint32_t> excluded;  // nodes whose bundle was dropped (no vote in time)
  std::vector<std::vector<std::size_t>> security_rounds;  // objected branches per security round
  std::map<std::size_t, std::uint32_t> objector;  // branch -> first node that objected
  std::size_t iterations_emitted = 0;  // security iterations already emitted as objections
  std::uint32_t attempt = 0;           // proposals made
  double proposal_s = -1.0;            // first proposal; -1: none yet
  std::shared_ptr<const ProposalBody> proposal;  // the current attempt's
  RoundOutcomeData outcome;                      // its clearing
  std::map<std::uint32_t, std::shared_ptr<const VoteBody>> votes;  // current attempt
};

/** Every round in progress, and how far the gate closures have gone. */
struct RoundTable {
  std::map<IntervalIndex, RoundState> by_interval;  // volatile: cleared by a crash
  std::int64_t last_gate_done = -1;                 // last gate closure acted on (kept over a crash)

  /** Has the gate closure of `k` been acted on? */
  bool gate_done(IntervalIndex k) const { return static_cast<std::int64_t>(k) <= last_gate_done; }
};

}  // namespace ebsim::consensus
