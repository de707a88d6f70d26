#pragma once
/** Identifiers shared by every model. Plain integers: cheap to copy, to trace, and to sort. */
#include <cstdint>
#include <limits>

namespace ebsim {

/** A market participant (prosumer, consumer, ...); dense, 0-based, in scenario order. */
using ParticipantId = std::uint32_t;
/** A logical node hosted by the runtime (participants, the exchange, management nodes, ...). */
using NodeId = std::uint32_t;
/** An order (bid or offer), unique within one run. */
using OrderId = std::uint64_t;
/** A market (delivery) interval, 0-based from the scenario start. */
using IntervalIndex = std::uint32_t;
/** A timer handle returned by NodeContext::start_timer. */
using TimerId = std::uint64_t;

inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

}  // namespace ebsim
