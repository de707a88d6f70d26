#pragma once
/** Messages between logical nodes. The runtime moves them over the simulated network;
 * `size_bytes` is what travels on the wire, `body` is the content handed to the receiver. */
#include <cstdint>
#include <memory>
#include <string_view>

#include "models/core/ids.hpp"

namespace ebsim {

/** Every kind of message in ebsim; per-type statistics are traced under these names. */
enum class MessageType : std::uint8_t {
  kBid = 0,         // participant -> market: an order
  kAck = 1,         // market -> participant: order received (admitted or rejected)
  kResult = 2,      // market -> participant: clearing result for its orders
  kSettlement = 3,  // market -> participant: settlement statement after delivery
};
inline constexpr int kMessageTypeCount = 4;

/** The name used in traces and reports. */
constexpr std::string_view message_type_name(MessageType type) {
  switch (type) {
    case MessageType::kBid: return "bid";
    case MessageType::kAck: return "ack";
    case MessageType::kResult: return "result";
    case MessageType::kSettlement: return "settlement";
  }
  return "unknown";
}

/** Base of message contents; concrete bodies live with the model that defines them. */
struct MessageBody {
  virtual ~MessageBody() = default;
};

struct Message {
  MessageType type = MessageType::kBid;
  NodeId from = kNoNode;     // set by the runtime on send
  NodeId to = kNoNode;       // set by the runtime on send
  double size_bytes = 0.0;   // simulated size on the wire
  double sent_s = 0.0;       // set by the runtime on send
  std::shared_ptr<const MessageBody> body;

  /** The body as its concrete type. REQUIRES: the sender put a T there. */
  template <typename T>
  const T& as() const { return static_cast<const T&>(*body); }
};

}  // namespace ebsim
