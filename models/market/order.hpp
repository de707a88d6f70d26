#pragma once
/** Orders: bids (buy) and offers (sell) for one delivery interval. */
#include <cstdint>

#include "models/core/ids.hpp"

namespace ebsim::market {

enum class Side : std::uint8_t { kBuy = 0, kSell = 1 };

/** Why an order was or was not admitted to the book. Traced as an integer (see docs/trace-format.md). */
enum class OrderStatus : std::uint8_t {
  kAccepted = 0,      // arrived before gate closure, entered the book
  kLate = 1,          // arrived after gate closure: rejected and counted
  kZeroQuantity = 2,  // quantity <= 0: rejected
  kInvalidPrice = 3,  // non-finite limit price: rejected
  kInvalidQuantity = 4,  // non-finite quantity: rejected
  kUnknownInterval = 5,  // for an interval the market does not hold: rejected
  kBadSignature = 6,     // consortium: the sealed bid did not decrypt or its signature did not verify: rejected
  kUnacknowledged = 7,   // consortium: its management node never received it (lost, or the node was down)
};

/** One order as the market sees it. Quantities are energy over the delivery interval. */
struct Order {
  OrderId id = 0;                   // unique within the run
  ParticipantId participant = 0;    // who placed it
  IntervalIndex interval = 0;       // delivery interval it is for
  Side side = Side::kBuy;
  double quantity_kwh = 0.0;        // > 0 to be admitted
  double limit_price_per_kwh = 0.0; // buy: the most it pays; sell: the least it accepts
  double submitted_s = 0.0;         // simulated time the participant sent it
  double arrived_s = 0.0;           // simulated time it reached the market (priority for ties)
};

}  // namespace ebsim::market
