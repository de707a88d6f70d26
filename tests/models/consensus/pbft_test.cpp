#include "models/consensus/pbft.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/core/rng.hpp"

namespace ebsim::consensus {
namespace {

/** A digest that names a test value by its tag. */
ledger::Digest digest_of(std::uint8_t tag) {
  ledger::Digest digest{};
  digest[0] = tag;
  digest[31] = 0xAB;
  return digest;
}

/** A test value: the digest is all PBFT looks at; no payload object is needed. */
PbftValue make_value(std::uint8_t tag, double payload_bytes = 1000.0) {
  PbftValue value;
  value.digest = digest_of(tag);
  value.payload_bytes = payload_bytes;
  return value;
}

/** One kSend action as the network saw it. */
struct SentRecord {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  PbftPhase phase = PbftPhase::kPrePrepare;
  MessageType type = MessageType::kPbftPrePrepare;
  std::uint64_t view = 0;
  ledger::Digest digest{};
  double size_bytes = 0.0;
  double sent_s = 0.0;
};

/** A synchronous in-test network: n replicas, a fake clock, and one event queue ordered by
 * (time, insertion order) that delivers messages and fires view-change timers. Deterministic:
 * the same configuration always gives the same run. */
class TestNet {
 public:
  static constexpr double kControlBytes = 200.0;

  TestNet(std::uint32_t n, std::vector<std::uint32_t> leaders, double timeout_s,
          const std::function<std::function<bool(const PbftValue&)>(std::uint32_t)>& validator_of = {}) {
    for (std::uint32_t i = 0; i < n; ++i) {
      PbftParams params;
      params.replica = i;
      params.replicas = n;
      params.leaders = leaders;
      params.sequence = 7;
      params.view_change_timeout_s = timeout_s;
      params.control_bytes = kControlBytes;
      if (validator_of) params.validate = validator_of(i);
      replicas_.emplace_back(std::move(params));
    }
    commit_events_.assign(n, 0);
    committed_.resize(n);
    value_for_view = [](std::uint32_t, std::uint64_t view) { return make_value(static_cast<std::uint8_t>(100 + view)); };
  }

  /** Delay of one message (default 1 ms). */
  std::function<double(std::uint32_t from, std::uint32_t to)> delay_s = [](std::uint32_t, std::uint32_t) { return 0.001; };
  /** True: the message is lost. */
  std::function<bool(const SentRecord&)> drop;
  /** The value a primary proposes on kNeedValue. */
  std::function<PbftValue(std::uint32_t replica, std::uint64_t view)> value_for_view;
  /** Replaces the state machine of Byzantine replicas: called on each delivery to them. */
  std::function<void(std::uint32_t self, const PbftMessage& message, TestNet& net)> byzantine_handler;
  std::set<std::uint32_t> byzantine;

  PbftReplica& replica(std::uint32_t i) { return replicas_[i]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(replicas_.size()); }
  double now_s() const { return now_s_; }

  void start_all() {
    for (std::uint32_t i = 0; i < size(); ++i) {
      if (!byzantine.contains(i)) handle(i, replicas_[i].start());
    }
  }
  void propose(std::uint32_t i, const PbftValue& value) {
    proposed_.insert(value.digest);
    handle(i, replicas_[i].propose(value));
  }
  void halt(std::uint32_t i) { replicas_[i].halt(); }
  void resume(std::uint32_t i) { handle(i, replicas_[i].resume()); }

  /** A message a Byzantine replica sends to one replica. */
  void inject(std::uint32_t to, const PbftMessage& message) {
    if (message.value) proposed_.insert(message.value->digest);
    schedule_delivery(message.sender, to, std::make_shared<const PbftMessage>(message));
  }
  /** A message a Byzantine replica sends to every other replica. */
  void inject_multicast(const PbftMessage& message) {
    const auto shared = std::make_shared<const PbftMessage>(message);
    for (std::uint32_t to = 0; to < size(); ++to) {
      if (to != message.sender) schedule_delivery(message.sender, to, shared);
    }
  }

  /** Process the next event; false when none is left. */
  bool step() {
    if (queue_.empty()) return false;
    auto node = queue_.extract(queue_.begin());
    now_s_ = node.key().first;
    const Event& event = node.mapped();
    if (event.message) {
      if (event.message->value) values_seen_[event.to].insert(event.message->value->digest);
      if (byzantine.contains(event.to)) {
        if (byzantine_handler) byzantine_handler(event.to, *event.message, *this);
      } else {
        handle(event.to, replicas_[event.to].on_message(*event.message));
      }
    } else if (!byzantine.contains(event.to)) {
      handle(event.to, replicas_[event.to].on_timeout(event.view));
    }
    ++steps_;
    return true;
  }

  /** Run until the queue is empty, the clock passes `until_s`, or `max_steps` events ran. */
  void run(double until_s = 1e9, std::size_t max_steps = 2'000'000) {
    while (!queue_.empty() && queue_.begin()->first.first <= until_s && steps_ < max_steps) step();
  }

  std::size_t steps() const { return steps_; }
  const std::vector<SentRecord>& sent() const { return sent_; }
  /** kSend actions of `phase` (optionally only those of `view`). */
  std::size_t count(PbftPhase phase, std::optional<std::uint64_t> view = std::nullopt) const {
    return static_cast<std::size_t>(std::count_if(sent_.begin(), sent_.end(), [&](const SentRecord& r) {
      return r.phase == phase && (!view || r.view == *view);
    }));
  }
  const std::optional<PbftValue>& committed(std::uint32_t i) const { return committed_[i]; }
  int commit_events(std::uint32_t i) const { return commit_events_[i]; }
  const std::vector<std::pair<std::uint32_t, std::uint64_t>>& need_value() const { return need_value_; }
  const std::set<ledger::Digest>& proposed() const { return proposed_; }
  /** Was replica `i` ever delivered a message carrying the value `digest`? */
  bool saw_value(std::uint32_t i, const ledger::Digest& digest) const {
    const auto found = values_seen_.find(i);
    return found != values_seen_.end() && found->second.contains(digest);
  }

 private:
  struct Event {
    std::uint32_t to = 0;
    std::shared_ptr<const PbftMessage> message;  // null: a timer
    std::uint64_t view = 0;
  };

  void schedule_delivery(std::uint32_t from, std::uint32_t to, std::shared_ptr<const PbftMessage> message) {
    queue_.emplace(std::make_pair(now_s_ + delay_s(from, to), seq_++), Event{to, std::move(message), 0});
  }

  void handle(std::uint32_t self, const std::vector<PbftAction>& actions) {
    for (const PbftAction& action : actions) {
      switch (action.kind) {
        case PbftAction::Kind::kSend: {
          const SentRecord record{self, action.to, action.message->phase, action.type, action.message->view,
                                  action.message->digest, action.size_bytes, now_s_};
          sent_.push_back(record);
          if (drop && drop(record)) break;
          schedule_delivery(self, action.to, action.message);
          break;
        }
        case PbftAction::Kind::kStartTimer:
          queue_.emplace(std::make_pair(now_s_ + action.delay_s, seq_++), Event{self, nullptr, action.view});
          break;
        case PbftAction::Kind::kCommitted:
          ++commit_events_[self];
          committed_[self] = action.value;
          break;
        case PbftAction::Kind::kNeedValue:
          need_value_.emplace_back(self, action.view);
          if (value_for_view) propose(self, value_for_view(self, action.view));
          break;
      }
    }
  }

  std::vector<PbftReplica> replicas_;
  std::map<std::pair<double, std::uint64_t>, Event> queue_;
  std::uint64_t seq_ = 0;
  double now_s_ = 0.0;
  std::size_t steps_ = 0;
  std::vector<SentRecord> sent_;
  std::vector<int> commit_events_;
  std::vector<std::optional<PbftValue>> committed_;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> need_value_;
  std::set<ledger::Digest> proposed_;
  std::map<std::uint32_t, std::set<ledger::Digest>> values_seen_;
};

std::vector<std::uint32_t> identity_leaders(std::uint32_t n) {
  std::vector<std::uint32_t> leaders(n);
  std::iota(leaders.begin(), leaders.end(), 0u);
  return leaders;
}

// --- 1. Normal case -------------------------------------------------------------------------

void check_normal_case(std::uint32_t n) {
  SCOPED_TRACE("n = " + std::to_string(n));
  // A rotation that does not start at 0, so the test also checks leaders[] is honoured.
  std::vector<std::uint32_t> leaders = identity_leaders(n);
  std::rotate(leaders.begin(), leaders.begin() + 2, leaders.end());
  TestNet net(n, leaders, 30.0);
  const PbftValue a = make_value(1, 5000.0);
  net.start_all();
  net.propose(leaders[0], a);
  net.run();

  for (std::uint32_t i = 0; i < n; ++i) {
    ASSERT_TRUE(net.committed(i).has_value()) << "replica " << i;
    EXPECT_EQ(net.committed(i)->digest, a.digest);
    EXPECT_EQ(net.commit_events(i), 1);
    EXPECT_EQ(net.replica(i).view(), 0u);
  }
  // The counting convention of pbft.hpp: a multicast is n - 1 point-to-point messages.
  const std::size_t m = n;
  EXPECT_EQ(net.count(PbftPhase::kPrePrepare), m - 1);
  EXPECT_EQ(net.count(PbftPhase::kPrepare), (m - 1) * (m - 1));
  EXPECT_EQ(net.count(PbftPhase::kCommit), m * (m - 1));
  EXPECT_EQ(net.count(PbftPhase::kViewChange), 0u);
  EXPECT_EQ(net.count(PbftPhase::kNewView), 0u);
  EXPECT_EQ(net.sent().size(), 2 * m * (m - 1));
  // Sizes: control messages are control_bytes; the pre-prepare adds the payload.
  for (const SentRecord& r : net.sent()) {
    if (r.phase == PbftPhase::kPrePrepare) {
      EXPECT_EQ(r.from, leaders[0]);
      EXPECT_EQ(r.type, MessageType::kPbftPrePrepare);
      EXPECT_DOUBLE_EQ(r.size_bytes, TestNet::kControlBytes + a.payload_bytes);
    } else {
      EXPECT_DOUBLE_EQ(r.size_bytes, TestNet::kControlBytes);
    }
  }
}

TEST(Pbft, NormalCaseFourReplicasCommitWithTwoNTimesNMinusOneMessages) { check_normal_case(4); }
TEST(Pbft, NormalCaseSevenReplicasCommitWithTwoNTimesNMinusOneMessages) { check_normal_case(7); }

TEST(Pbft, SingleReplicaCommitsAlone) {
  TestNet net(1, {}, 30.0);
  net.start_all();
  net.propose(0, make_value(1));
  net.run();
  ASSERT_TRUE(net.committed(0).has_value());
  EXPECT_TRUE(net.sent().empty());
}

// --- 2. Crashed primary --------------------------------------------------------------------

TEST(Pbft, CrashedPrimaryViewChangeToNextLeaderWhichAsksForAValue) {
  const std::uint32_t n = 4;
  const std::vector<std::uint32_t> leaders = {2, 0, 3, 1};
  TestNet net(n, leaders, 30.0);
  net.halt(leaders[0]);  // crashed from the start: never proposes
  net.start_all();
  net.propose(leaders[0], make_value(1));  // ignored: halted
  net.run();

  const PbftValue b = net.value_for_view(leaders[1], 1);
  ASSERT_EQ(net.need_value().size(), 1u);
  EXPECT_EQ(net.need_value()[0], std::make_pair(leaders[1], std::uint64_t{1}));
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i == leaders[0]) {
      EXPECT_FALSE(net.committed(i).has_value());
      continue;
    }
    ASSERT_TRUE(net.committed(i).has_value()) << "replica " << i;
    EXPECT_EQ(net.committed(i)->digest, b.digest);
    EXPECT_EQ(net.replica(i).view(), 1u);
    EXPECT_EQ(net.replica(i).primary(), leaders[1]);
  }
  // Every live replica multicasts one VIEW-CHANGE: (n - 1 live) x (n - 1 recipients).
  EXPECT_EQ(net.count(PbftPhase::kViewChange), (n - 1) * (n - 1));
  EXPECT_EQ(net.count(PbftPhase::kNewView), n - 1);
  EXPECT_EQ(net.count(PbftPhase::kPrePrepare), 0u);
  // Nobody was prepared, so view changes carry no value.
  for (const SentRecord& r : net.sent()) {
    if (r.phase == PbftPhase::kViewChange) {
      EXPECT_DOUBLE_EQ(r.size_bytes, TestNet::kControlBytes);
    }
  }
}

// --- 3. Safety across a view change --------------------------------------------------------

TEST(Pbft, PreparedValueIsReproposedAfterPrimaryCrash) {
  const std::uint32_t n = 4;
  const std::vector<std::uint32_t> leaders = {0, 2, 1, 3};  // the new primary (2) is not the prepared one
  TestNet net(n, leaders, 30.0);
  // Only replica 1 sees the PREPAREs of view 0, so it alone becomes prepared on A.
  net.drop = [](const SentRecord& r) { return r.phase == PbftPhase::kPrepare && r.view == 0 && r.to != 1; };
  const PbftValue a = make_value(1);
  net.start_all();
  net.propose(leaders[0], a);
  net.halt(leaders[0]);  // crashes right after sending the pre-prepare
  net.run(29.0);

  // Replica 1 prepared (it sent COMMITs for A in view 0), nobody committed.
  EXPECT_EQ(net.count(PbftPhase::kCommit, 0), n - 1);
  for (const SentRecord& r : net.sent()) {
    if (r.phase == PbftPhase::kCommit) {
      EXPECT_EQ(r.from, 1u);
    }
  }
  for (std::uint32_t i = 0; i < n; ++i) EXPECT_FALSE(net.committed(i).has_value());

  net.run();
  EXPECT_TRUE(net.need_value().empty()) << "the new primary must re-propose A, not ask for a new value";
  for (std::uint32_t i = 1; i < n; ++i) {
    ASSERT_TRUE(net.committed(i).has_value()) << "replica " << i;
    EXPECT_EQ(net.committed(i)->digest, a.digest);
    EXPECT_EQ(net.replica(i).view(), 1u);
  }
  // The NEW-VIEW carries A (and its payload), from the new primary.
  ASSERT_EQ(net.count(PbftPhase::kNewView), n - 1);
  for (const SentRecord& r : net.sent()) {
    if (r.phase != PbftPhase::kNewView) continue;
    EXPECT_EQ(r.from, leaders[1]);
    EXPECT_EQ(r.digest, a.digest);
    EXPECT_DOUBLE_EQ(r.size_bytes, TestNet::kControlBytes + a.payload_bytes);
  }
  // Replica 1's VIEW-CHANGE carries its prepared value.
  for (const SentRecord& r : net.sent()) {
    if (r.phase == PbftPhase::kViewChange && r.from == 1) {
      EXPECT_DOUBLE_EQ(r.size_bytes, TestNet::kControlBytes + a.payload_bytes);
    }
  }
}

// --- 4. Byzantine backup and rejecting validators ------------------------------------------

TEST(Pbft, ByzantineBackupVotingForAnotherDigestCannotStopCommit) {
  const std::uint32_t n = 4;
  TestNet net(n, identity_leaders(n), 30.0);
  const std::uint32_t traitor = 3;
  const ledger::Digest bad = digest_of(66);
  net.byzantine = {traitor};
  net.byzantine_handler = [bad](std::uint32_t self, const PbftMessage& message, TestNet& sink) {
    if (message.phase != PbftPhase::kPrePrepare) return;
    PbftMessage vote;
    vote.sequence = message.sequence;
    vote.view = message.view;
    vote.sender = self;
    vote.digest = bad;
    vote.phase = PbftPhase::kPrepare;
    sink.inject_multicast(vote);
    vote.phase = PbftPhase::kCommit;
    sink.inject_multicast(vote);
  };
  const PbftValue a = make_value(1);
  net.start_all();
  net.propose(0, a);
  net.run();
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i == traitor) continue;
    ASSERT_TRUE(net.committed(i).has_value()) << "replica " << i;
    EXPECT_EQ(net.committed(i)->digest, a.digest);
    EXPECT_EQ(net.replica(i).view(), 0u);
  }
  EXPECT_EQ(net.count(PbftPhase::kViewChange), 0u);
}

TEST(Pbft, ValueRejectedByTwoOfFourDoesNotCommitAndViewChanges) {
  const std::uint32_t n = 4;
  const PbftValue a = make_value(1);
  const auto validator_of = [&a](std::uint32_t i) -> std::function<bool(const PbftValue&)> {
    if (i != 1 && i != 2) return {};
    return [digest = a.digest](const PbftValue& value) { return value.digest != digest; };
  };
  TestNet net(n, identity_leaders(n), 30.0, validator_of);
  net.start_all();
  net.propose(0, a);
  net.run(29.0);
  for (std::uint32_t i = 0; i < n; ++i) EXPECT_FALSE(net.committed(i).has_value()) << "replica " << i;
  // Only replica 3 prepares: the primary lacks 2f PREPAREs, nobody is prepared, nobody commits.
  EXPECT_EQ(net.count(PbftPhase::kPrepare, 0), n - 1);
  EXPECT_EQ(net.count(PbftPhase::kCommit), 0u);

  net.run();
  const PbftValue b = net.value_for_view(1, 1);
  ASSERT_EQ(net.need_value().size(), 1u);
  EXPECT_EQ(net.need_value()[0], std::make_pair(std::uint32_t{1}, std::uint64_t{1}));
  EXPECT_EQ(net.count(PbftPhase::kViewChange, 1), n * (n - 1));
  for (std::uint32_t i = 0; i < n; ++i) {
    ASSERT_TRUE(net.committed(i).has_value()) << "replica " << i;
    EXPECT_EQ(net.committed(i)->digest, b.digest);
    EXPECT_EQ(net.replica(i).view(), 1u);
  }
}

// --- State-machine details -----------------------------------------------------------------

TEST(Pbft, StaleTimeoutsAndHaltedReplicasAreIgnored) {
  PbftParams params;
  params.replica = 1;
  params.replicas = 4;
  PbftReplica replica(params);
  ASSERT_EQ(replica.start().size(), 1u);
  const auto change = replica.on_timeout(0);
  EXPECT_EQ(replica.view(), 1u);
  std::size_t sends = 0, timers = 0;
  for (const PbftAction& action : change) {
    if (action.kind == PbftAction::Kind::kSend) ++sends;
    if (action.kind == PbftAction::Kind::kStartTimer) {
      ++timers;
      EXPECT_DOUBLE_EQ(action.delay_s, 2 * params.view_change_timeout_s);  // doubled
      EXPECT_EQ(action.view, 1u);
    }
  }
  EXPECT_EQ(sends, 3u);
  EXPECT_EQ(timers, 1u);
  EXPECT_TRUE(replica.on_timeout(0).empty());  // stale
  replica.halt();
  EXPECT_TRUE(replica.on_timeout(1).empty());
  const auto resumed = replica.resume();
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].kind, PbftAction::Kind::kStartTimer);
  EXPECT_EQ(resumed[0].view, 1u);
}

TEST(Pbft, FutureViewProposalIsBufferedUntilTheReplicaJoinsThatView) {
  PbftParams params;
  params.replica = 3;
  params.replicas = 4;
  PbftReplica replica(params);
  replica.start();
  const PbftValue b = make_value(2);
  PbftMessage new_view;
  new_view.phase = PbftPhase::kNewView;
  new_view.view = 1;
  new_view.sender = 1;  // primary of view 1
  new_view.digest = b.digest;
  new_view.value = b;
  EXPECT_TRUE(replica.on_message(new_view).empty());  // buffered: still in view 0
  EXPECT_EQ(replica.view(), 0u);
  PbftMessage change;
  change.phase = PbftPhase::kViewChange;
  change.view = 1;
  change.sender = 1;
  EXPECT_TRUE(replica.on_message(change).empty());  // f = 1: one view change is not enough
  change.sender = 2;
  const auto joined = replica.on_message(change);  // f + 1 = 2: join view 1, then take the NEW-VIEW
  EXPECT_EQ(replica.view(), 1u);
  std::size_t view_changes = 0, prepares = 0;
  for (const PbftAction& action : joined) {
    if (action.kind != PbftAction::Kind::kSend) continue;
    if (action.message->phase == PbftPhase::kViewChange) ++view_changes;
    if (action.message->phase == PbftPhase::kPrepare) {
      ++prepares;
      EXPECT_EQ(action.message->digest, b.digest);
      EXPECT_EQ(action.message->view, 1u);
    }
  }
  EXPECT_EQ(view_changes, 3u);
  EXPECT_EQ(prepares, 3u);
}

TEST(Pbft, PrepareAndCommitNeedExactlyTheirQuorums) {
  // n = 7, f = 2: a backup prepares with its own PREPARE and 2f - 1 = 3 from other backups, and
  // commits with 2f + 1 = 5 COMMITs, its own included.
  PbftParams params;
  params.replica = 3;
  params.replicas = 7;
  PbftReplica replica(params);
  replica.start();
  const PbftValue a = make_value(1);
  PbftMessage message;
  message.phase = PbftPhase::kPrePrepare;
  message.sender = 0;
  message.digest = a.digest;
  message.value = a;
  const auto has_send = [](const std::vector<PbftAction>& actions, PbftPhase phase) {
    return std::any_of(actions.begin(), actions.end(), [phase](const PbftAction& action) {
      return action.kind == PbftAction::Kind::kSend && action.message->phase == phase;
    });
  };
  EXPECT_TRUE(has_send(replica.on_message(message), PbftPhase::kPrepare));
  message.value.reset();
  message.phase = PbftPhase::kPrepare;
  message.sender = 0;  // the primary's PREPARE does not count
  EXPECT_TRUE(replica.on_message(message).empty());
  for (std::uint32_t sender : {1u, 2u}) {
    message.sender = sender;
    EXPECT_TRUE(replica.on_message(message).empty());
  }
  message.sender = 2;  // a duplicate does not count either
  EXPECT_TRUE(replica.on_message(message).empty());
  message.sender = 4;
  EXPECT_TRUE(has_send(replica.on_message(message), PbftPhase::kCommit));

  message.phase = PbftPhase::kCommit;
  for (std::uint32_t sender : {0u, 1u, 2u}) {
    message.sender = sender;
    EXPECT_TRUE(replica.on_message(message).empty());
  }
  message.sender = 5;
  const auto done = replica.on_message(message);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].kind, PbftAction::Kind::kCommitted);
  EXPECT_EQ(done[0].value.digest, a.digest);
  EXPECT_TRUE(replica.committed());
  message.sender = 6;
  EXPECT_TRUE(replica.on_message(message).empty());  // kCommitted once; nothing more
  EXPECT_TRUE(replica.on_timeout(0).empty());
}

TEST(Pbft, SecondProposalInTheSameViewIsIgnored) {
  PbftParams params;
  params.replica = 2;
  params.replicas = 4;
  PbftReplica replica(params);
  PbftMessage message;
  message.phase = PbftPhase::kPrePrepare;
  message.sender = 1;  // not the primary of view 0
  message.value = make_value(1);
  message.digest = message.value->digest;
  EXPECT_TRUE(replica.on_message(message).empty());
  message.sender = 0;
  EXPECT_EQ(replica.on_message(message).size(), 3u);  // PREPARE to the 3 others
  message.value = make_value(2);
  message.digest = message.value->digest;
  EXPECT_TRUE(replica.on_message(message).empty());  // equivocation: the first digest stands
}

// --- 5. Randomized agreement and liveness --------------------------------------------------

struct PropertyOutcome {
  bool halted = false;
  bool resumed = false;
};

void check_random_run(std::uint64_t seed, std::uint32_t n) {
  SCOPED_TRACE("seed " + std::to_string(seed) + ", n = " + std::to_string(n));
  Rng rng(seed, "pbft-property", n);
  std::vector<std::uint32_t> leaders = identity_leaders(n);
  for (std::uint32_t i = n - 1; i > 0; --i) std::swap(leaders[i], leaders[rng.below(i + 1)]);
  // Delays from well below to above the 1 s base timeout: some runs view-change repeatedly.
  const double max_delays_s[] = {0.02, 0.3, 1.5};
  const double max_delay_s = max_delays_s[rng.below(3)];
  const std::uint32_t victim = static_cast<std::uint32_t>(rng.below(n));
  // A normal round takes about 2 n (n - 1) events: crash and recovery land inside the round.
  const std::size_t halt_step = rng.below(2 * n * (n - 1));
  const bool resumes = rng.below(2) == 1;
  const std::size_t resume_step = halt_step + 1 + rng.below(2 * n * (n - 1));

  TestNet net(n, leaders, 1.0);
  Rng delays(seed, "pbft-property-delays", n);
  net.delay_s = [&delays, max_delay_s](std::uint32_t, std::uint32_t) { return delays.uniform(0.001, max_delay_s); };

  bool halted = false, resumed = false;
  if (halt_step == 0) {
    net.halt(victim);
    halted = true;
  }
  net.start_all();
  net.propose(leaders[0], make_value(1));
  // Run long enough for doubling timeouts to outgrow any delay; stop when the queue drains.
  while (net.now_s() < 1e5 && net.steps() < 400'000) {
    if (!halted && net.steps() == halt_step) {
      net.halt(victim);
      halted = true;
    }
    if (halted && resumes && !resumed && net.steps() == resume_step) {
      net.resume(victim);
      resumed = true;
    }
    if (!net.step()) break;
  }

  // Agreement and validity: every commit is of one value, a proposed one, reported once.
  std::optional<ledger::Digest> agreed;
  for (std::uint32_t i = 0; i < n; ++i) {
    EXPECT_LE(net.commit_events(i), 1) << "replica " << i;
    if (!net.committed(i)) continue;
    EXPECT_TRUE(net.proposed().contains(net.committed(i)->digest)) << "replica " << i;
    if (!agreed) agreed = net.committed(i)->digest;
    EXPECT_EQ(net.committed(i)->digest, *agreed) << "replica " << i;
  }
  // Liveness: one faulty replica (<= f) cannot stop the others. The victim itself, if resumed,
  // may have missed the round while down (catching up is the host's state transfer).
  for (std::uint32_t i = 0; i < n; ++i) {
    if (halted && i == victim) continue;
    EXPECT_TRUE(net.committed(i).has_value()) << "replica " << i << " did not commit (victim " << victim
                                              << (halted ? " halted" : "") << (resumed ? ", resumed" : "") << ")";
  }
}

TEST(Pbft, RandomizedDelaysAndACrashKeepAgreementAndLiveness) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    for (std::uint32_t n : {4u, 7u}) {
      check_random_run(seed, n);
      if (::testing::Test::HasFailure()) return;  // one readable failure, not hundreds
    }
  }
}

/** The primary of view 0 is Byzantine: it pre-prepares A at a random subset of backups and B at
 * the others, then falls silent. Quorum intersection must keep at most one of them alive. */
void check_equivocating_primary(std::uint64_t seed, std::uint32_t n) {
  SCOPED_TRACE("seed " + std::to_string(seed) + ", n = " + std::to_string(n));
  Rng rng(seed, "pbft-equivocation", n);
  std::vector<std::uint32_t> leaders = identity_leaders(n);
  for (std::uint32_t i = n - 1; i > 0; --i) std::swap(leaders[i], leaders[rng.below(i + 1)]);
  const double max_delays_s[] = {0.02, 0.3, 1.5};
  const double max_delay_s = max_delays_s[rng.below(3)];
  TestNet net(n, leaders, 1.0);
  Rng delays(seed, "pbft-equivocation-delays", n);
  net.delay_s = [&delays, max_delay_s](std::uint32_t, std::uint32_t) { return delays.uniform(0.001, max_delay_s); };
  const std::uint32_t traitor = leaders[0];
  net.byzantine = {traitor};
  net.start_all();
  for (std::uint32_t to = 0; to < n; ++to) {
    if (to == traitor || rng.below(4) == 0) continue;  // some backups get nothing at all
    PbftMessage pre_prepare;
    pre_prepare.phase = PbftPhase::kPrePrepare;
    pre_prepare.sequence = 7;
    pre_prepare.sender = traitor;
    pre_prepare.value = make_value(rng.below(2) == 0 ? 1 : 2);
    pre_prepare.digest = pre_prepare.value->digest;
    net.inject(to, pre_prepare);
  }
  while (net.now_s() < 1e5 && net.steps() < 400'000 && net.step()) {
  }
  std::optional<ledger::Digest> agreed;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i == traitor || !net.committed(i)) continue;
    EXPECT_EQ(net.commit_events(i), 1);
    if (!agreed) agreed = net.committed(i)->digest;
    EXPECT_EQ(net.committed(i)->digest, *agreed) << "replica " << i;
  }
  ASSERT_TRUE(agreed.has_value()) << "no correct replica committed";
  // Liveness, except for a replica the traitor never sent the winning value: once its peers
  // committed they fall silent, so it cannot learn the value inside PBFT (the host's catch-up
  // fetches the block; see pbft.hpp).
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i == traitor || !net.saw_value(i, *agreed)) continue;
    EXPECT_TRUE(net.committed(i).has_value()) << "replica " << i;
  }
}

TEST(Pbft, RandomizedEquivocatingPrimaryKeepsAgreement) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    for (std::uint32_t n : {4u, 7u}) {
      check_equivocating_primary(seed, n);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace ebsim::consensus
