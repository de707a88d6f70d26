#include "models/consensus/consortium_rounds.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>
#include <utility>

namespace ebsim::consensus {

namespace {

void put_u64(ledger::Bytes& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_f64(ledger::Bytes& out, double v) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  put_u64(out, bits);
}
void put_bytes(ledger::Bytes& out, const ledger::Bytes& b) {
  put_u64(out, b.size());
  out.insert(out.end(), b.begin(), b.end());
}

market::OrderBook make_book(IntervalIndex k, const std::vector<BundledOrder>& entries) {
  market::OrderBook book;
  book.interval = k;
  for (const BundledOrder& e : entries) {
    market::Order o = e.order;
    o.arrived_s = e.arrived_s;
    book.add(o);
  }
  return book;
}

/** The book's orders with their quantities reduced by what `trades` matched (remainders > 1e-9). */
market::OrderBook remainder_book(const market::OrderBook& book, const std::vector<market::Trade>& trades) {
  std::unordered_map<OrderId, double> matched;
  for (const market::Trade& t : trades) {
    matched[t.buy_order] += t.quantity_kwh;
    matched[t.sell_order] += t.quantity_kwh;
  }
  market::OrderBook rest;
  rest.interval = book.interval;
  for (const auto* side : {&book.bids, &book.offers}) {
    for (market::Order o : *side) {
      const auto it = matched.find(o.id);
      if (it != matched.end()) o.quantity_kwh -= it->second;
      if (o.quantity_kwh > 1e-9) rest.add(o);
    }
  }
  return rest;
}

void recompute_totals(market::ClearingResult& result, const market::OrderBook& book) {
  if (result.trades.empty()) {
    result = market::ClearingResult{};
    return;
  }
  std::unordered_map<OrderId, double> limit;
  for (const auto* side : {&book.bids, &book.offers})
    for (const market::Order& o : *side) limit[o.id] = o.limit_price_per_kwh;
  result.cleared_kwh = 0.0;
  result.declared_welfare = 0.0;
  for (const market::Trade& t : result.trades) {
    result.cleared_kwh += t.quantity_kwh;
    result.declared_welfare += (limit[t.buy_order] - limit[t.sell_order]) * t.quantity_kwh;
  }
}

}  // namespace

RoundOutcomeData compute_round(const RoundInputs& in) {
  RoundOutcomeData out;
  const market::OrderBook book = make_book(in.interval, *in.book);
  Rng rng(in.seed, "clearing", in.interval);
  out.result = in.rule->clear(book, in.grid, rng);
  out.orders_cleared = in.book->size();
  const auto& rounds = *in.security_rounds;
  if (rounds.empty() || in.grid == nullptr) return out;
  const double original_price = out.result.clearing_price_per_kwh;
  const bool original_has_price = out.result.has_price;
  std::vector<market::Trade> trades = out.result.trades;
  auto record = [&](const std::vector<market::SecurityIteration>& its) {
    for (market::SecurityIteration it : its) {
      it.iteration = static_cast<std::uint32_t>(out.iterations.size());
      out.iterations.push_back(it);
      out.reopened.push_back(it.cancelled.buy_order);
      out.reopened.push_back(it.cancelled.sell_order);
    }
  };
  std::unordered_map<OrderId, double> arrived;  // lookups only
  for (const auto* side : {&book.bids, &book.offers})
    for (const market::Order& o : *side) arrived[o.id] = o.arrived_s;
  std::set<OrderId> withheld;
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    const std::vector<std::size_t>& branches = rounds[r];
    if (r + 1 >= in.max_security_rounds) {
      // Out of rounds: cancel every trade with flow on an objected branch.
      std::vector<market::Trade> kept;
      std::vector<market::SecurityIteration> its;
      for (const market::Trade& t : trades) {
        if (in.grid->is_zonal()) {
          // Zonal: every trade between two zones one of which an objected tie-line touches.
          const std::size_t from = in.grid->zone_of(t.seller), to = in.grid->zone_of(t.buyer);
          const auto touches = [&](std::size_t tie) {
            const grid::TieLine& line = in.grid->zonal().tie_lines.at(tie);
            return line.from_zone == from || line.to_zone == from || line.from_zone == to || line.to_zone == to;
          };
          const auto on = std::find_if(branches.begin(), branches.end(), [&](std::size_t tie) {
            return tie < in.grid->zonal().tie_lines.size() && touches(tie);
          });
          if (from == to || on == branches.end()) {
            kept.push_back(t);
            continue;
          }
          const grid::TieLine& line = in.grid->zonal().tie_lines[*on];
          const double mw = t.quantity_kwh / (in.grid->interval_h() * 1000.0);
          const bool forward = line.from_zone == from || line.to_zone == to;
          its.push_back(market::SecurityIteration{0, *on, forward ? mw : -mw, line.capacity_mw, t});
          continue;
        }
        const std::vector<double> f = market::trade_flows_mw(std::span<const market::Trade>(&t, 1), *in.grid);
        std::size_t on = branches.size();
        for (std::size_t i = 0; i < branches.size(); ++i)
          if (branches[i] < f.size() && f[branches[i]] != 0.0) { on = i; break; }
        if (on == branches.size()) {
          kept.push_back(t);
          continue;
        }
        const std::size_t b = branches[on];
        its.push_back(market::SecurityIteration{0, b, f[b], in.grid->model().branches[b].rate_a_mva, t});
      }
      record(its);
      trades = std::move(kept);
      continue;
    }
    market::SecurityCheckResult sc = market::security_check_on(trades, book.bids, book.offers, *in.grid, branches);
    record(sc.iterations);
    trades = std::move(sc.kept);
    if (in.option == SecurityOption::kReopen && !sc.iterations.empty()) {
      // Re-open on the remaining capacity: the remainders of the book trade again, except the
      // order declared last in each cancelled trade (it caused the cancellation; without this the
      // same pair would simply be matched again).
      for (const market::SecurityIteration& it : sc.iterations) {
        const auto key = [&](OrderId id) {
          const auto a = arrived.find(id);
          return std::make_pair(a == arrived.end() ? std::numeric_limits<double>::infinity() : a->second, id);
        };
        const OrderId later = key(it.cancelled.buy_order) > key(it.cancelled.sell_order) ? it.cancelled.buy_order
                                                                                          : it.cancelled.sell_order;
        withheld.insert(later);
      }
      market::OrderBook rest = remainder_book(book, trades);
      std::erase_if(rest.bids, [&](const market::Order& o) { return withheld.count(o.id) != 0; });
      std::erase_if(rest.offers, [&](const market::Order& o) { return withheld.count(o.id) != 0; });
      Rng reopen_rng(in.seed, "clearing-reopen", std::uint64_t{in.interval} * 256 + r);
      const market::ClearingResult extra = in.rule->clear(rest, in.grid, reopen_rng);
      out.orders_cleared += rest.bids.size() + rest.offers.size();
      std::vector<market::Trade> combined = trades;
      combined.insert(combined.end(), extra.trades.begin(), extra.trades.end());
      market::SecurityCheckResult sc2 = market::security_check_on(combined, book.bids, book.offers, *in.grid, branches);
      record(sc2.iterations);
      trades = std::move(sc2.kept);
    }
  }
  std::sort(out.reopened.begin(), out.reopened.end());
  out.reopened.erase(std::unique(out.reopened.begin(), out.reopened.end()), out.reopened.end());
  if (in.option != SecurityOption::kReopen) out.reopened.clear();
  out.result.trades = std::move(trades);
  recompute_totals(out.result, book);
  if (!out.result.trades.empty()) {
    out.result.has_price = original_has_price;
    out.result.clearing_price_per_kwh = original_price;
  }
  return out;
}

std::unordered_map<OrderId, const BundledOrder*> index_orders(const std::vector<BundledOrder>& book) {
  std::unordered_map<OrderId, const BundledOrder*> out;
  out.reserve(book.size());
  for (const BundledOrder& o : book) out.emplace(o.order.id, &o);
  return out;
}

ledger::TradeTx make_trade_tx(IntervalIndex k, const market::Trade& trade,
                              const std::unordered_map<OrderId, const BundledOrder*>& orders,
                              const market::MarketTiming& timing) {
  ledger::TradeTx tx;
  tx.interval = k;
  tx.delivery_start_s = timing.delivery_start_s(k);
  tx.quantity_kwh = trade.quantity_kwh;
  tx.price_per_kwh = trade.price_per_kwh;
  tx.seller_price_per_kwh = trade.seller_price_per_kwh;
  tx.buyer = trade.buyer;
  tx.seller = trade.seller;
  tx.product = ledger::Product::kRealTimePhysical;
  tx.buy_order = orders.at(trade.buy_order)->order;
  tx.sell_order = orders.at(trade.sell_order)->order;
  return tx;
}

double block_wire_bytes(const ledger::Block& b, const ConsortiumSizes& sizes) {
  double size = sizes.header_bytes + sizes.signature_bytes * (1.0 + static_cast<double>(b.confirmations.size()));
  for (const ledger::BlockTransaction& tx : b.transactions)
    size += sizes.proposal_per_trade_bytes +
            sizes.signature_bytes * (2.0 + static_cast<double>(tx.management_signatures.size()));
  return size;
}

market::Trade to_trade(const ledger::TradeTx& tx) {
  market::Trade t;
  t.buy_order = tx.buy_order.id;
  t.sell_order = tx.sell_order.id;
  t.buyer = tx.buyer;
  t.seller = tx.seller;
  t.quantity_kwh = tx.quantity_kwh;
  t.price_per_kwh = tx.price_per_kwh;
  t.seller_price_per_kwh = tx.seller_price_per_kwh;
  return t;
}

ledger::Bytes bundle_bytes(const BundleBody& b) {
  ledger::Bytes out;
  out.reserve(64 + b.orders.size() * 160);
  put_u64(out, b.interval);
  put_u64(out, b.sender);
  put_u64(out, b.shift);
  put_u64(out, b.rejected_late);
  put_u64(out, b.rejected_other);
  put_u64(out, b.orders.size());
  for (const BundledOrder& o : b.orders) {
    put_bytes(out, ledger::order_bytes(o.order));
    put_f64(out, o.arrived_s);
    put_bytes(out, o.signature);
  }
  return out;
}

ledger::Bytes proposal_bytes(const ProposalBody& p) {
  ledger::Bytes out;
  out.reserve(64 + p.book.size() * 24 + p.trades.size() * 56);
  put_u64(out, p.interval);
  put_u64(out, p.primary);
  put_u64(out, p.shift);
  put_u64(out, p.attempt);
  put_u64(out, p.book.size());
  for (const BundledOrder& o : p.book) {
    put_u64(out, o.order.id);
    put_f64(out, o.order.quantity_kwh);
    put_f64(out, o.order.limit_price_per_kwh);
    put_f64(out, o.arrived_s);
  }
  put_u64(out, p.security_rounds.size());
  for (const auto& r : p.security_rounds) {
    put_u64(out, r.size());
    for (std::size_t b : r) put_u64(out, b);
  }
  put_u64(out, p.trades.size());
  for (const market::Trade& t : p.trades) {
    put_u64(out, t.buy_order);
    put_u64(out, t.sell_order);
    put_f64(out, t.quantity_kwh);
    put_f64(out, t.price_per_kwh);
    put_f64(out, t.seller_price_per_kwh);
  }
  return out;
}

std::string trades_difference(const std::vector<market::Trade>& a, const std::vector<market::Trade>& b) {
  if (a.size() != b.size())
    return "trade count " + std::to_string(b.size()) + " instead of " + std::to_string(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const market::Trade& x = a[i];
    const market::Trade& y = b[i];
    const std::string at = "trade " + std::to_string(i) + " ";
    if (x.buy_order != y.buy_order || x.buyer != y.buyer) return at + "buyer";
    if (x.sell_order != y.sell_order || x.seller != y.seller) return at + "seller";
    if (x.quantity_kwh != y.quantity_kwh) return at + "quantity";
    if (x.price_per_kwh != y.price_per_kwh) return at + "price";
    if (x.seller_price_per_kwh != y.seller_price_per_kwh) return at + "seller price";
  }
  return {};
}

}  // namespace ebsim::consensus
