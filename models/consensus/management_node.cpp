#include "models/consensus/management_node.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "models/consensus/agreement.hpp"
#include "models/consensus/bid_intake.hpp"
#include "models/consensus/chain_store.hpp"
#include "models/consensus/co_signer.hpp"
#include "models/consensus/dispute_desk.hpp"
#include "models/consensus/management_common.hpp"
#include "models/consensus/primary_role.hpp"
#include "models/consensus/rotation.hpp"
#include "models/consensus/round_state.hpp"
#include "models/consensus/subject_desk.hpp"

namespace ebsim::consensus {

namespace {

/** The agreement protocol `name` for `host`; throws std::invalid_argument naming the registered ones. */
std::unique_ptr<AgreementProtocol> make_agreement(const std::string& name, AgreementHost& host) {
  auto protocol = AgreementProtocolRegistry::instance().create(name, host);
  if (protocol) return protocol;
  std::string known;
  for (const std::string& n : AgreementProtocolRegistry::instance().names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("ManagementNode: unknown agreement protocol '" + name + "' (one of " + known + ")");
}

}  // namespace

/** The collaborators, wired together; the shell's own work is routing, crashes and recovery. It
 * is also what the agreement protocol sees of the node, and what the chain store reports to. */
struct ManagementNode::State final : AgreementHost, ChainListener {
  State(ManagementNode& owner, ManagementNodeParams params, const market::ClearingRule& rule)
      : self(owner),
        common(std::move(params)),
        intake(common),
        store(common, owner.block_appended),
        co_signer(common, rule, owner.refused),
        agreement(make_agreement(common.params().agreement, *this)),
        primary(common, rounds, intake, store, co_signer, *agreement, owner.objected),
        rotation(common, rounds, intake, store, co_signer, primary, owner.failover),
        subjects(common, rounds, intake, store, owner.order_missed_round),
        disputes(common, rounds, store, owner.dispute_closed) {
    store.set_listener(*this);
  }

  ManagementNode& self;
  ManagementCommon common;
  RoundTable rounds;
  BidIntake intake;
  ChainStore store;
  CoSigner co_signer;
  std::unique_ptr<AgreementProtocol> agreement;
  PrimaryRole primary;
  Rotation rotation;
  SubjectDesk subjects;
  DisputeDesk disputes;
  bool down = false;

  void on_start(NodeContext& ctx);
  void on_timer(NodeContext& ctx, std::uint64_t tag);
  void on_message(NodeContext& ctx, const Message& msg);
  /** A crash: every volatile part is lost; the chain, the bid store and the settled set remain. */
  void crash();
  /** Recovery: resume the gate closures, watch the unfinished rounds, catch up, settle. */
  void recover(NodeContext& ctx);

  // ---- ChainListener ----
  void on_block_final(NodeContext& ctx, IntervalIndex k) override {
    subjects.on_final(ctx, k);
    agreement->on_final(k);
    rounds.by_interval.erase(k);
  }
  void on_chain_grown(NodeContext& ctx) override {
    for (auto& [rk, r] : rounds.by_interval) {
      if (r.pending_finalize && rk == store.height() && !store.is_final(rk)) {
        primary.finalize(ctx, rk);
        break;
      }
    }
  }

  // ---- AgreementHost ----
  const ManagementNodeParams& params() const override { return common.params(); }
  const ledger::CryptoCosts& costs() const override { return common.costs(); }
  std::uint32_t acting(IntervalIndex k, std::uint32_t shift) const override { return common.acting(k, shift); }
  std::uint32_t round_shift(IntervalIndex k) override { return rounds.by_interval[k].shift; }
  const std::vector<market::Trade>* cosigned_trades(IntervalIndex k, std::uint32_t shift) const override {
    const auto r = rounds.by_interval.find(k);
    if (r == rounds.by_interval.end() || !r->second.cosigned || r->second.cosigned_shift != shift) return nullptr;
    return &*r->second.cosigned;
  }
  const std::vector<ledger::Block>& chain() const override { return store.blocks(); }
  bool is_final(IntervalIndex k) const override { return store.is_final(k); }
  const ledger::Block& final_block(IntervalIndex k) const override { return store.final_block(k); }
  void append_own(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body) override { store.append(ctx, body, false); }
  void offer_block(NodeContext& ctx, const std::shared_ptr<const BlockBody>& body) override { store.offer(ctx, body, kNoNode); }
  void send_to(NodeContext& ctx, std::uint32_t m, MessageType type, double size_bytes,
               std::shared_ptr<const MessageBody> body) override {
    common.send(ctx, common.node_of(m), type, size_bytes, std::move(body));
  }
  void arm_timer(NodeContext& ctx, double at_s, std::uint32_t gen, IntervalIndex k) override {
    common.arm(ctx, at_s, ManagementTimer::kAgreement, gen, k);
  }
  void charge_crypto(NodeContext& ctx, double s) override { common.charge_crypto(ctx, s); }
  void round_final(const RoundOutcome& outcome) override { self.round_final.emit(outcome); }
};

void ManagementNode::State::on_start(NodeContext& ctx) {
  const ManagementNodeParams& p = common.params();
  if (p.timing.intervals > 0) common.arm(ctx, p.timing.gate_closure_time_s(0), ManagementTimer::kGateClosure, 0, 0);
  for (std::size_t i = 0; i < p.crashes.size(); ++i) {
    if (p.crashes[i].node != p.index) continue;
    common.arm(ctx, p.crashes[i].at_s, ManagementTimer::kCrash, 0, i);
    common.arm(ctx, p.crashes[i].at_s + p.crashes[i].duration_s, ManagementTimer::kRecover, 0, i);
  }
}

void ManagementNode::State::on_timer(NodeContext& ctx, std::uint64_t tag) {
  const TimerTag t = parse_timer_tag(tag);
  if (t.kind == ManagementTimer::kRecover) {
    if (down) recover(ctx);
    return;
  }
  if (down) return;  // a crashed node's timers are dropped
  switch (t.kind) {
    case ManagementTimer::kGateClosure: rotation.gate_closure(ctx, t.k); return;
    case ManagementTimer::kBundleWait: rotation.on_bundle_wait(ctx, t.k, t.gen); return;
    case ManagementTimer::kVoteWait: rotation.on_vote_wait(ctx, t.k, t.gen); return;
    case ManagementTimer::kDeadline: rotation.on_deadline(ctx, t.k, t.gen); return;
    case ManagementTimer::kSettle: subjects.settle(ctx, t.k); return;
    case ManagementTimer::kCrash: crash(); return;
    case ManagementTimer::kRecover: return;
    case ManagementTimer::kAgreement: agreement->on_timer(ctx, t.k, t.gen); return;
  }
}

void ManagementNode::State::on_message(NodeContext& ctx, const Message& msg) {
  if (down) return;
  switch (msg.type) {
    case MessageType::kBid: intake.receive_bid(ctx, msg, rounds); return;
    case MessageType::kBundle: primary.receive_bundle(ctx, msg); return;
    case MessageType::kProposal: rotation.receive_proposal(ctx, msg); return;
    case MessageType::kVote: rotation.receive_vote(ctx, msg); return;
    case MessageType::kBlock: {
      auto body = std::static_pointer_cast<const BlockBody>(msg.body);
      store.offer(ctx, body, msg.from);
      return;
    }
    case MessageType::kQuery: subjects.receive_query(ctx, msg); return;
    case MessageType::kDispute: disputes.receive_dispute(ctx, msg); return;
    case MessageType::kCatchUp: store.receive_catch_up(ctx, msg); return;
    case MessageType::kCatchUpReply: store.receive_catch_up_reply(ctx, msg); return;
    case MessageType::kPbftPrePrepare:
    case MessageType::kPbftPrepare:
    case MessageType::kPbftCommit:
    case MessageType::kPbftViewChange:
    case MessageType::kPbftNewView: agreement->on_message(ctx, msg); return;  // the agreement protocol's own
    case MessageType::kAck:
    case MessageType::kResult:
    case MessageType::kSettlement:
    case MessageType::kSync:
    case MessageType::kDisputeReply:
    case MessageType::kReopen: return;  // addressed to participants
    case MessageType::kTxAnnounce:
    case MessageType::kTxRequest:
    case MessageType::kTx:
    case MessageType::kBlockAnnounce:
    case MessageType::kBlockRequest:
    case MessageType::kP2pBlock:
    case MessageType::kBlockTxRequest:
    case MessageType::kBlockTxs: return;  // the p2p design's
  }
}

void ManagementNode::State::crash() {
  if (down) return;
  down = true;
  rounds.by_interval.clear();
  subjects.forget_results();
  store.forget_future();
  disputes.forget();
  agreement->on_crash();
}

void ManagementNode::State::recover(NodeContext& ctx) {
  down = false;
  const double now = ctx.now_s();
  rotation.resume(ctx, now);
  store.request_catch_up(ctx, kNoNode);  // fetch the blocks missed
  subjects.resume(ctx, now);
}

ManagementNode::ManagementNode(ManagementNodeParams params, const market::ClearingRule& rule)
    : state_(std::make_unique<State>(*this, std::move(params), rule)) {}

ManagementNode::~ManagementNode() = default;

void ManagementNode::on_start(NodeContext& ctx) { state_->on_start(ctx); }
void ManagementNode::on_message(NodeContext& ctx, const Message& msg) { state_->on_message(ctx, msg); }
void ManagementNode::on_timer(NodeContext& ctx, TimerId, std::uint64_t tag) { state_->on_timer(ctx, tag); }

const std::vector<ledger::Block>& ManagementNode::chain() const { return state_->store.blocks(); }
const CpuUse& ManagementNode::cpu() const { return state_->common.cpu(); }
std::uint32_t ManagementNode::index() const { return state_->common.index(); }
bool ManagementNode::is_down() const { return state_->down; }
std::uint64_t ManagementNode::blocks_rejected() const { return state_->store.blocks_rejected(); }

}  // namespace ebsim::consensus
