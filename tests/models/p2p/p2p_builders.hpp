#pragma once
// Small builders for p2p tests: transactions carrying orders, and blocks on a given parent.
#include <memory>
#include <utility>
#include <vector>

#include "models/p2p/block.hpp"

namespace ebsim::p2p::test_p2p {

/** Transaction `id` (order id too) of `size_bytes` paying `fee`; a buy order of 1 kWh at 0.2 by default. */
/** The ids of blocks or transactions, in order (for comparing lists). */
template <typename Ptr>
auto ids(const std::vector<Ptr>& items) {
  std::vector<decltype(items.front()->id)> out;
  for (const auto& item : items) out.push_back(item->id);
  return out;
}

inline TxPtr tx(TxId id, double fee = 1.0, double size_bytes = 250.0, market::Side side = market::Side::kBuy,
                double price_per_kwh = 0.2, double quantity_kwh = 1.0, IntervalIndex interval = 0) {
  auto t = std::make_shared<Transaction>();
  t->id = id;
  t->sender = static_cast<ParticipantId>(id);
  t->fee = fee;
  t->size_bytes = size_bytes;
  t->order.id = id;
  t->order.participant = static_cast<ParticipantId>(id);
  t->order.interval = interval;
  t->order.side = side;
  t->order.quantity_kwh = quantity_kwh;
  t->order.limit_price_per_kwh = price_per_kwh;
  return t;
}

/** A valid block `id` on `parent` with work 1 (or `work`) holding `txs`. */
inline BlockPtr block_on(const BlockPtr& parent, BlockId id, std::vector<TxPtr> txs = {}, double work = 1.0) {
  auto b = std::make_shared<Block>();
  b->id = id;
  b->parent = parent->id;
  b->height = parent->height + 1;
  b->work = work;
  b->header_bytes = 80.0;
  b->transactions = std::move(txs);
  b->size_bytes = block_size_bytes(b->header_bytes, b->transactions);
  return b;
}

}  // namespace ebsim::p2p::test_p2p
