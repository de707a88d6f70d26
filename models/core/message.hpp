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
  // consortium design (SPEC §4)
  kQuery = 4,          // participant -> its management node: "what did I get?"
  kBundle = 5,         // management node -> primary: the signed bundle of its subjects' bids
  kProposal = 6,       // primary -> management nodes: provisional result and process data
  kVote = 7,           // management node -> primary: co-signatures, a refusal, or a security objection
  kBlock = 8,          // primary -> management nodes: the final block
  kSync = 9,           // management node -> participant: chain sync (full block or header + own trades)
  kDispute = 10,       // participant -> management node -> primary: a result contradicts a bid
  kDisputeReply = 11,  // primary -> management node -> participant: how the dispute was resolved
  kCatchUp = 12,       // recovering management node -> another: blocks from height h on, please
  kCatchUpReply = 13,  // the blocks
  kPbftPrePrepare = 14,
  kPbftPrepare = 15,
  kPbftCommit = 16,
  kPbftViewChange = 17,
  kPbftNewView = 18,
  kReopen = 19,        // management node -> participant: bidding re-opened on the remaining capacity (option B)
  // peer-to-peer design (SPEC §5; models/p2p/p2p_node.hpp): announce / request / deliver gossip
  kTxAnnounce = 20,     // peer -> peer: "I have transaction id" (inventory, one entry)
  kTxRequest = 21,      // peer -> peer: "send me transaction id"
  kTx = 22,             // peer -> peer: the transaction
  kBlockAnnounce = 23,  // peer -> peer: "I have block id"
  kBlockRequest = 24,   // peer -> peer: "send me block id"
  kP2pBlock = 25,       // peer -> peer: the block (header + transactions, or header + short ids if compact)
  kBlockTxRequest = 26, // peer -> peer: "send me these transactions of the compact block" (BIP 152 getblocktxn)
  kBlockTxs = 27,       // peer -> peer: those transactions (BIP 152 blocktxn)
};
inline constexpr int kMessageTypeCount = 28;

/** The name used in traces and reports. */
constexpr std::string_view message_type_name(MessageType type) {
  switch (type) {
    case MessageType::kBid: return "bid";
    case MessageType::kAck: return "ack";
    case MessageType::kResult: return "result";
    case MessageType::kSettlement: return "settlement";
    case MessageType::kQuery: return "query";
    case MessageType::kBundle: return "bundle";
    case MessageType::kProposal: return "proposal";
    case MessageType::kVote: return "vote";
    case MessageType::kBlock: return "block";
    case MessageType::kSync: return "sync";
    case MessageType::kDispute: return "dispute";
    case MessageType::kDisputeReply: return "dispute_reply";
    case MessageType::kCatchUp: return "catch_up";
    case MessageType::kCatchUpReply: return "catch_up_reply";
    case MessageType::kPbftPrePrepare: return "pbft_pre_prepare";
    case MessageType::kPbftPrepare: return "pbft_prepare";
    case MessageType::kPbftCommit: return "pbft_commit";
    case MessageType::kPbftViewChange: return "pbft_view_change";
    case MessageType::kPbftNewView: return "pbft_new_view";
    case MessageType::kReopen: return "reopen";
    case MessageType::kTxAnnounce: return "tx_announce";
    case MessageType::kTxRequest: return "tx_request";
    case MessageType::kTx: return "tx";
    case MessageType::kBlockAnnounce: return "block_announce";
    case MessageType::kBlockRequest: return "block_request";
    case MessageType::kP2pBlock: return "p2p_block";
    case MessageType::kBlockTxRequest: return "block_tx_request";
    case MessageType::kBlockTxs: return "block_txs";
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
