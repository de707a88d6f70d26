#pragma once
/** What every part of a management node shares: its fixed configuration (who is who, the
 * rotation), its outgoing side (messages, timers) and its CPU account. The collaborators of the
 * node shell (bid_intake, chain_store, co_signer, primary_role, rotation, subject_desk,
 * dispute_desk, the agreement protocol) each hold a reference to the one instance. */
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/consensus/consortium_rounds.hpp"
#include "models/consensus/management_node_params.hpp"
#include "models/core/node.hpp"
#include "models/ledger/crypto_costs.hpp"

namespace ebsim::consensus {

/** Kinds of a management node's timers. A tag holds the kind in bits 56..63, a generation counter
 * in bits 32..55 (stale timers of a round are recognised by it), the interval (or the fault's
 * position in its list) in bits 0..31. */
enum class ManagementTimer : std::uint64_t {
  kGateClosure = 1,  // k: gate closure of interval k (form and send the bundle / start collecting)
  kBundleWait = 2,   // k, gen: the primary stops waiting for bundles
  kVoteWait = 3,     // k, gen: the primary stops waiting for votes
  kDeadline = 4,     // k, gen: no block yet: fail over to the next primary in the rotation
  kSettle = 5,       // k: delivery of k is over: send settlement statements
  kCrash = 6,        // i: crashes[i] starts
  kRecover = 7,      // i: crashes[i] ends
  kAgreement = 8,    // k, gen: the agreement protocol's own timer (gen is the protocol's to read)
};

/** A timer tag as its parts. */
struct TimerTag {
  ManagementTimer kind = ManagementTimer::kGateClosure;  // what the timer is for
  std::uint32_t gen = 0;                                 // 24-bit generation
  IntervalIndex k = 0;                                   // interval or list position
};

/** The tag of a timer of `kind` with generation `gen` (low 24 bits) for `k` (low 32 bits). */
inline std::uint64_t make_timer_tag(ManagementTimer kind, std::uint64_t gen, std::uint64_t k) {
  return (static_cast<std::uint64_t>(kind) << 56) | ((gen & 0xFFFFFFull) << 32) | (k & 0xFFFFFFFFull);
}

/** The parts of a tag made by make_timer_tag. */
inline TimerTag parse_timer_tag(std::uint64_t tag) {
  return TimerTag{static_cast<ManagementTimer>(tag >> 56), static_cast<std::uint32_t>((tag >> 32) & 0xFFFFFFull),
                  static_cast<IntervalIndex>(tag & 0xFFFFFFFFull)};
}

/** A management node's configuration, outgoing side and CPU account. */
class ManagementCommon {
 public:
  /** Checks the parameters; throws std::invalid_argument if the suite, the directory or a
   * complete rotation order is missing. */
  explicit ManagementCommon(ManagementNodeParams params);

  /** The parameters the node was built with. */
  const ManagementNodeParams& params() const { return p_; }
  /** This node's management index. */
  std::uint32_t index() const { return p_.index; }
  /** Number of management nodes. */
  std::uint32_t count() const { return count_; }
  /** Node id of management node `m`. */
  NodeId node_of(std::uint32_t m) const { return p_.management_nodes.at(m); }
  /** The acting primary of round `k` after `shift` failovers: the rotation from k's scheduled primary. */
  std::uint32_t acting(IntervalIndex k, std::uint32_t shift) const {
    const std::uint32_t scheduled = p_.primary_by_interval.at(k);
    return p_.rotation_order[(rotation_pos_[scheduled] + shift) % count_];
  }
  /** The participants this node admitted, ascending. */
  const std::vector<ParticipantId>& subjects() const { return subjects_; }
  /** The calibrated CPU costs of the run's crypto suite. */
  const ledger::CryptoCosts& costs() const { return *costs_; }
  /** CPU charged so far. */
  const CpuUse& cpu() const { return cpu_; }

  /** Charge `s` seconds of cryptography. */
  void charge_crypto(NodeContext& ctx, double s) {
    cpu_.crypto_s += s;
    ctx.compute(s * ledger::kReferenceFlops);
  }
  /** Charge clearing `orders` orders. */
  void charge_clearing(NodeContext& ctx, std::size_t orders) {
    const double s = kClearingSecondsPerOrder * static_cast<double>(orders);
    cpu_.clearing_s += s;
    ctx.compute(s * ledger::kReferenceFlops);
  }
  /** Send a message of `type` and `size` bytes to node `to`. */
  void send(NodeContext& ctx, NodeId to, MessageType type, double size, std::shared_ptr<const MessageBody> body) const {
    ctx.send(to, Message{type, kNoNode, kNoNode, size, 0.0, std::move(body)});
  }
  /** Arm a timer of `kind` firing at `at_s` (now if past). */
  void arm(NodeContext& ctx, double at_s, ManagementTimer kind, std::uint64_t gen, std::uint64_t k) const {
    ctx.start_timer(std::max(0.0, at_s - ctx.now_s()), make_timer_tag(kind, gen, k));
  }

  /** Is this node Byzantine at `t` (then `*behaviour` says how)? */
  bool byzantine_now(double t, ByzantineFault::Behaviour* behaviour) const;
  /** Does this node misreport its subjects' results at `t`? */
  bool misreporting_now(double t) const;
  /** The interval's name in error messages. */
  std::string label(IntervalIndex k) const;
  /** `block`'s size on the wire. */
  double block_size(const ledger::Block& block) const { return block_wire_bytes(block, p_.sizes); }

 private:
  ManagementNodeParams p_;
  std::uint32_t count_ = 0;
  std::vector<std::size_t> rotation_pos_;  // position of management index m in the rotation order
  std::vector<ParticipantId> subjects_;
  const ledger::CryptoCosts* costs_ = nullptr;
  CpuUse cpu_;
};

}  // namespace ebsim::consensus
