#pragma once
/** Hosts models' event-driven nodes on a few SimGrid actors.
 *
 * Nodes are not actors. A single timer actor fires node timers in (time, sequence)
 * order; a pool of courier actors carries messages: each courier takes one send,
 * charges any CPU work on the sender's host, moves the bytes host to host with
 * `Comm::sendto` over the modelled links, then runs the receiver's handler. So the
 * number of actors grows with the number of messages in flight, not with the number
 * of participants, and no mailbox ever holds an N-to-1 burst (SIMGRID-NOTES: such
 * bursts cost O(N) per message). Each node has at most `max_parallel_sends` messages
 * on the wire at once (like a server's connection pool); the rest wait in its queue,
 * in order.
 *
 * SMALL MESSAGES (RuntimeOptions::uncontended_bytes > 0): a message of at most that many bytes
 * with no CPU work before it is not a network flow; it is delivered by the timer actor after
 * exactly what the network model gives an uncontended message on its route (latency x
 * latency-factor + size / (bottleneck bandwidth x bandwidth-factor)). Why: SimGrid's cost per
 * flow grows with the flows in flight, and gossip protocols send mostly 60-byte announcements
 * whose share of a link is microseconds; they neither slow nor are slowed by the others. Off by
 * default; a scenario turns it on (network.uncontended_below).
 */
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/core/node.hpp"
#include "sim/runtime_options.hpp"

namespace ebsim::sim {

/** What the network does to one message (fault injection, scenario `faults.links`). */
struct LinkEffect {
  bool lost = false;          // the message never arrives
  double extra_delay_s = 0.0; // added before it is put on the wire
};
/** Decides a message's fate at the moment it is put on the wire (from, to, now). */
using LinkFilter = std::function<LinkEffect(NodeId from, NodeId to, double now_s)>;

/** Traffic of one message type. */
struct MessageStats {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  double transfer_sum_s = 0.0;  // send() to delivery, queueing included
  double transfer_max_s = 0.0;
  std::uint64_t lost = 0;       // dropped by a link fault
};

/** Traffic of one message type between two roles of node (e.g. participant -> management node). */
struct LinkStats {
  MessageType type = MessageType::kBid;
  std::uint8_t from_role = 0, to_role = 0;  // indexes into RuntimeOptions::role_names
  MessageStats stats;
};

class Runtime {
 public:
  /** `control_host` runs the runtime's own actors (no traffic ever uses it). */
  Runtime(RuntimeOptions options, simgrid::s4u::Host* control_host);
  ~Runtime();

  /** Host a node; its random stream is Rng(seed, stream_name, stream_index). */
  NodeId add_node(std::unique_ptr<Node> node, simgrid::s4u::Host* host, const std::string& stream_name,
                  std::uint64_t stream_index, std::uint8_t role = 0);
  /** Install a fault filter consulted for every message (none by default). */
  void set_link_filter(LinkFilter filter) { link_filter_ = std::move(filter); }
  Node& node(NodeId id) { return *nodes_[id].node; }

  /** Start every node and run the engine until no timer or message is left (or a handler failed). */
  void run();

  /** The first exception a handler threw, if any: the run is invalid. */
  const std::optional<std::string>& failure() const { return failure_; }
  /** Node events handled (timers fired + messages delivered). */
  std::uint64_t events() const { return events_; }
  const std::array<MessageStats, kMessageTypeCount>& message_stats() const { return stats_; }
  /** Traffic by (type, sender role, receiver role), in that order, only combinations that occurred. */
  std::vector<LinkStats> link_stats() const;
  /** Couriers created (peak messages in flight at once). */
  std::size_t courier_count() const { return couriers_.size(); }

 private:
  class Context;
  struct Job {
    NodeId from = kNoNode;
    double flops = 0.0;
    bool carries_message = false;
    Message msg;
  };
  /** What an uncontended message pays on one route: latency (s) and bottleneck bandwidth (B/s). */
  struct RouteCost {
    double latency_s = 0.0;
    double bandwidth = 0.0;
  };
  struct NodeSlot {
    std::unique_ptr<Node> node;
    simgrid::s4u::Host* host = nullptr;
    Rng rng;
    std::deque<Job> waiting;  // beyond max_parallel_sends
    std::size_t sending = 0;
    std::uint8_t role = 0;
    std::vector<std::pair<NodeId, RouteCost>> near_routes;  // first kNearRoutes receivers' costs (a gossip node's peers)
  };
  /** Receivers whose route costs a node keeps beside it (scanned, in cache) before the shared map. */
  static constexpr std::size_t kNearRoutes = 32;
  struct Courier {
    simgrid::s4u::MutexPtr mutex;
    simgrid::s4u::ConditionVariablePtr cv;
    std::optional<Job> job;
  };
  struct TimerEntry {
    double at_s;
    std::uint64_t seq;
    NodeId node;
    TimerId id;
    std::uint64_t tag;
    std::shared_ptr<const Message> delivery;  // set: deliver this small message instead of firing a timer
    bool operator>(const TimerEntry& o) const { return at_s != o.at_s ? at_s > o.at_s : seq > o.seq; }
  };

  friend class Context;
  TimerId add_timer(NodeId node, double delay_s, std::uint64_t tag);
  /** A timer or small message was queued for `at_s`: the timer actor must re-plan if it sleeps
   * past it; it is woken when the current handler has returned (wake_timer_actor_if_due). */
  void note_timer_added(double at_s);
  void wake_timer_actor_if_due();
  void submit(Job job);
  void hand_to_courier(Job job);
  void courier_loop(std::size_t index);
  void timer_loop();
  void carry(Job& job);
  /** Deliver `msg` through the timer queue if it is small (file comment); false if it must be carried. */
  bool deliver_uncontended(Job& job);
  /** The uncontended time of `bytes` from one node's host to another's (route cached per pair). */
  double uncontended_transfer_s(NodeId from, NodeId to, double bytes);
  /** Latency and bandwidth of the route between two nodes' hosts as the network model gives them. */
  RouteCost route_cost(NodeId from, NodeId to) const;
  /** Count a delivered message in the traffic statistics. */
  void record_transfer(const Message& msg, NodeId from);
  void job_done(NodeId from, std::size_t courier_index);
  template <typename Handler>
  void dispatch(NodeId id, Handler&& handler);
  void note_progress();

  RuntimeOptions options_;
  simgrid::s4u::Host* control_host_;
  std::vector<NodeSlot> nodes_;
  std::vector<std::unique_ptr<Courier>> couriers_;
  std::vector<std::size_t> idle_couriers_;
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timers_;
  std::unordered_map<std::uint64_t, RouteCost> routes_;  // (from node, to node) beyond each node's near_routes
  std::uint64_t timer_seq_ = 0;
  std::size_t jobs_in_flight_ = 0;  // queued or being carried
  simgrid::s4u::MutexPtr timer_mutex_;
  simgrid::s4u::ConditionVariablePtr timer_cv_;
  double timer_wait_until_s_ = -1.0;  // what the timer actor sleeps towards; -1: not waiting
  bool timer_wakeup_due_ = false;     // a handler queued something before timer_wait_until_s_
  std::optional<std::string> failure_;
  std::uint64_t events_ = 0;
  std::array<MessageStats, kMessageTypeCount> stats_{};
  std::vector<MessageStats> role_stats_;  // [type][from_role][to_role], flattened
  LinkFilter link_filter_;
  struct Progress;
  std::unique_ptr<Progress> progress_;
};

}  // namespace ebsim::sim
