#pragma once
/** The agreement seam: how the management nodes make an interval's co-signed block final at
 * every node, chosen by name (scenario key consortium.agreement). Every protocol shares steps 1-4
 * of a round (bundles to the acting primary, its proposal, the others' re-clearing and
 * co-signatures, failover: rotation.hpp, primary_role.hpp, co_signer.hpp); the acting primary
 * then forms the block and hands it to the protocol, which decides how it becomes final:
 * "rotating_primary" (seed 003) publishes it to every node; "pbft" orders it with PBFT
 * (pre-prepare, prepare, commit, view change; pbft.hpp). A protocol registers itself with a
 * static AgreementProtocolRegistration in its own .cpp. */
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/core/registry.hpp"
#include "models//consensus/consortium_messages.hpp"
#include "models/consensus/management_node_params.hpp"
#include "models/core/node.hpp"
#include "models/ledger/block.hpp"
#include "models/ledger/crypto_costs.hpp"

namespace ebsim::consensus {

/** What an agreement protocol may see and do at its management node (the node shell implements it). */
class AgreementHost {
 public:
  virtual ~AgreementHost() = default;
  /** The node's parameters (its index, the management nodes, suite, directory, sizes, timeouts). */
  virtual const ManagementNodeParams& params() const = 0;
  /** The calibrated CPU costs of the run's crypto suite. */
  virtual const ledger::CryptoCosts& costs() const = 0;
  /** The acting primary of round `k` after `shift` failovers. */
  virtual std::uint32_t acting(IntervalIndex k, std::uint32_t shift) const = 0;
  /** The failovers round `k` has seen at this node (the round is opened if it was not). */
  virtual std::uint32_t round_shift(IntervalIndex k) = 0;
  /** The trades this node co-signed in round `k` for the primary at `shift`, or null if none. */
  virtual const std::vector<market::Trade>* cosigned_trades(IntervalIndex k, std::uint32_t shift) const = 0;
  /** This node's chain. */
  virtual const std::vector<ledger::Block>& chain() const = 0;
  /** Does the chain hold interval `k`'s block? */
  virtual bool is_final(IntervalIndex k) const = 0;
  /** Interval `k`'s block. REQUIRES: is_final(k). */
  virtual const ledger::Block& final_block(IntervalIndex k) const = 0;
  /** Append the block this node formed itself (not verified again). */
  virtual void append_own(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body) = 0;
  /** Offer an agreed block to the chain (verified; kept if it is ahead, the gap fetched). */
  virtual void offer_block(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body) = 0;
  /** Send a message to management node `m`. */
  virtual void send_to(NodeContext& ctx, std::uint32_t m, MessageType type, double size_bytes,
                       std::shared_ptr<const MessageBody> body) = 0;
  /** Arm a protocol timer firing at `at_s`: AgreementProtocol::on_timer(k, gen) (gen: 24 bits). */
  virtual void arm_timer(NodeContext& ctx, double at_s, std::uint32_t gen, IntervalIndex k) = 0;
  /** Charge `s` seconds of cryptography. */
  virtual void charge_crypto(NodeContext& ctx, double s) = 0;
  /** Emit the node's round_final signal. */
  virtual void round_final(const RoundOutcome& outcome) = 0;
};

/** How a round's co-signed block becomes final at every management node. */
class AgreementProtocol {
 public:
  virtual ~AgreementProtocol() = default;
  /** The name scenarios use to pick this protocol. */
  virtual std::string_view name() const = 0;
  /** As acting primary this node formed round k's block from its co-signed proposal; `outcome`
   * is the round as it saw it. Make the block final (emitting round_final once it is, here). */
  virtual void publish(NodeContext& ctx, const std::shared_ptr<BlockBody>& body, const RoundOutcome& outcome) = 0;
  /** One of the protocol's own messages (kPbft*) arrived. */
  virtual void on_message(NodeContext& ctx, const Message& msg) = 0;
  /** A timer armed with AgreementHost::arm_timer fired (not while the node is down). */
  virtual void on_timer(NodeContext& ctx, IntervalIndex k, std::uint32_t gen) = 0;
  /** Interval `k`'s block is on this node's chain: its agreement state may go. */
  virtual void on_final(IntervalIndex k) = 0;
  /** The node crashed: volatile state is lost. */
  virtual void on_crash() = 0;
};

/** Name -> factory of a protocol serving an AgreementHost (which outlives it). Protocols register
 * themselves with a static AgreementProtocolRegistration. */
class AgreementProtocolRegistry : public FactoryRegistry<AgreementProtocol, AgreementHost&> {
 public:
  /** The registry of the program. */
  static AgreementProtocolRegistry& instance();
};

/** Put one of these at namespace scope in a protocol's .cpp to register it. */
using AgreementProtocolRegistration = Registration<AgreementProtocolRegistry>;

}  // namespace ebsim::consensus
