#include "models/consensus/primary_role.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace ebsim::consensus {

void PrimaryRole::begin_collecting(NodeContext& ctx, IntervalIndex k) {
  RoundState& r = rounds_.by_interval[k];
  r.collecting = true;
  r.proposed = false;
  r.bundles = r.received;
  r.bundles[node_.index()] = intake_.make_bundle(ctx, k, r.shift, node_.index(), false);
  ++r.primary_gen;
  node_.arm(ctx, ctx.now_s() + node_.params().timeouts.bundle_wait_s, ManagementTimer::kBundleWait, r.primary_gen, k);
  if (r.bundles.size() >= node_.count()) propose(ctx, k);
}

void PrimaryRole::receive_bundle(NodeContext& ctx, const Message& msg) {
  const ManagementNodeParams& p = node_.params();
  auto b = std::static_pointer_cast<const BundleBody>(msg.body);
  const IntervalIndex k = b->interval;
  if (k >= p.timing.intervals || chain_.is_final(k)) return;
  RoundState& r = rounds_.by_interval[k];
  if (b->sender >= node_.count() || b->sender == p.index) return;
  const ledger::Bytes bytes = bundle_bytes(*b);
  const double n = static_cast<double>(bytes.size());
  node_.charge_crypto(ctx, node_.costs().decrypt_s(n) + node_.costs().hash_s(n) + node_.costs().verify_s);
  if (p.crypto_mode == CryptoMode::kReal) {
    const auto opened = p.suite->decrypt(p.encryption_key, b->ciphertext);
    if (!opened || *opened != bytes) return;
  }
  if (!p.suite->verify(p.directory->management_keys.at(b->sender), p.suite->hash(bytes), b->signature)) return;
  // Kept even when this node is not (yet) the acting primary: a sender whose failover deadline
  // fired first addressed it to this node, which uses it once its own deadline moves it there.
  r.received[b->sender] = b;
  if (node_.acting(k, r.shift) != p.index || r.proposed) return;
  r.bundles[b->sender] = b;
  if (!r.collecting && rounds_.gate_done(k)) {
    begin_collecting(ctx, k);
    return;
  }
  if (r.collecting && r.bundles.size() >= node_.count()) propose(ctx, k);
}

void PrimaryRole::emit_objections(IntervalIndex k, RoundState& r) {
  for (; r.iterations_emitted < r.outcome.iterations.size(); ++r.iterations_emitted) {
    SecurityObjection o;
    o.iteration = r.outcome.iterations[r.iterations_emitted];
    o.interval = k;
    const auto it = r.objector.find(o.iteration.branch);
    o.node = it != r.objector.end() ? it->second : node_.index();
    o.option = node_.params().security;
    objected_.emit(o);
  }
}

void PrimaryRole::propose(NodeContext& ctx, IntervalIndex k) {
  const ManagementNodeParams& p = node_.params();
  RoundState& r = rounds_.by_interval[k];
  std::vector<BundledOrder> book;
  for (const auto& [sender, bundle] : r.bundles) {
    if (r.excluded.count(sender) != 0) continue;
    book.insert(book.end(), bundle->orders.begin(), bundle->orders.end());
  }
  std::sort(book.begin(), book.end(), [](const BundledOrder& a, const BundledOrder& b) {
    return a.arrived_s != b.arrived_s ? a.arrived_s < b.arrived_s : a.order.id < b.order.id;
  });
  r.outcome = co_signer_.clear(ctx, k, book, r.security_rounds);
  emit_objections(k, r);
  std::vector<market::Trade> trades = r.outcome.result.trades;
  ByzantineFault::Behaviour behaviour{};
  if (node_.byzantine_now(ctx.now_s(), &behaviour)) alter(trades, behaviour);
  auto prop = std::make_shared<ProposalBody>();
  prop->interval = k;
  prop->primary = p.index;
  prop->shift = r.shift;
  prop->attempt = ++r.attempt;
  prop->book = std::move(book);
  prop->security_rounds = r.security_rounds;
  prop->trades = std::move(trades);
  const ledger::Bytes bytes = proposal_bytes(*prop);
  prop->signature = p.suite->sign(p.signing_key, p.suite->hash(bytes));
  node_.charge_crypto(ctx, node_.costs().hash_s(static_cast<double>(bytes.size())) + node_.costs().sign_s);
  r.proposal = prop;
  r.proposed = true;
  if (r.proposal_s < 0) r.proposal_s = ctx.now_s();
  r.votes.clear();
  const double size = p.sizes.envelope_bytes + p.sizes.signature_bytes +
                      prop->trades.size() * p.sizes.proposal_per_trade_bytes +
                      prop->book.size() * p.sizes.bundle_per_order_bytes;
  for (std::uint32_t m = 0; m < node_.count(); ++m)
    if (m != p.index) node_.send(ctx, node_.node_of(m), MessageType::kProposal, size, prop);
  // The primary's own vote: its area's security check, then its co-signatures (it does not
  // re-run its own clearing).
  std::shared_ptr<VoteBody> own = co_signer_.objection(*prop);
  r.votes[p.index] = own ? own : co_signer_.co_sign(ctx, *prop);
  ++r.primary_gen;
  node_.arm(ctx, ctx.now_s() + p.timeouts.vote_wait_s, ManagementTimer::kVoteWait, r.primary_gen, k);
  decide(ctx, k, false);
}

void PrimaryRole::alter(std::vector<market::Trade>& trades, ByzantineFault::Behaviour behaviour) const {
  const std::vector<std::uint32_t>& area = node_.params().participant_area;
  const std::uint32_t me = node_.index();
  switch (behaviour) {
    case ByzantineFault::Behaviour::kFavourOwnArea:
      for (market::Trade& t : trades) {
        if (area.at(t.seller) == me) t.seller_price_per_kwh *= 1.1;
        if (area.at(t.buyer) == me) t.price_per_kwh *= 0.9;
      }
      return;
    case ByzantineFault::Behaviour::kDropOtherAreas:
      std::erase_if(trades, [&](const market::Trade& t) { return area.at(t.seller) != me && area.at(t.buyer) != me; });
      return;
  }
}

void PrimaryRole::decide(NodeContext& ctx, IntervalIndex k, bool timed_out) {
  const ManagementNodeParams& p = node_.params();
  const std::uint32_t count = node_.count();
  RoundState& r = rounds_.by_interval[k];
  if (!r.proposed || r.pending_finalize) return;
  const std::size_t expected = count - r.excluded.size();
  std::size_t voted = 0;
  bool refused = false;
  std::set<std::size_t> objected;
  for (const auto& [voter, v] : r.votes) {
    if (r.excluded.count(voter) != 0) continue;
    ++voted;
    if (v->kind == VoteBody::Kind::kRefuse) refused = true;
    if (v->kind == VoteBody::Kind::kObject) {
      for (const auto& o : v->objections) {
        objected.insert(o.branch);
        r.objector.emplace(o.branch, voter);
      }
    }
  }
  if (voted < expected && !timed_out) return;
  // A majority of refusals moves the rotation on (Rotation::note_refusal); a minority only
  // withholds co-signatures (a refusing area's orders are dropped at the vote timeout, below).
  if (refused && 2 * r.refusals[p.index].size() > count) return;
  if (!objected.empty()) {
    r.security_rounds.emplace_back(objected.begin(), objected.end());
    propose(ctx, k);
    return;
  }
  // Every area the trades touch must have co-signed.
  std::set<std::uint32_t> needed, missing;
  for (const market::Trade& t : r.proposal->trades) {
    needed.insert(p.participant_area.at(t.buyer));
    needed.insert(p.participant_area.at(t.seller));
  }
  for (std::uint32_t m : needed) {
    const auto v = r.votes.find(m);
    if (v == r.votes.end() || v->second->kind != VoteBody::Kind::kCoSign) missing.insert(m);
  }
  // And a majority of all management nodes must have co-signed (checked the proposal), so that
  // two primaries of one round cannot both make a block from disjoint sets of live nodes.
  std::size_t co_signed = 0;
  for (const auto& [voter, v] : r.votes) co_signed += v->kind == VoteBody::Kind::kCoSign;
  if (missing.empty() && 2 * co_signed > count) {
    finalize(ctx, k);
    return;
  }
  if (!timed_out) return;
  // Drop the silent nodes' orders (their owners get a 0 result from their node) and retry
  // (the re-sent proposal also reaches nodes that have come back).
  for (std::uint32_t m : missing)
    if (m != p.index) r.excluded.insert(m);
  propose(ctx, k);
}

std::shared_ptr<ledger::Block> PrimaryRole::make_block(NodeContext& ctx, IntervalIndex k, const RoundState& r,
                                                       const std::unordered_map<OrderId, const BundledOrder*>& orders) {
  const ManagementNodeParams& p = node_.params();
  const std::vector<ledger::Block>& chain = chain_.blocks();
  const ProposalBody& prop = *r.proposal;
  auto block = std::make_shared<ledger::Block>();
  block->header.height = chain.size();
  if (!chain.empty()) block->header.previous_hash = ledger::block_hash(*p.suite, chain.back().header);
  block->header.timestamp_s = ctx.now_s();
  block->header.primary = p.index;
  block->header.interval = k;
  double hashed = 0.0;
  for (std::size_t i = 0; i < prop.trades.size(); ++i) {
    const market::Trade& t = prop.trades[i];
    ledger::BlockTransaction tx;
    tx.trade = make_trade_tx(k, t, orders, p.timing);
    tx.buyer_signature = orders.at(t.buy_order)->signature;
    tx.seller_signature = orders.at(t.sell_order)->signature;
    for (const auto& [voter, v] : r.votes) {
      for (const auto& cs : v->co_signatures)
        if (cs.trade == i) tx.management_signatures.push_back(ledger::NodeSignature{voter, cs.signature});
    }
    std::sort(tx.management_signatures.begin(), tx.management_signatures.end(),
              [](const ledger::NodeSignature& a, const ledger::NodeSignature& b) { return a.signer < b.signer; });
    hashed += 200.0 + 64.0 * (2 + tx.management_signatures.size());
    block->transactions.push_back(std::move(tx));
  }
  ledger::seal_merkle_root(*p.suite, *block);
  block->primary_signature = p.suite->sign(p.signing_key, ledger::header_bytes(block->header));
  node_.charge_crypto(ctx, node_.costs().hash_s(hashed) * 2.0 + node_.costs().sign_s);
  return block;
}

RoundOutcome PrimaryRole::outcome_of(NodeContext& ctx, IntervalIndex k, const RoundState& r, std::uint64_t height) const {
  const ManagementNodeParams& p = node_.params();
  RoundOutcome outcome;
  market::ClearedInterval& c = outcome.cleared;
  c.interval = k;
  c.gate_closure_s = p.timing.gate_closure_time_s(k);
  for (const BundledOrder& o : r.proposal->book) (o.order.side == market::Side::kBuy ? c.bids : c.offers)++;
  for (const auto& [sender, bundle] : r.bundles) {
    c.rejected_late += bundle->rejected_late;
    c.rejected_other += bundle->rejected_other;
  }
  c.result = r.outcome.result;
  c.security_iterations = r.outcome.iterations;
  outcome.primary = p.index;
  outcome.scheduled_primary = p.primary_by_interval.at(k);
  outcome.attempts = r.attempt;
  outcome.bundles_received = static_cast<std::uint32_t>(r.bundles.size() - r.excluded.size());
  outcome.bundles_expected = node_.count();
  outcome.proposal_s = r.proposal_s;
  outcome.final_s = ctx.now_s();
  outcome.height = height;
  return outcome;
}

void PrimaryRole::finalize(NodeContext& ctx, IntervalIndex k) {
  const ManagementNodeParams& p = node_.params();
  RoundState& r = rounds_.by_interval[k];
  if (!r.proposal || node_.acting(k, r.shift) != p.index) {
    r.pending_finalize = false;
    return;
  }
  if (chain_.height() < k) {
    // The chain lacks earlier blocks (this node was down): fetch them first.
    r.pending_finalize = true;
    chain_.request_catch_up(ctx, kNoNode);
    return;
  }
  if (chain_.height() > k) return;  // cannot happen: k would be final
  r.pending_finalize = false;
  const ProposalBody& prop = *r.proposal;
  const auto orders = index_orders(prop.book);
  std::shared_ptr<ledger::Block> block = make_block(ctx, k, r, orders);
  auto body = std::make_shared<BlockBody>();
  body->block = block;
  body->book_orders.reserve(prop.book.size());
  for (const BundledOrder& o : prop.book) body->book_orders.push_back(o.order.id);
  std::sort(body->book_orders.begin(), body->book_orders.end());
  const RoundOutcome outcome = outcome_of(ctx, k, r, block->header.height);
  // Option B: tell the owners of cancelled trades that their remainder was re-cleared.
  for (OrderId id : r.outcome.reopened) {
    const auto it = orders.find(id);
    if (it == orders.end()) continue;
    auto reopen = std::make_shared<ReopenBody>();
    reopen->interval = k;
    reopen->order = id;
    node_.send(ctx, p.participant_nodes.at(it->second->order.participant), MessageType::kReopen, p.sizes.control_bytes, reopen);
  }
  agreement_.publish(ctx, body, outcome);
}

}  // namespace ebsim::consensus
