#pragma once
/** Contents of the market's messages (sizes on the wire come from the scenario). */
#include <vector>

#include "models/core/message.hpp"
#include "models/market/order.hpp"

namespace ebsim::market {

/** The market's replies to a participant on the wire (bytes, headers included). Every market node
 * (exchange, management node, public-chain node) starts from these defaults. */
struct ReplySizes {
  double ack_bytes = 120.0;               // acknowledgement of an order
  double result_bytes = 300.0;            // an order's result, plus result_per_trade_bytes per trade listed
  double result_per_trade_bytes = 60.0;   // one trade listed in a result
  double settlement_bytes = 350.0;        // an interval's settlement statement
};


/** participant -> market */
struct BidBody final : MessageBody {
  Order order;
};

/** market -> participant: the order was received; admitted or rejected. */
struct AckBody final : MessageBody {
  OrderId order = 0;
  OrderStatus status = OrderStatus::kAccepted;
  double arrived_s = 0.0;
};

/** What one order got in the clearing. */
struct OrderFill {
  OrderId order = 0;
  double matched_kwh = 0.0;
  double payment = 0.0;  // buyer: what it pays for the energy; seller: negative, what it receives
  double arrived_s = 0.0;  // when the market received the order
};

/** market -> participant: the clearing result for its orders in one interval. */
struct ResultBody final : MessageBody {
  IntervalIndex interval = 0;
  std::vector<OrderFill> fills;
  std::size_t trade_count = 0;  // trades listed (drives the message size)
};

/** market -> participant: the statement after delivery. */
struct SettlementBody final : MessageBody {
  IntervalIndex interval = 0;
  double total_payment = 0.0;
};

}  // namespace ebsim::market
