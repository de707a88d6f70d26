#pragma once
/** The market contract of the peer-to-peer design run over a node's best chain (docs/p2p.md).
 *
 * THE CONTRACT'S RULE. Interval k's orders are the transactions for k in the blocks of a node's
 * best chain found at or before k's gate closure. The interval's CLOSING BLOCK is the first
 * best-chain block found after gate closure; the result is FINAL at the node when the closing
 * block has z confirmations (so every block holding k's orders has more than z). Then the node
 * runs the contract (one call market over those orders with the clearing rule, or the CDA over
 * them in inclusion order); an order not included before the closing block is "late".
 */
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "models/market/clearing_rule.hpp"
#include "models/market/messages.hpp"
#include "models/p2p/block_tree.hpp"
#include "models/p2p/contract.hpp"
#include "models/p2p/contract_mode.hpp"

namespace ebsim::p2p {

/** Height of the first best-chain block of `tree` found after `gate_closure_s`, if any (the
 * interval's closing block). Found times grow along a chain (a block is made after its parent
 * arrived), so a binary search is exact. */
std::optional<std::uint64_t> closing_height(const BlockTree& tree, double gate_closure_s);

/** True when the closing block at height `closing` has at least `confirmations` confirmations on
 * `tree`'s best chain (itself counting as the first). REQUIRES: closing <= tree.height(). */
inline bool is_final(const BlockTree& tree, std::uint64_t closing, std::uint32_t confirmations) {
  return tree.height() + 1 - closing >= confirmations;
}

/** What the contract gave `order`: its fill over `clearing`'s trades (arrival: `included_s`, when
 * its block was found) and how many trades list it. */
struct ContractFill {
  market::OrderFill fill;   // matched energy and payment (seller: negative)
  std::size_t trades = 0;   // trades naming the order (drives the result's size)
};

/** The fill of order `order` in `clearing`; `included_s` is when the block holding it was found. */
ContractFill contract_fill(const ContractClearing& clearing, OrderId order, double included_s);

/** The contract's clearings, shared by every node of the run: the outcome per (gate block,
 * interval) is a pure function of chain data, so it is computed once and looked up by every node
 * on that chain. */
class ContractCache {
 public:
  /** Clears by `mode` with `rule` (grid and seed as for clear_block); keeps references to both. */
  ContractCache(const ContractMode& mode, const market::ClearingRule& rule, const grid::GridView* grid, std::uint64_t seed)
      : mode_(mode), rule_(rule), grid_(grid), seed_(seed) {}

  /** The clearing of interval k over `tree`'s best chain up to the block at `gate_height` (the
   * interval's order set). Only blocks found from k's market opening on can hold its orders, so
   * the scan starts there. */
  const ContractClearing& clear(const BlockTree& tree, std::uint64_t gate_height, IntervalIndex k, double market_open_s);

 private:
  const ContractMode& mode_;
  const market::ClearingRule& rule_;
  const grid::GridView* grid_;
  std::uint64_t seed_;
  std::map<std::pair<BlockId, IntervalIndex>, ContractClearing> cache_;
};

}  // namespace ebsim::p2p
