#pragma once
/** The leader-election seam of the public chain (SPEC §5): how a node decides when it makes the
 * next block, and what a block is worth. One implementation per file, registered by name (pow.cpp:
 * "pow", pos.cpp: "pos"), the way clearing rules are (models/market/clearing_rule.hpp). Adding one
 * (e.g. proof of authority) is a .cpp with a class and a LeaderElectionRegistration.
 *
 * Each node owns its own election (it may keep state, e.g. PoW's mining generation). The node
 * drives it with three events, all per block or per slot, never per gossip message: the node
 * starts, its best chain changes, an election timer fires. The election answers with the timer to
 * arm and whether to make a block now; the node does the rest (mempool, tree, gossip).
 */
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/core/registry.hpp"
#include "models//core/rng.hpp"
#include "models/p2p/pow.hpp"  // PowParams: the PoW defaults, written once there

namespace ebsim::p2p {

/** What the elections read; each reads the fields it needs and ignores the others. */
struct LeaderElectionParams {
  double block_interval_s = PowParams{}.block_interval_s;  // PoW: network target interval T; PoS: slot length
  std::vector<double> shares;        // hash (PoW) or stake (PoS) share of each block maker, the same at every node
  std::optional<std::size_t> maker;  // this node's index in shares (none: it makes no blocks)
  std::uint64_t schedule_seed = 1;   // PoS: the leader schedule's seed (the same at every node)
  double network_hash_rate_hps = PowParams{}.network_hash_rate_hps;  // PoW: hashes per second of all makers together
  double joules_per_hash = PowParams{}.joules_per_hash;              // PoW: efficiency of the mining hardware
};

/** Election timer payloads fit in 56 bits: the node's timer tag keeps the timer kind above them. */
inline constexpr std::uint64_t kElectionPayloadMask = (std::uint64_t{1} << 56) - 1;

/** A timer the election wants armed: it fires after delay_s and hands payload back to on_timer. */
struct ElectionTimer {
  double delay_s = 0.0;       // from now
  std::uint64_t payload = 0;  // kept to kElectionPayloadMask
};

/** What the node does when an election timer fires, in this order. */
struct ElectionStep {
  bool stale = false;                          // the timer belonged to an old tip: ignored (P2pNodeStats::stale_timers)
  std::optional<std::uint64_t> make_in_slot;   // make a block now, recording this slot (PoW: 0)
  std::optional<ElectionTimer> next;           // then arm this timer
};

/** What the elections' blocks cost in total (PoW's hashes and their energy). */
struct ElectionCost {
  double hashes = 0.0;    // hashes spent on every block made, stale ones included
  double energy_j = 0.0;  // energy of those hashes
};

/** How one node takes part in choosing the next block's maker. */
class LeaderElection {
 public:
  virtual ~LeaderElection() = default;
  /** The name scenarios use (p2p.consensus). */
  virtual std::string_view name() const = 0;
  /** The election's code in the trace (p2p_chain.consensus: 0 pow, 1 pos). */
  virtual std::uint8_t trace_code() const = 0;
  /** Work of every block this election makes (the fork choice sums it). */
  virtual double block_work() const = 0;
  /** The node starts at now_s: its first timer, if it makes blocks. May draw from rng. */
  virtual std::optional<ElectionTimer> start(double now_s, Rng& rng) = 0;
  /** The node's best chain changed: a timer to arm (PoW redraws), or none. May draw from rng. */
  virtual std::optional<ElectionTimer> tip_changed(Rng& rng) = 0;
  /** An election timer with `payload` fired at now_s. */
  virtual ElectionStep on_timer(std::uint64_t payload, double now_s) = 0;
  /** Total cost of `blocks_made` blocks, if the election spends something measurable on them. */
  virtual std::optional<ElectionCost> cost(std::uint64_t blocks_made) const = 0;
};

/** Name -> factory. Elections register themselves with a static LeaderElectionRegistration. */
class LeaderElectionRegistry : public FactoryRegistry<LeaderElection, const LeaderElectionParams&> {
 public:
  /** The registry every election registers in. */
  static LeaderElectionRegistry& instance();
};

/** Put one of these at namespace scope in an election's .cpp to register it. */
using LeaderElectionRegistration = Registration<LeaderElectionRegistry>;

}  // namespace ebsim::p2p
