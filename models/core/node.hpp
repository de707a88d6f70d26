#pragma once
/** Event-driven logical nodes and what they may ask of the engine.
 *
 * A node never blocks: it reacts to start, message and timer events and asks the
 * context to send, to set timers or to charge CPU time. That is what lets the
 * runtime host thousands of nodes on a few SimGrid actors, and lets tests drive a
 * node with a fake context and no engine at all.
 */
#include <cstdint>

#include "models/core/ids.hpp"
#include "models/core/message.hpp"
#include "models/core/rng.hpp"

namespace ebsim {

/** What a node may do; sim/runtime implements it over SimGrid. */
class NodeContext {
 public:
  virtual ~NodeContext() = default;
  /** Current simulated time, seconds. */
  virtual double now_s() const = 0;
  /** The node being served. */
  virtual NodeId self() const = 0;
  /** Send `msg` to node `to` over the simulated network (msg.size_bytes on the wire). */
  virtual void send(NodeId to, Message msg) = 0;
  /** Call on_timer(ctx, id, tag) after `delay_s` (>= 0) of simulated time. */
  virtual TimerId start_timer(double delay_s, std::uint64_t tag) = 0;
  /** Charge `flops` of CPU work on this node's host; later sends of this event wait for it. */
  virtual void compute(double flops) = 0;
  /** This node's own random stream. */
  virtual Rng& rng() = 0;
};

/** A logical node: a participant, the exchange, a management node, ... */
class Node {
 public:
  virtual ~Node() = default;
  virtual void on_start(NodeContext& ctx) = 0;
  virtual void on_message(NodeContext& ctx, const Message& msg) = 0;
  virtual void on_timer(NodeContext& ctx, TimerId id, std::uint64_t tag) = 0;
};

}  // namespace ebsim
