#include "models/consensus/pbft.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace ebsim::consensus {
namespace {

/** The wire type of a PBFT phase. */
MessageType message_type_of(PbftPhase phase) {
  switch (phase) {
    case PbftPhase::kPrePrepare: return MessageType::kPbftPrePrepare;
    case PbftPhase::kPrepare: return MessageType::kPbftPrepare;
    case PbftPhase::kCommit: return MessageType::kPbftCommit;
    case PbftPhase::kViewChange: return MessageType::kPbftViewChange;
    case PbftPhase::kNewView: return MessageType::kPbftNewView;
  }
  return MessageType::kPbftPrePrepare;
}

}  // namespace

PbftReplica::PbftReplica(PbftParams params) : params_(std::move(params)) {
  if (params_.replicas == 0) throw std::invalid_argument("PbftReplica: replicas must be >= 1");
  if (params_.replica >= params_.replicas) throw std::invalid_argument("PbftReplica: replica index out of range");
  if (!params_.leaders.empty()) {
    std::vector<std::uint32_t> sorted = params_.leaders;
    std::sort(sorted.begin(), sorted.end());
    bool permutation = sorted.size() == params_.replicas;
    for (std::size_t i = 0; permutation && i < sorted.size(); ++i) permutation = sorted[i] == i;
    if (!permutation) throw std::invalid_argument("PbftReplica: leaders must be a permutation of 0..n-1");
  }
}

std::uint32_t PbftReplica::primary_of(std::uint64_t v) const {
  const std::uint64_t slot = v % params_.replicas;
  return params_.leaders.empty() ? static_cast<std::uint32_t>(slot) : params_.leaders[slot];
}

std::uint32_t PbftReplica::primary() const { return primary_of(view_); }

double PbftReplica::timeout_of(std::uint64_t v) const {
  return std::ldexp(params_.view_change_timeout_s, static_cast<int>(std::min<std::uint64_t>(v, 30)));
}

std::shared_ptr<PbftMessage> PbftReplica::make_message(PbftPhase phase, const ledger::Digest& digest) const {
  auto message = std::make_shared<PbftMessage>();
  message->phase = phase;
  message->sequence = params_.sequence;
  message->view = view_;
  message->sender = params_.replica;
  message->digest = digest;
  return message;
}

void PbftReplica::multicast(const std::shared_ptr<PbftMessage>& message, Actions& out) const {
  double size_bytes = params_.control_bytes;
  if (message->value) size_bytes += message->value->payload_bytes;
  if (message->prepared_value) size_bytes += message->prepared_value->payload_bytes;
  for (std::uint32_t to = 0; to < params_.replicas; ++to) {
    if (to == params_.replica) continue;
    PbftAction action;
    action.kind = PbftAction::Kind::kSend;
    action.to = to;
    action.message = message;
    action.type = message_type_of(message->phase);
    action.size_bytes = size_bytes;
    action.view = message->view;
    out.push_back(std::move(action));
  }
}

void PbftReplica::arm_timer(Actions& out) const {
  PbftAction action;
  action.kind = PbftAction::Kind::kStartTimer;
  action.delay_s = timeout_of(view_);
  action.view = view_;
  out.push_back(std::move(action));
}

std::vector<PbftAction> PbftReplica::start() {
  Actions out;
  if (halted_ || committed_) return out;
  arm_timer(out);
  return out;
}

std::vector<PbftAction> PbftReplica::propose(const PbftValue& value) {
  Actions out;
  // After a view change the primary may propose only once its 2f + 1 view changes are in (it
  // emitted kNeedValue); before that it would be proposing without knowing what was prepared.
  if (halted_ || committed_ || primary() != params_.replica || proposal_seen_ || in_view_change_) return out;
  send_proposal(value, out);
  return out;
}

void PbftReplica::send_proposal(const PbftValue& value, Actions& out) {
  auto message = make_message(view_ == 0 ? PbftPhase::kPrePrepare : PbftPhase::kNewView, value.digest);
  message->value = value;
  values_[value.digest] = value;
  accepted_ = value;
  proposal_seen_ = true;
  in_view_change_ = false;
  multicast(message, out);
  // With f = 0 (n < 4) no PREPARE is needed: the primary is prepared at once.
  maybe_prepare(out);
}

std::vector<PbftAction> PbftReplica::on_message(const PbftMessage& message) {
  Actions out;
  if (halted_ || committed_) return out;
  if (message.sequence != params_.sequence || message.sender >= params_.replicas ||
      message.sender == params_.replica) {
    return out;
  }
  switch (message.phase) {
    case PbftPhase::kPrePrepare:
    case PbftPhase::kNewView: {
      if (message.sender != primary_of(message.view) || !message.value || message.value->digest != message.digest) {
        return out;
      }
      if (message.view < view_) {
        // Too late to pre-prepare, but keep the value: older-view COMMITs may still certify it.
        values_.try_emplace(message.digest, *message.value);
        maybe_commit(out);
      } else if (message.view > view_) {
        future_proposals_.try_emplace(message.view, std::make_shared<PbftMessage>(message));
      } else {
        accept_proposal(message, out);
      }
      return out;
    }
    case PbftPhase::kPrepare: {
      // The primary's pre-prepare stands for its vote; a PREPARE from it is not counted.
      if (message.view < view_ || message.sender == primary_of(message.view)) return out;
      prepares_[message.view][message.digest].insert(message.sender);
      if (message.view == view_) maybe_prepare(out);
      return out;
    }
    case PbftPhase::kCommit: {
      commits_[message.view][message.digest].insert(message.sender);
      maybe_commit(out);
      return out;
    }
    case PbftPhase::kViewChange: {
      if (message.view < view_ || (message.view == view_ && !in_view_change_)) return out;
      // A value cannot have been prepared in the view being left for, or later.
      if (message.prepared_value && message.prepared_view >= message.view) return out;
      view_changes_[message.view].try_emplace(message.sender, std::make_shared<PbftMessage>(message));
      maybe_join_higher_view(out);
      if (!committed_) maybe_send_new_view(out);
      return out;
    }
  }
  return out;
}

void PbftReplica::accept_proposal(const PbftMessage& message, Actions& out) {
  if (proposal_seen_) return;  // one digest per view: a second proposal is equivocation
  proposal_seen_ = true;
  const PbftValue& value = *message.value;
  values_.try_emplace(value.digest, value);
  if (params_.validate && !params_.validate(value)) return;  // no PREPARE: the timer will fire
  accepted_ = value;
  in_view_change_ = false;
  multicast(make_message(PbftPhase::kPrepare, value.digest), out);
  maybe_prepare(out);
}

void PbftReplica::maybe_prepare(Actions& out) {
  if (!accepted_ || sent_commit_ || committed_) return;
  const std::uint32_t f = faults();
  std::size_t votes = 0;
  if (auto by_view = prepares_.find(view_); by_view != prepares_.end()) {
    if (auto senders = by_view->second.find(accepted_->digest); senders != by_view->second.end()) {
      votes = senders->second.size();
    }
  }
  if (params_.replica != primary()) ++votes;  // a backup's own PREPARE counts (never logged: not sent to self)
  if (votes < 2 * f) return;
  prepared_ = accepted_;
  prepared_view_ = view_;
  sent_commit_ = true;
  commits_[view_][accepted_->digest].insert(params_.replica);
  multicast(make_message(PbftPhase::kCommit, accepted_->digest), out);
  maybe_commit(out);
}

void PbftReplica::maybe_commit(Actions& out) {
  if (committed_) return;
  const std::size_t quorum = 2 * static_cast<std::size_t>(faults()) + 1;
  // Normal case: prepared in the current view, 2f + 1 COMMITs with the own one.
  if (sent_commit_ && prepared_ && prepared_view_ == view_) {
    const auto& senders = commits_[view_][prepared_->digest];
    if (senders.size() >= quorum) {
      commit(*prepared_, view_, out);
      return;
    }
  }
  // Catch-up on views this replica has left (see the header): any 2f + 1 matching COMMITs of an
  // older view certify the value, whether or not this replica prepared it.
  for (const auto& [v, by_digest] : commits_) {
    if (v >= view_) break;
    for (const auto& [digest, senders] : by_digest) {
      if (senders.size() < quorum) continue;
      if (auto known = values_.find(digest); known != values_.end()) {
        commit(known->second, v, out);
        return;
      }
    }
  }
}

void PbftReplica::commit(const PbftValue& value, std::uint64_t v, Actions& out) {
  committed_ = true;
  PbftAction action;
  action.kind = PbftAction::Kind::kCommitted;
  action.view = v;
  action.value = value;
  out.push_back(std::move(action));
}

std::vector<PbftAction> PbftReplica::on_timeout(std::uint64_t view) {
  Actions out;
  if (halted_ || committed_ || view != view_) return out;
  enter_view(view_ + 1, out);
  return out;
}

void PbftReplica::enter_view(std::uint64_t target, Actions& out) {
  view_ = target;
  in_view_change_ = true;
  proposal_seen_ = false;
  accepted_.reset();
  sent_commit_ = false;
  prepares_.erase(prepares_.begin(), prepares_.lower_bound(target));
  view_changes_.erase(view_changes_.begin(), view_changes_.lower_bound(target));
  future_proposals_.erase(future_proposals_.begin(), future_proposals_.lower_bound(target));

  auto message = make_message(PbftPhase::kViewChange, prepared_ ? prepared_->digest : ledger::Digest{});
  if (prepared_) {
    message->prepared_value = prepared_;
    message->prepared_view = prepared_view_;
  }
  view_changes_[target][params_.replica] = message;
  multicast(message, out);
  arm_timer(out);

  // Late COMMITs of the view just left may already certify a value.
  maybe_commit(out);
  if (committed_) return;
  maybe_send_new_view(out);
  if (auto pending = future_proposals_.find(target); pending != future_proposals_.end()) {
    const auto proposal = pending->second;
    future_proposals_.erase(pending);
    accept_proposal(*proposal, out);
  }
  // The buffered proposal's PREPARE/COMMIT votes were logged already; re-check them.
  maybe_prepare(out);
}

void PbftReplica::maybe_join_higher_view(Actions& out) {
  // Each other sender's highest announced view above ours; with f + 1 senders at least one is
  // correct, so joining the smallest of those views cannot be forced by faulty replicas alone.
  std::map<std::uint32_t, std::uint64_t> highest;
  for (auto it = view_changes_.upper_bound(view_); it != view_changes_.end(); ++it) {
    for (const auto& [sender, message] : it->second) {
      if (sender != params_.replica) highest[sender] = it->first;
    }
  }
  if (highest.size() < faults() + 1) return;
  std::uint64_t target = highest.begin()->second;
  for (const auto& [sender, v] : highest) target = std::min(target, v);
  enter_view(target, out);
  if (!committed_) maybe_join_higher_view(out);
}

void PbftReplica::maybe_send_new_view(Actions& out) {
  if (!in_view_change_ || primary() != params_.replica) return;
  const auto found = view_changes_.find(view_);
  if (found == view_changes_.end() || found->second.size() < 2 * static_cast<std::size_t>(faults()) + 1) return;
  // The prepared value with the highest view: if any value committed in an earlier view, 2f + 1
  // replicas prepared it, so at least one correct one among any 2f + 1 view changes reports it,
  // and no other value can have been prepared in a later view (Castro & Liskov, section 4.4).
  const PbftMessage* best = nullptr;
  for (const auto& [sender, message] : found->second) {
    if (message->prepared_value && (best == nullptr || message->prepared_view > best->prepared_view)) {
      best = message.get();
    }
  }
  if (best != nullptr) {
    send_proposal(*best->prepared_value, out);
    return;
  }
  in_view_change_ = false;
  PbftAction action;
  action.kind = PbftAction::Kind::kNeedValue;
  action.view = view_;
  out.push_back(std::move(action));
}

std::vector<PbftAction> PbftReplica::resume() {
  Actions out;
  if (!halted_) return out;
  halted_ = false;
  if (!committed_) arm_timer(out);
  return out;
}

}  // namespace ebsim::consensus
