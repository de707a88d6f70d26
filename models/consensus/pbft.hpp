#pragma once
/** PBFT (Castro & Liskov, OSDI 1999) among the consortium's management nodes, as the standard
 * protocol to compare the rotating primary with (issue 3). One instance agrees on one value (a
 * round's block, known by its digest) for one sequence number; a run keeps one instance per
 * market interval. A pure state machine: it is fed messages and timeouts and answers with
 * actions, so it is tested without any engine and the management node wraps it.
 *
 * Replicas 0..n-1, n = 3f + 1 >= 4 tolerates f faulty (n < 4: f = 0, still correct). The primary
 * of view v is leaders[v mod n] (the consortium's rotation order, started at the round's scheduled
 * primary). Normal case: the primary multicasts PRE-PREPARE(v, s, d); a backup that accepts the
 * value (the validator re-runs the clearing) multicasts PREPARE(v, s, d); a replica with the
 * pre-prepare and 2f matching prepares from others is "prepared" and multicasts COMMIT(v, s, d);
 * with 2f + 1 matching commits (its own included) it commits. A backup that does not see the
 * round commit within the view-change timeout multicasts VIEW-CHANGE(v + 1, its prepared
 * certificate if any); the new primary, on 2f + 1 view changes for v + 1, multicasts NEW-VIEW and
 * re-proposes the prepared value with the highest view (or asks the round's owner for a new one).
 *
 * Counting convention for the message-count test: every multicast is n - 1 point-to-point
 * messages (a replica does not send to itself). Normal case per round:
 *   pre-prepare n - 1, prepare (n - 1)^2, commit n (n - 1): total 2 n (n - 1).
 *
 * Choices where the paper leaves room or this model simplifies it:
 * - "Prepared" is the paper's predicate: the pre-prepare plus 2f matching PREPAREs from distinct
 *   backups, a backup's own PREPARE included (the primary sends none). Without its own, a backup
 *   next to one Byzantine backup (n = 4) could never prepare.
 * - Messages of future views are buffered, never acted on early: PREPARE, COMMIT and VIEW-CHANGE
 *   are logged by view (view changes also drive the f + 1 join rule and the new primary's
 *   quorum); the first PRE-PREPARE/NEW-VIEW of a future view from that view's primary is kept and
 *   processed when the replica enters that view. Messages of older views are dropped, except
 *   COMMITs (see the next point).
 * - Catch-up: 2f + 1 matching COMMITs of an older view commit that view's value even if this
 *   replica moved on before it prepared (they prove f + 1 correct replicas prepared it, so it is
 *   the only value that can ever commit). Without it a slow replica whose peers committed and
 *   fell silent would never commit, since a committed instance answers nothing more.
 * - After a view change the primary's proposal (re-proposed or new) travels as NEW-VIEW, which
 *   backups take as that view's pre-prepare. VIEW-CHANGE carries the prepared value and view but
 *   not the 2f prepares proving it, and NEW-VIEW not the 2f + 1 view changes: channels are
 *   authenticated by the host (message.sender is trusted) and Byzantine faults are modelled only
 *   for backups' PREPARE/COMMIT votes, not for forged certificates.
 * - The view-change timeout of view v is view_change_timeout_s * 2^v (v capped at 30).
 */
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "models/core/message.hpp"
#include "models/ledger/crypto_suite.hpp"

namespace ebsim::consensus {

enum class PbftPhase : std::uint8_t { kPrePrepare = 0, kPrepare = 1, kCommit = 2, kViewChange = 3, kNewView = 4 };

/** The proposed value: its digest identifies it; the payload travels with the pre-prepare. */
struct PbftValue {
  ledger::Digest digest{};
  std::shared_ptr<const MessageBody> payload;  // the block (opaque to PBFT)
  double payload_bytes = 0.0;                  // its size on the wire
};

/** A PBFT message body (MessageType kPbft*). */
struct PbftMessage final : MessageBody {
  PbftPhase phase = PbftPhase::kPrePrepare;
  std::uint64_t sequence = 0;   // the market interval
  std::uint64_t view = 0;
  std::uint32_t sender = 0;     // replica index
  ledger::Digest digest{};
  std::optional<PbftValue> value;           // pre-prepare and new-view: the value proposed
  std::optional<PbftValue> prepared_value;  // view-change: the sender's prepared value, if any
  std::uint64_t prepared_view = 0;          // view-change: the view it was prepared in
};

/** What the replica asks its host to do. */
struct PbftAction {
  enum class Kind : std::uint8_t {
    kSend = 0,         // send `message` to replica `to`
    kStartTimer = 1,   // (re)arm the view-change timer: call on_timeout(view) after `delay_s`
    kCommitted = 2,    // `value` is committed, certified in `view` (emitted exactly once per instance)
    kNeedValue = 3,    // this replica became primary of `view` with nothing prepared: call propose()
  };
  Kind kind = Kind::kSend;
  std::uint32_t to = 0;
  std::shared_ptr<const PbftMessage> message;
  MessageType type = MessageType::kPbftPrePrepare;
  double size_bytes = 0.0;
  double delay_s = 0.0;
  std::uint64_t view = 0;
  PbftValue value;  // kCommitted: the committed value
};

struct PbftParams {
  std::uint32_t replica = 0;             // this replica's index
  std::uint32_t replicas = 4;            // n
  std::vector<std::uint32_t> leaders;    // leaders[v mod n] is the primary of view v (a permutation of 0..n-1)
  std::uint64_t sequence = 0;            // this instance's sequence number (the interval)
  double view_change_timeout_s = 30.0;   // doubled at each further view change (as in the paper)
  double control_bytes = 200.0;          // size of a PBFT message without the value
  /** Does this replica accept `value` as the round's outcome? (Re-runs the clearing.) */
  std::function<bool(const PbftValue& value)> validate;
};

/** One PBFT instance at one replica. */
class PbftReplica {
 public:
  explicit PbftReplica(PbftParams params);

  /** Start the instance: arms the view-change timer of view 0 (backups and primary alike). */
  std::vector<PbftAction> start();
  /** The primary of the current view proposes `value`: PRE-PREPARE in view 0, NEW-VIEW after a view
   * change. Ignored if not primary, already proposed in this view, or (after a view change) before
   * this replica emitted kNeedValue. */
  std::vector<PbftAction> propose(const PbftValue& value);
  /** A PBFT message from another replica. */
  std::vector<PbftAction> on_message(const PbftMessage& message);
  /** The view-change timer armed for `view` expired (stale timers are ignored). */
  std::vector<PbftAction> on_timeout(std::uint64_t view);
  /** Stop reacting (crashed); resume() restarts in the current view with the timer re-armed. */
  void halt() { halted_ = true; }
  std::vector<PbftAction> resume();

  std::uint64_t view() const { return view_; }
  std::uint32_t primary() const;
  bool committed() const { return committed_; }

 private:
  using Actions = std::vector<PbftAction>;

  /** f = floor((n - 1) / 3). */
  std::uint32_t faults() const { return (params_.replicas - 1) / 3; }
  /** The primary of view `v`. */
  std::uint32_t primary_of(std::uint64_t v) const;
  /** The view-change timeout of view `v`: doubled per view change since view 0. */
  double timeout_of(std::uint64_t v) const;
  /** A message from this replica in the current view. */
  std::shared_ptr<PbftMessage> make_message(PbftPhase phase, const ledger::Digest& digest) const;
  /** Append one kSend per other replica (a multicast is n - 1 point-to-point messages). */
  void multicast(const std::shared_ptr<PbftMessage>& message, Actions& out) const;
  /** Append a kStartTimer for the current view. */
  void arm_timer(Actions& out) const;
  /** The primary's proposal (pre-prepare in view 0, new-view afterwards) of `value`. */
  void send_proposal(const PbftValue& value, Actions& out);
  /** A pre-prepare or new-view for the current view from its primary. */
  void accept_proposal(const PbftMessage& message, Actions& out);
  /** Leave the current view for `target`: multicast VIEW-CHANGE(target) and re-arm the timer. */
  void enter_view(std::uint64_t target, Actions& out);
  /** Join a higher view announced by f + 1 others (liveness rule of the paper, section 4.5.2). */
  void maybe_join_higher_view(Actions& out);
  /** As the new primary with 2f + 1 view changes: send NEW-VIEW or ask for a value. */
  void maybe_send_new_view(Actions& out);
  /** Prepared in the current view? Then multicast COMMIT. */
  void maybe_prepare(Actions& out);
  /** Committed (in the current view, or catching up on an older one)? Then emit kCommitted. */
  void maybe_commit(Actions& out);
  /** Emit kCommitted for `value` certified in view `v`. */
  void commit(const PbftValue& value, std::uint64_t v, Actions& out);

  PbftParams params_;
  std::uint64_t view_ = 0;
  bool halted_ = false;
  bool committed_ = false;
  bool in_view_change_ = false;                // sent VIEW-CHANGE(view_), NEW-VIEW(view_) not yet accepted/sent
  bool proposal_seen_ = false;                 // a pre-prepare/new-view of view_ was seen (one digest per view)
  std::optional<PbftValue> accepted_;          // pre-prepared value in view_
  std::optional<PbftValue> prepared_;          // prepared certificate's value
  std::uint64_t prepared_view_ = 0;
  bool sent_commit_ = false;                   // COMMIT(view_) sent
  std::map<std::uint64_t, std::map<ledger::Digest, std::set<std::uint32_t>>> prepares_;  // view -> digest -> senders
  std::map<std::uint64_t, std::map<ledger::Digest, std::set<std::uint32_t>>> commits_;   // view -> digest -> senders (own included)
  std::map<std::uint64_t, std::map<std::uint32_t, std::shared_ptr<const PbftMessage>>> view_changes_;  // target view -> sender -> msg
  std::map<std::uint64_t, std::shared_ptr<const PbftMessage>> future_proposals_;  // view -> first proposal from its primary
  std::map<ledger::Digest, PbftValue> values_;  // every value proposed by a view's primary, by digest
};

}  // namespace ebsim::consensus
