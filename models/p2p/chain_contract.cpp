#include "models/p2p/chain_contract.hpp"

#include <algorithm>
#include <vector>

namespace ebsim::p2p {

std::optional<std::uint64_t> closing_height(const BlockTree& tree, double gate_closure_s) {
  const auto& ids = tree.best_chain();
  const auto it = std::partition_point(ids.begin() + 1, ids.end(),
                                       [&](BlockId id) { return tree.find(id)->mined_s <= gate_closure_s; });
  if (it == ids.end()) return std::nullopt;
  return static_cast<std::uint64_t>(it - ids.begin());
}

ContractFill contract_fill(const ContractClearing& clearing, OrderId order, double included_s) {
  ContractFill out;
  out.fill.order = order;
  out.fill.arrived_s = included_s;
  for (const market::Trade& t : clearing.result.trades) {
    if (t.buy_order == order) {
      out.fill.matched_kwh += t.quantity_kwh;
      out.fill.payment += t.quantity_kwh * t.price_per_kwh;
      ++out.trades;
    } else if (t.sell_order == order) {
      out.fill.matched_kwh += t.quantity_kwh;
      out.fill.payment -= t.quantity_kwh * t.seller_price_per_kwh;
      ++out.trades;
    }
  }
  return out;
}

const ContractClearing& ContractCache::clear(const BlockTree& tree, std::uint64_t gate_height, IntervalIndex k,
                                             double market_open_s) {
  const auto& ids = tree.best_chain();
  const auto key = std::pair{ids[gate_height], k};
  const auto found = cache_.find(key);
  if (found != cache_.end()) return found->second;
  const auto end = ids.begin() + static_cast<std::ptrdiff_t>(gate_height) + 1;
  const auto first =
      std::partition_point(ids.begin() + 1, end, [&](BlockId id) { return tree.find(id)->mined_s < market_open_s; });
  std::vector<BlockPtr> blocks;
  for (auto it = first; it != end; ++it) blocks.push_back(tree.find(*it));
  ContractClearing clearing = mode_.clear(blocks, ids[gate_height], k, rule_, grid_, seed_);
  return cache_.emplace(key, std::move(clearing)).first->second;
}

}  // namespace ebsim::p2p
