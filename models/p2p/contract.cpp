#include "models/p2p/contract.hpp"

#include <map>
#include <unordered_map>

#include "models/core/rng.hpp"
#include "models/market/cda.hpp"
#include "models/market/order_book.hpp"

namespace ebsim::p2p {

std::vector<ContractClearing> clear_block(const Block& block, const market::ClearingRule& rule,
                                          const grid::GridView* grid, std::uint64_t seed) {
  std::map<IntervalIndex, market::OrderBook> books;
  double position = 0.0;
  for (const auto& tx : block.transactions) {
    market::Order order = tx->order;
    order.arrived_s = position++;  // inclusion order is the contract's time priority
    auto& book = books[order.interval];
    book.interval = order.interval;
    book.add(order);
  }
  Rng rng(seed, "p2p/contract", block.id);
  std::vector<ContractClearing> out;
  for (const auto& [interval, book] : books) {
    ContractClearing c;
    c.interval = interval;
    c.bids = static_cast<std::uint32_t>(book.bids.size());
    c.offers = static_cast<std::uint32_t>(book.offers.size());
    c.result = rule.clear(book, grid, rng);
    c.trade_blocks.assign(c.result.trades.size(), block.id);
    out.push_back(std::move(c));
  }
  return out;
}

ContractClearing clear_continuous_on_chain(std::span<const BlockPtr> chain, IntervalIndex interval) {
  market::OrderBook book;
  book.interval = interval;
  std::unordered_map<OrderId, std::pair<double, BlockId>> included;  // order -> (index, block); lookup only
  double position = 0.0;
  for (const auto& block : chain) {
    for (const auto& tx : block->transactions) {
      if (tx->order.interval != interval) continue;
      market::Order order = tx->order;
      order.arrived_s = position++;
      included.emplace(order.id, std::make_pair(order.arrived_s, block->id));
      book.add(order);
    }
  }
  ContractClearing c;
  c.interval = interval;
  c.bids = static_cast<std::uint32_t>(book.bids.size());
  c.offers = static_cast<std::uint32_t>(book.offers.size());
  c.result = market::clear_continuous(book.bids, book.offers);
  for (const auto& trade : c.result.trades) {
    const auto& buy = included.at(trade.buy_order);
    const auto& sell = included.at(trade.sell_order);
    c.trade_blocks.push_back(buy.first > sell.first ? buy.second : sell.second);
  }
  return c;
}

}  // namespace ebsim::p2p
