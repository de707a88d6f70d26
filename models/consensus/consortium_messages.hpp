#pragma once
/** Contents of the consortium protocol's messages (SPEC §4). Sizes on the wire come from
 * ConsortiumSizes; these bodies carry what the receiver needs (in `crypto: modeled` the
 * ciphertexts and the parties' signatures are empty, their cost charged all the same). */
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/core/message.hpp"
#include "models/ledger/block.hpp"
#include "models/market/messages.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/order.hpp"

namespace ebsim::consensus {

/** kBid, participant -> its management node: the sealed bid. */
struct SealedBidBody final : MessageBody {
  market::Order order;          // as signed (the simulation reads it; real mode checks it against the plaintext)
  ledger::Bytes signature;      // participant's signature over order_bytes(order); empty when modeled
  ledger::Bytes ciphertext;     // order_bytes(order) encrypted for the management node; empty when modeled
};

/** One order as forwarded between management nodes. */
struct BundledOrder {
  market::Order order;          // as its owner signed it
  double arrived_s = 0.0;       // when its management node received it (priority for ties)
  ledger::Bytes signature;      // owner's signature (empty when modeled)
};

/** kBundle, management node -> acting primary: its subjects' accepted orders for one interval. */
struct BundleBody final : MessageBody {
  IntervalIndex interval = 0;
  std::uint32_t sender = 0;     // management index
  std::uint32_t shift = 0;      // failovers of the round the sender had seen (acting primary = rotation[pos0 + shift])
  std::vector<BundledOrder> orders;
  std::uint32_t rejected_late = 0, rejected_other = 0;
  ledger::Bytes signature;      // sender's, over bundle_bytes
  ledger::Bytes ciphertext;     // bundle_bytes encrypted for the primary (real mode only)
};

/** kProposal, primary -> management nodes: provisional trades and the process data. */
struct ProposalBody final : MessageBody {
  IntervalIndex interval = 0;
  std::uint32_t primary = 0;
  std::uint32_t shift = 0;
  std::uint32_t attempt = 1;
  std::vector<BundledOrder> book;                  // the clearing input (sorted by arrival, then id)
  std::vector<std::vector<std::size_t>> security_rounds;  // objected branches of each security round so far
  std::vector<market::Trade> trades;               // the provisional result
  ledger::Bytes signature;                         // primary's, over proposal_bytes
};

/** kVote, management node -> primary (refusals also to every other management node). */
struct VoteBody final : MessageBody {
  enum class Kind : std::uint8_t { kCoSign = 0, kRefuse = 1, kObject = 2 };
  struct CoSignature {
    std::size_t trade = 0;      // position in the proposal's trades
    ledger::Bytes signature;    // over trade_bytes of the trade
  };
  struct Objection {
    std::size_t branch = 0;
    double flow_mw = 0.0;
    double limit_mw = 0.0;
  };
  IntervalIndex interval = 0;
  std::uint32_t voter = 0;
  std::uint32_t primary = 0;    // whose proposal
  std::uint32_t attempt = 0;
  Kind kind = Kind::kCoSign;
  std::vector<CoSignature> co_signatures;
  std::vector<Objection> objections;
  std::string reason;
};

/** kBlock (and catch-up): a final block plus the ids of the orders in its clearing input. */
struct BlockBody final : MessageBody {
  std::shared_ptr<const ledger::Block> block;
  std::vector<OrderId> book_orders;  // sorted
};

/** kSync, management node -> subject: a block, or its header and the subject's own trades. */
struct SyncBody final : MessageBody {
  IntervalIndex interval = 0;
  std::uint64_t height = 0;
  std::shared_ptr<const ledger::Block> block;   // kFull; null for kHeaders
  std::vector<ledger::TradeTx> own_trades;      // kHeaders: the trades of the receiver
};

/** kQuery, participant -> its management node. */
struct QueryBody final : MessageBody {
  IntervalIndex interval = 0;
  OrderId order = 0;
};

/** kDispute, participant -> its management node -> primary. */
struct DisputeBody final : MessageBody {
  IntervalIndex interval = 0;
  market::Order order;
  market::OrderFill reported;   // what the participant was told
  double raised_s = 0.0;
  NodeId participant_node = kNoNode;
};

/** kDisputeReply, primary -> participant: the true fill from the final block. */
struct DisputeReplyBody final : MessageBody {
  IntervalIndex interval = 0;
  market::OrderFill fill;
  bool upheld = false;
};

/** kCatchUp: blocks from `from_height` on, please. */
struct CatchUpBody final : MessageBody {
  std::uint64_t from_height = 0;
};

/** kCatchUpReply: the blocks (each with its clearing input's order ids). */
struct CatchUpReplyBody final : MessageBody {
  std::vector<std::shared_ptr<const BlockBody>> blocks;
};

/** kReopen, management node -> participant: its trade was cancelled by the security check and its
 * remaining quantity re-entered the (option B) re-clearing. Informational. */
struct ReopenBody final : MessageBody {
  IntervalIndex interval = 0;
  OrderId order = 0;
};

}  // namespace ebsim::consensus
