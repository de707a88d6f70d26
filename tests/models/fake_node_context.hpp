#pragma once
/** A NodeContext for unit tests: no engine, no network. It records what a node sends and
 * which timers it starts; the test moves time forward and fires timers or delivers
 * messages by hand, so every event happens exactly when the test says. */
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "models/core/message.hpp"
#include "models/core/node.hpp"
#include "models/core/rng.hpp"

namespace ebsim::testing {

/** One call of NodeContext::send, with from/to/sent_s filled in as the runtime would. */
struct SentMessage {
  NodeId to = kNoNode;
  Message msg;
};

/** One call of NodeContext::start_timer not yet fired. */
struct PendingTimer {
  TimerId id = 0;
  double at_s = 0.0;     // now_s() at the call + delay_s
  double delay_s = 0.0;  // as requested (NodeContext REQUIRES >= 0)
  std::uint64_t tag = 0;
};

class FakeNodeContext final : public NodeContext {
 public:
  /** A context for node `self` whose rng() is the stream (seed, stream_name, self). */
  explicit FakeNodeContext(NodeId self, std::uint64_t seed = 1, std::string_view stream_name = "fake")
      : self_(self), rng_(seed, stream_name, self) {}

  double now_s() const override { return now_s_; }
  NodeId self() const override { return self_; }
  void send(NodeId to, Message msg) override {
    msg.from = self_;
    msg.to = to;
    msg.sent_s = now_s_;
    sent_.push_back(SentMessage{to, std::move(msg)});
  }
  TimerId start_timer(double delay_s, std::uint64_t tag) override {
    EXPECT_GE(delay_s, 0.0) << "NodeContext::start_timer REQUIRES delay_s >= 0 (tag " << tag << ")";
    const TimerId id = ++timer_seq_;
    timers_.push_back(PendingTimer{id, now_s_ + std::max(0.0, delay_s), delay_s, tag});
    return id;
  }
  void compute(double flops) override { flops_ += flops; }
  Rng& rng() override { return rng_; }

  /** Move the clock to `t_s`. REQUIRES: t_s >= now_s() (time never goes back). */
  void set_now(double t_s) {
    EXPECT_GE(t_s, now_s_) << "the fake clock never goes back";
    now_s_ = t_s;
  }

  /** Timers started and not yet fired, in the order they were started. */
  const std::vector<PendingTimer>& timers() const { return timers_; }

  /** Fire the earliest pending timer (ties: the one started first) on `node`, after moving
   * the clock to its time; a timer whose time the test has already passed (by set_now or
   * deliver) fires late, at now_s(). Returns false (and does nothing) if none is pending. */
  bool fire_next_timer(Node& node) {
    if (timers_.empty()) return false;
    const auto it = std::min_element(timers_.begin(), timers_.end(), [](const PendingTimer& a, const PendingTimer& b) {
      return a.at_s != b.at_s ? a.at_s < b.at_s : a.id < b.id;
    });
    const PendingTimer timer = *it;
    timers_.erase(it);
    now_s_ = std::max(now_s_, timer.at_s);
    node.on_timer(*this, timer.id, timer.tag);
    return true;
  }

  /** Fire, in time order, every timer due at or before `t_s`, then move the clock to `t_s`. */
  void run_timers_until(Node& node, double t_s) {
    while (true) {
      const auto it = std::min_element(timers_.begin(), timers_.end(), [](const PendingTimer& a, const PendingTimer& b) {
        return a.at_s != b.at_s ? a.at_s < b.at_s : a.id < b.id;
      });
      if (it == timers_.end() || it->at_s > t_s) break;
      fire_next_timer(node);
    }
    set_now(t_s);
  }

  /** Deliver `msg` to `node` at time `at_s`, as sent by node `from`. */
  void deliver(Node& node, Message msg, NodeId from, double at_s) {
    set_now(at_s);
    msg.from = from;
    msg.to = self_;
    node.on_message(*this, msg);
  }

  /** Everything sent so far, in order. */
  const std::vector<SentMessage>& sent() const { return sent_; }
  /** Everything sent so far, in order; forgets it. */
  std::vector<SentMessage> take_sent() { return std::exchange(sent_, {}); }
  /** Total flops charged by compute(). */
  double flops() const { return flops_; }

 private:
  NodeId self_;
  Rng rng_;
  double now_s_ = 0.0;
  TimerId timer_seq_ = 0;
  std::vector<PendingTimer> timers_;
  std::vector<SentMessage> sent_;
  double flops_ = 0.0;
};

}  // namespace ebsim::testing
