#include "models/consensus/subject_desk.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "models/core/invariant.hpp"
#include "models/market/messages.hpp"
#include "models/market/settlement.hpp"

namespace ebsim::consensus {

void SubjectDesk::on_final(NodeContext& ctx, IntervalIndex k) {
  const ManagementNodeParams& p = node_.params();
  const std::vector<OrderId>& book = chain_.final_book(k);
  auto& res = own_results(k);
  send_sync_all(ctx, chain_.final_block(k));
  // Orders this node accepted that missed the round.
  if (const std::vector<BundledOrder>* accepted = intake_.accepted(k)) {
    for (const BundledOrder& o : *accepted) {
      if (std::binary_search(book.begin(), book.end(), o.order.id)) continue;
      market::Order missed = o.order;
      missed.arrived_s = o.arrived_s;
      missed_.emit(missed);
      reply_result(ctx, p.participant_nodes.at(o.order.participant), k, o.order.id, res);
    }
  }
  if (auto rit = rounds_.by_interval.find(k); rit != rounds_.by_interval.end()) {
    for (const auto& [node, order] : rit->second.held_queries) reply_result(ctx, node, k, order, res);
  }
  settle_when_delivered(ctx, k);
}

void SubjectDesk::settle_when_delivered(NodeContext& ctx, IntervalIndex k) {
  if (settled_.count(k) != 0) return;
  const market::MarketTiming& timing = node_.params().timing;
  if (timing.delivery_end_s(k) <= ctx.now_s()) settle(ctx, k);
  else node_.arm(ctx, timing.delivery_end_s(k), ManagementTimer::kSettle, 0, k);
}

void SubjectDesk::resume(NodeContext& ctx, double now_s) {
  const market::MarketTiming& timing = node_.params().timing;
  for (const auto& [k, h] : chain_.final_heights()) {
    if (settled_.count(k) != 0) continue;
    if (timing.delivery_end_s(k) <= now_s) settle(ctx, k);
    else node_.arm(ctx, timing.delivery_end_s(k), ManagementTimer::kSettle, 0, k);
  }
}

SubjectDesk::Results& SubjectDesk::own_results(IntervalIndex k) {
  auto it = results_.find(k);
  if (it != results_.end()) return it->second;
  auto& res = results_[k];
  if (const std::vector<BundledOrder>* accepted = intake_.accepted(k)) {
    for (const BundledOrder& o : *accepted) res[o.order.id].fill = market::OrderFill{o.order.id, 0.0, 0.0, o.arrived_s};
  }
  for (const auto& tx : chain_.final_block(k).transactions) {
    const ledger::TradeTx& t = tx.trade;
    if (auto b = res.find(t.buy_order.id); b != res.end()) {
      b->second.fill.matched_kwh += t.quantity_kwh;
      b->second.fill.payment += t.quantity_kwh * t.price_per_kwh;
      ++b->second.trades;
    }
    if (auto s = res.find(t.sell_order.id); s != res.end()) {
      s->second.fill.matched_kwh += t.quantity_kwh;
      s->second.fill.payment -= t.quantity_kwh * t.seller_price_per_kwh;
      ++s->second.trades;
    }
  }
  return res;
}

void SubjectDesk::reply_result(NodeContext& ctx, NodeId to, IntervalIndex k, OrderId order, const Results& res) {
  const ManagementNodeParams& p = node_.params();
  auto body = std::make_shared<market::ResultBody>();
  body->interval = k;
  market::OrderFill fill{order, 0.0, 0.0, 0.0};
  std::size_t trades = 0;
  if (auto it = res.find(order); it != res.end()) {
    fill = it->second.fill;
    trades = it->second.trades;
  } else {
    // Not an order this node still holds (pruned after settlement, or unknown): read the chain.
    for (const auto& tx : chain_.final_block(k).transactions) {
      const ledger::TradeTx& t = tx.trade;
      if (t.buy_order.id == order) {
        fill.matched_kwh += t.quantity_kwh;
        fill.payment += t.quantity_kwh * t.price_per_kwh;
        ++trades;
      }
      if (t.sell_order.id == order) {
        fill.matched_kwh += t.quantity_kwh;
        fill.payment -= t.quantity_kwh * t.seller_price_per_kwh;
        ++trades;
      }
    }
  }
  if (node_.misreporting_now(ctx.now_s())) {
    fill.matched_kwh *= 0.5;
    fill.payment *= 0.5;
  }
  body->fills.push_back(fill);
  body->trade_count = trades;
  node_.send(ctx, to, MessageType::kResult, p.result_bytes + p.result_per_trade_bytes * trades, body);
}

void SubjectDesk::send_sync_all(NodeContext& ctx, const ledger::Block& block) {
  const ManagementNodeParams& p = node_.params();
  switch (p.sync) {
    case ChainSync::kNone: return;
    case ChainSync::kFull: {
      auto body = std::make_shared<SyncBody>();
      body->interval = block.header.interval;
      body->height = block.header.height;
      body->block = std::make_shared<const ledger::Block>(block);
      const double size = node_.block_size(block);
      for (ParticipantId i : node_.subjects()) node_.send(ctx, p.participant_nodes.at(i), MessageType::kSync, size, body);
      return;
    }
    case ChainSync::kHeaders: {
      std::unordered_map<ParticipantId, std::vector<ledger::TradeTx>> own;  // lookups only
      for (const auto& tx : block.transactions) {
        if (p.participant_area.at(tx.trade.buyer) == p.index) own[tx.trade.buyer].push_back(tx.trade);
        if (tx.trade.seller != tx.trade.buyer && p.participant_area.at(tx.trade.seller) == p.index)
          own[tx.trade.seller].push_back(tx.trade);
      }
      for (ParticipantId i : node_.subjects()) {
        auto body = std::make_shared<SyncBody>();
        body->interval = block.header.interval;
        body->height = block.header.height;
        if (auto it = own.find(i); it != own.end()) body->own_trades = std::move(it->second);
        const double size = p.sizes.header_bytes + p.sizes.signature_bytes +
                            body->own_trades.size() * (p.sizes.proposal_per_trade_bytes + 4 * p.sizes.signature_bytes);
        node_.send(ctx, p.participant_nodes.at(i), MessageType::kSync, size, body);
      }
      return;
    }
  }
}

void SubjectDesk::receive_query(NodeContext& ctx, const Message& msg) {
  const ManagementNodeParams& p = node_.params();
  const auto& q = msg.as<QueryBody>();
  if (q.interval >= p.timing.intervals) return;
  if (chain_.is_final(q.interval)) {
    const auto& res = own_results(q.interval);
    const std::vector<OrderId>& book = chain_.final_book(q.interval);
    if (res.count(q.order) == 0 && !std::binary_search(book.begin(), book.end(), q.order)) {
      // Never received (lost, or sent while this node was down): the owner learns it is lost.
      auto ack = std::make_shared<market::AckBody>();
      ack->order = q.order;
      ack->status = market::OrderStatus::kUnacknowledged;
      ack->arrived_s = -1.0;
      node_.send(ctx, msg.from, MessageType::kAck, p.ack_bytes, ack);
      return;
    }
    reply_result(ctx, msg.from, q.interval, q.order, res);
    return;
  }
  rounds_.by_interval[q.interval].held_queries.emplace_back(msg.from, q.order);
}

void SubjectDesk::settle(NodeContext& ctx, IntervalIndex k) {
  const ManagementNodeParams& p = node_.params();
  if (settled_.count(k) != 0 || !chain_.is_final(k)) return;
  settled_.insert(k);
  // Delivery is over: the acknowledged-bid store of k is no longer needed (late queries are
  // answered from the chain).
  intake_.forget(k);
  results_.erase(k);
  if (!p.meters) return;
  std::vector<market::MeterReading> readings(p.participant_nodes.size());
  for (ParticipantId i = 0; i < readings.size(); ++i) readings[i] = p.meters(i, k);
  std::vector<market::Trade> trades;
  for (const auto& tx : chain_.final_block(k).transactions) trades.push_back(to_trade(tx.trade));
  const market::IntervalSettlement s = market::settle_interval(k, readings, trades, p.tariffs);
  market::check_conservation(s, node_.label(k));
  for (ParticipantId i : node_.subjects()) {
    auto body = std::make_shared<market::SettlementBody>();
    body->interval = k;
    body->total_payment = s.lines.at(i).total_payment;
    node_.send(ctx, p.participant_nodes.at(i), MessageType::kSettlement, p.settlement_bytes, body);
  }
}

}  // namespace ebsim::consensus
