// The "pbft" agreement protocol: PBFT (pbft.hpp) orders the acting primary's co-signed block.
//
// One PbftReplica per (interval, rotation shift): sequence = (k << 16) | shift, replicas = the
// management indexes, leaders = the rotation order starting at the round's acting primary. The
// acting primary runs steps 1-4 as in the rotating design, forms the block, and proposes it
// (PRE-PREPARE carries the block; digest = block_hash). A backup accepts it if it extends its
// chain, verifies (ledger::verify_block) and its trades are exactly those the backup re-cleared
// and co-signed in step 4. On commit every replica appends the block. Rule for confirmations:
// PBFT messages are authenticated by the simulated channel, so Block::confirmations stays empty
// (the block hash covers the header only, so every replica appends the identical block). A view
// change inside an instance re-proposes the prepared block (kNeedValue without one is left to the
// rotation's failover deadline, which starts a new instance with the next primary).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/consensus/agreement.hpp"
#include "models/consensus/consortium_rounds.hpp"
#include "models/consensus/pbft.hpp"
#include "models/ledger/chain_verify.hpp"

namespace ebsim::consensus {

namespace {

/** The PBFT sequence of round k's instance at rotation `shift`. */
std::uint64_t pbft_sequence(IntervalIndex k, std::uint32_t shift) { return (std::uint64_t{k} << 16) | (shift & 0xFFFFu); }
/** The timer generation of an instance's view-change timer: shift and view, 12 bits each. */
std::uint32_t pbft_gen(std::uint32_t shift, std::uint64_t view) { return ((shift & 0xFFFu) << 12) | (view & 0xFFFu); }

/** PBFT instances of the rounds in progress at one management node. */
class PbftAgreement final : public AgreementProtocol {
 public:
  static constexpr std::string_view kName = "pbft";

  explicit PbftAgreement(AgreementHost& host) : host_(host) {}

  std::string_view name() const override { return kName; }
  void publish(NodeContext& ctx, const std::shared_ptr<BlockBody>& body, const RoundOutcome& outcome) override;
  void on_message(NodeContext& ctx, const Message& msg) override;
  void on_timer(NodeContext& ctx, IntervalIndex k, std::uint32_t gen) override;
  void on_final(IntervalIndex k) override {
    instances_.erase(instances_.lower_bound(std::uint64_t{k} << 16), instances_.lower_bound(std::uint64_t{k + 1} << 16));
  }
  void on_crash() override { instances_.clear(); }

 private:
  /** One PBFT instance: a round at one rotation shift. */
  struct Instance {
    std::unique_ptr<PbftReplica> replica;
    std::uint32_t shift = 0;
    bool has_outcome = false;
    RoundOutcome outcome;  // at the proposer
    std::optional<PbftValue> own;
  };

  /** The instance of round k at `shift`, started if new. */
  Instance& instance(NodeContext& ctx, IntervalIndex k, std::uint32_t shift);
  /** Does this replica accept `value` as round k's block at `shift`? */
  bool validate(IntervalIndex k, std::uint32_t shift, const PbftValue& value) const;
  /** Carry out the replica's actions. */
  void run(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, const std::vector<PbftAction>& actions);
  /** The instance committed `value`: append it; the proposer emits round_final. */
  void committed(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, const PbftValue& value);

  AgreementHost& host_;
  std::map<std::uint64_t, std::shared_ptr<Instance>> instances_;  // by PBFT sequence
};

void PbftAgreement::publish(NodeContext& ctx, const std::shared_ptr<BlockBody>& body, const RoundOutcome& outcome) {
  const IntervalIndex k = body->block->header.interval;
  const std::uint32_t shift = host_.round_shift(k);
  Instance& inst = instance(ctx, k, shift);
  inst.has_outcome = true;
  inst.outcome = outcome;
  PbftValue value;
  value.digest = ledger::block_hash(*host_.params().suite, body->block->header);
  value.payload = body;
  value.payload_bytes = block_wire_bytes(*body->block, host_.params().sizes);
  inst.own = value;
  run(ctx, k, shift, inst.replica->propose(value));
}

PbftAgreement::Instance& PbftAgreement::instance(NodeContext& ctx, IntervalIndex k, std::uint32_t shift) {
  const std::uint64_t seq = pbft_sequence(k, shift);
  auto it = instances_.find(seq);
  if (it != instances_.end()) return *it->second;
  const ManagementNodeParams& p = host_.params();
  const auto count = static_cast<std::uint32_t>(p.management_nodes.size());
  auto inst = std::make_shared<Instance>();
  inst->shift = shift;
  PbftParams params;
  params.replica = p.index;
  params.replicas = count;
  for (std::uint32_t i = 0; i < count; ++i) params.leaders.push_back(host_.acting(k, shift + i));
  params.sequence = seq;
  params.view_change_timeout_s = p.timeouts.vote_wait_s;
  params.control_bytes = p.sizes.control_bytes + p.sizes.signature_bytes;
  params.validate = [this, k, shift](const PbftValue& value) { return validate(k, shift, value); };
  inst->replica = std::make_unique<PbftReplica>(std::move(params));
  instances_[seq] = inst;
  run(ctx, k, shift, inst->replica->start());
  return *inst;
}

bool PbftAgreement::validate(IntervalIndex k, std::uint32_t shift, const PbftValue& value) const {
  const ManagementNodeParams& p = host_.params();
  auto body = std::dynamic_pointer_cast<const BlockBody>(value.payload);
  if (!body || !body->block) return false;
  const ledger::Block& block = *body->block;
  const std::vector<ledger::Block>& chain = host_.chain();
  if (block.header.interval != k || block.header.height != chain.size()) return false;
  if (ledger::block_hash(*p.suite, block.header) != value.digest) return false;
  if (ledger::verify_block(*p.suite, *p.directory, block, chain.empty() ? nullptr : &chain.back().header, chain.size()))
    return false;
  // Only the block of the primary whose proposal this node co-signed (one per round at a time).
  const std::vector<market::Trade>* cosigned = host_.cosigned_trades(k, shift);
  if (cosigned == nullptr) return false;
  std::vector<market::Trade> trades;
  for (const auto& tx : block.transactions) trades.push_back(to_trade(tx.trade));
  return trades_difference(*cosigned, trades).empty();
}

void PbftAgreement::run(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, const std::vector<PbftAction>& actions) {
  for (const PbftAction& a : actions) {
    switch (a.kind) {
      case PbftAction::Kind::kSend:
        host_.charge_crypto(ctx, host_.costs().sign_s);
        host_.send_to(ctx, a.to, a.type, a.size_bytes, a.message);
        break;
      case PbftAction::Kind::kStartTimer:
        host_.arm_timer(ctx, ctx.now_s() + a.delay_s, pbft_gen(shift, a.view), k);
        break;
      case PbftAction::Kind::kCommitted:
        committed(ctx, k, shift, a.value);
        break;
      case PbftAction::Kind::kNeedValue: {
        auto it = instances_.find(pbft_sequence(k, shift));
        if (it != instances_.end() && it->second->own) run(ctx, k, shift, it->second->replica->propose(*it->second->own));
        break;
      }
    }
  }
}

void PbftAgreement::committed(NodeContext& ctx, IntervalIndex k, std::uint32_t shift, const PbftValue& value) {
  auto body = std::dynamic_pointer_cast<const BlockBody>(value.payload);
  if (!body || host_.is_final(k)) return;
  std::optional<RoundOutcome> outcome;
  if (auto it = instances_.find(pbft_sequence(k, shift)); it != instances_.end() && it->second->has_outcome)
    outcome = it->second->outcome;
  host_.offer_block(ctx, body);
  if (outcome && host_.is_final(k) && ledger::block_hash(*host_.params().suite, host_.final_block(k).header) == value.digest) {
    outcome->final_s = ctx.now_s();
    host_.round_final(*outcome);
  }
}

void PbftAgreement::on_message(NodeContext& ctx, const Message& msg) {
  const auto& m = msg.as<PbftMessage>();
  const auto k = static_cast<IntervalIndex>(m.sequence >> 16);
  const auto shift = static_cast<std::uint32_t>(m.sequence & 0xFFFFu);
  if (k >= host_.params().timing.intervals || host_.is_final(k) || m.sender >= host_.params().management_nodes.size()) return;
  host_.charge_crypto(ctx, host_.costs().verify_s);
  Instance& inst = instance(ctx, k, shift);
  run(ctx, k, shift, inst.replica->on_message(m));
}

void PbftAgreement::on_timer(NodeContext& ctx, IntervalIndex k, std::uint32_t gen) {
  const std::uint32_t shift = gen >> 12;
  const std::uint64_t view = gen & 0xFFFu;
  auto it = instances_.find(pbft_sequence(k, shift));
  if (it == instances_.end() || host_.is_final(k)) return;
  auto inst = it->second;
  run(ctx, k, shift, inst->replica->on_timeout(view));
}

const AgreementProtocolRegistration kRegistration(std::string(PbftAgreement::kName), [](AgreementHost& host) {
  return std::make_unique<PbftAgreement>(host);
});

}  // namespace

}  // namespace ebsim::consensus
