#include "models/consensus/rotation.hpp"

namespace ebsim::consensus {

void Rotation::gate_closure(NodeContext& ctx, IntervalIndex k) {
  const ManagementNodeParams& p = node_.params();
  if (rounds_.gate_done(k)) return;
  rounds_.last_gate_done = k;
  if (k + 1 < p.timing.intervals) node_.arm(ctx, p.timing.gate_closure_time_s(k + 1), ManagementTimer::kGateClosure, 0, k + 1);
  if (chain_.is_final(k)) return;
  RoundState& r = rounds_.by_interval[k];
  ++r.deadline_gen;
  node_.arm(ctx, ctx.now_s() + p.timeouts.bundle_wait_s + p.timeouts.failover_s, ManagementTimer::kDeadline, r.deadline_gen, k);
  if (node_.acting(k, r.shift) == p.index) primary_.begin_collecting(ctx, k);
  else send_bundle(ctx, k);
}

void Rotation::send_bundle(NodeContext& ctx, IntervalIndex k) {
  const std::uint32_t shift = rounds_.by_interval[k].shift;
  const std::uint32_t to = node_.acting(k, shift);
  auto b = intake_.make_bundle(ctx, k, shift, to, true);
  node_.send(ctx, node_.node_of(to), MessageType::kBundle, intake_.bundle_size(*b), b);
}

void Rotation::advance_to(NodeContext& ctx, IntervalIndex k, std::uint32_t shift) {
  RoundState& r = rounds_.by_interval[k];
  const std::uint32_t old_primary = node_.acting(k, r.shift);
  r.shift = shift;
  r.collecting = false;
  r.proposed = false;
  r.pending_finalize = false;
  r.catch_up_asked = false;
  r.bundles.clear();
  r.excluded.clear();
  r.votes.clear();
  r.proposal.reset();
  r.security_rounds.clear();
  r.objector.clear();
  r.iterations_emitted = 0;
  ++r.primary_gen;
  ++r.deadline_gen;
  const ConsortiumTimeouts& timeouts = node_.params().timeouts;
  node_.arm(ctx, ctx.now_s() + timeouts.bundle_wait_s + timeouts.failover_s, ManagementTimer::kDeadline, r.deadline_gen, k);
  if (!rounds_.gate_done(k)) return;  // the gate closure will act
  if (node_.acting(k, shift) == node_.index()) {
    failover_.emit(FailoverRecord{k, old_primary, node_.index(), ctx.now_s()});
    primary_.begin_collecting(ctx, k);
  } else {
    send_bundle(ctx, k);
  }
}

void Rotation::receive_proposal(NodeContext& ctx, const Message& msg) {
  const ManagementNodeParams& p = node_.params();
  auto prop = std::static_pointer_cast<const ProposalBody>(msg.body);
  const IntervalIndex k = prop->interval;
  if (k >= p.timing.intervals || chain_.is_final(k) || prop->primary >= node_.count()) return;
  const ledger::Bytes bytes = proposal_bytes(*prop);
  node_.charge_crypto(ctx, node_.costs().hash_s(static_cast<double>(bytes.size())) + node_.costs().verify_s);
  if (!p.suite->verify(p.directory->management_keys[prop->primary], p.suite->hash(bytes), prop->signature)) {
    return;
  }
  RoundState& r = rounds_.by_interval[k];
  if (r.refused_primaries.count(prop->primary) != 0) return;
  // The proposer's shift is taken as it is (a node that recovered counts failovers from 0), so
  // that every node names the attempt alike (PBFT instances are keyed by it).
  const std::uint32_t s = prop->shift;
  if (node_.acting(k, s) != prop->primary) return;
  if (s != r.shift) {
    // Having co-signed the acting primary's proposal, it does not co-sign another primary's for
    // the same round until its own deadline has moved it on (else both could make a block).
    if (r.cosigned_shift == r.shift) return;
    // Adopt the proposer as acting primary (its failover came first); a deposed primary drops
    // its own attempt, including a block waiting for earlier blocks.
    r.shift = s;
    r.collecting = false;
    r.proposed = false;
    r.pending_finalize = false;
    r.proposal.reset();
    r.votes.clear();
    r.catch_up_asked = false;
    ++r.primary_gen;
  }
  ++r.deadline_gen;
  node_.arm(ctx, ctx.now_s() + p.timeouts.vote_wait_s + p.timeouts.failover_s, ManagementTimer::kDeadline, r.deadline_gen, k);
  const std::shared_ptr<VoteBody> vote = co_signer_.validate(ctx, *prop);
  if (vote->kind == VoteBody::Kind::kCoSign) {
    r.cosigned = prop->trades;
    r.cosigned_shift = r.shift;
  } else {
    r.cosigned.reset();
  }
  co_signer_.send_vote(ctx, *prop, vote);
  if (vote->kind == VoteBody::Kind::kRefuse) note_refusal(ctx, prop->interval, prop->primary, p.index);
}

void Rotation::note_refusal(NodeContext& ctx, IntervalIndex k, std::uint32_t primary, std::uint32_t voter) {
  if (chain_.is_final(k)) return;
  RoundState& r = rounds_.by_interval[k];
  auto& set = r.refusals[primary];
  set.insert(voter);
  if (2 * set.size() > node_.count() && node_.acting(k, r.shift) == primary && r.refused_primaries.count(primary) == 0) {
    r.refused_primaries.insert(primary);
    advance_to(ctx, k, r.shift + 1);
  }
}

void Rotation::receive_vote(NodeContext& ctx, const Message& msg) {
  auto vote = std::static_pointer_cast<const VoteBody>(msg.body);
  const IntervalIndex k = vote->interval;
  if (k >= node_.params().timing.intervals || chain_.is_final(k) || vote->voter >= node_.count()) return;
  node_.charge_crypto(ctx, node_.costs().verify_s * (1.0 + vote->co_signatures.size()));
  if (vote->kind == VoteBody::Kind::kRefuse) note_refusal(ctx, k, vote->primary, vote->voter);
  auto it = rounds_.by_interval.find(k);
  if (it == rounds_.by_interval.end()) return;
  RoundState& r = it->second;
  if (vote->primary != node_.index() || !r.proposed || vote->attempt != r.attempt) return;
  r.votes[vote->voter] = vote;
  primary_.decide(ctx, k, false);
}

void Rotation::on_bundle_wait(NodeContext& ctx, IntervalIndex k, std::uint32_t gen) {
  auto it = rounds_.by_interval.find(k);
  if (it == rounds_.by_interval.end() || chain_.is_final(k) || it->second.primary_gen != gen) return;
  if (it->second.collecting && !it->second.proposed) primary_.propose(ctx, k);
}

void Rotation::on_vote_wait(NodeContext& ctx, IntervalIndex k, std::uint32_t gen) {
  auto it = rounds_.by_interval.find(k);
  if (it == rounds_.by_interval.end() || chain_.is_final(k) || it->second.primary_gen != gen) return;
  primary_.decide(ctx, k, true);
}

void Rotation::on_deadline(NodeContext& ctx, IntervalIndex k, std::uint32_t gen) {
  auto it = rounds_.by_interval.find(k);
  if (it == rounds_.by_interval.end() || chain_.is_final(k) || it->second.deadline_gen != gen) return;
  // An acting primary that is collecting does not depose itself: the others do, and it adopts
  // its successor's proposal.
  if (node_.acting(k, it->second.shift) == node_.index() && it->second.collecting) return;
  // It co-signed the acting primary's proposal: the block may exist and have been lost on the
  // way. Ask the others once before moving on (a fork would need both lost).
  RoundState& r = it->second;
  if (r.cosigned_shift == r.shift && !r.catch_up_asked) {
    r.catch_up_asked = true;
    chain_.request_catch_up(ctx, kNoNode);
    node_.arm(ctx, ctx.now_s() + node_.params().timeouts.failover_s, ManagementTimer::kDeadline, r.deadline_gen, k);
    return;
  }
  advance_to(ctx, k, r.shift + 1);
}

void Rotation::resume(NodeContext& ctx, double now_s) {
  const ManagementNodeParams& p = node_.params();
  // The gate closures that passed while down are missed; resume with the next one.
  IntervalIndex next = 0;
  while (next < p.timing.intervals && p.timing.gate_closure_time_s(next) <= now_s) ++next;
  if (static_cast<std::int64_t>(next) - 1 > rounds_.last_gate_done) rounds_.last_gate_done = static_cast<std::int64_t>(next) - 1;
  if (next < p.timing.intervals) node_.arm(ctx, p.timing.gate_closure_time_s(next), ManagementTimer::kGateClosure, 0, next);
  // Watch the unfinished rounds again (failover deadline).
  for (std::int64_t k = static_cast<std::int64_t>(chain_.height()); k <= rounds_.last_gate_done; ++k) {
    const auto ki = static_cast<IntervalIndex>(k);
    if (chain_.is_final(ki)) continue;
    RoundState& r = rounds_.by_interval[ki];
    ++r.deadline_gen;
    node_.arm(ctx, now_s + p.timeouts.bundle_wait_s + p.timeouts.failover_s, ManagementTimer::kDeadline, r.deadline_gen, ki);
  }
}

}  // namespace ebsim::consensus
