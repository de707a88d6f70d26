#pragma once
/** The market smart contract of the peer-to-peer design (SPEC §3, §5): orders are transactions,
 * and every node re-executes the contract over the chain, so the clearing must be a pure
 * function of chain data. Two modes (issue 5):
 *
 *  - PER BLOCK (call market): each block's orders, grouped by delivery interval, form one book
 *    per interval, cleared by the configured ClearingRule. Orders are matched only within their
 *    block; what does not clear expires with it (the owner may submit again).
 *  - CONTINUOUS (CDA in order of inclusion): for one interval, every order of that interval on
 *    the chain, in chain order (block height, then position in the block), replayed through the
 *    CDA kernel (market::clear_continuous). The replay of a prefix gives a prefix of the trades,
 *    so trades already executed never change when blocks are appended.
 *
 * TIME PRIORITY is inclusion order: a node's network arrival time is not consensus data, so the
 * contract overwrites each order's arrived_s with its inclusion index (0, 1, 2, ... within the
 * block in per-block mode, along the chain in continuous mode) before clearing. Randomised rules
 * draw from stream (seed, "p2p/contract", block id), the same at every node.
 */
#include <cstdint>
#include <span>
#include <vector>

#include "models/market/clearing_rule.hpp"
#include "models/p2p/block.hpp"

namespace ebsim::grid {
class GridView;
}

namespace ebsim::p2p {

/** One interval's clearing by the contract. */
struct ContractClearing {
  IntervalIndex interval = 0;
  std::uint32_t bids = 0;                 // buy orders considered
  std::uint32_t offers = 0;               // sell orders considered
  market::ClearingResult result;          // trades in the rule's order
  /** Per trade: the block in which it executed (per block: that block; continuous: the block
   * that included the later of its two orders, i.e. the incoming one). */
  std::vector<BlockId> trade_blocks;
};

/** Per-block call market over `block`'s orders, one ContractClearing per delivery interval
 * present, ascending by interval; intervals clear with one rng, in that order. */
std::vector<ContractClearing> clear_block(const Block& block, const market::ClearingRule& rule,
                                          const grid::GridView* grid, std::uint64_t seed);

/** Continuous clearing of `interval` over `chain` (blocks in chain order, e.g. the best chain from
 * genesis). Deterministic; no rng. */
ContractClearing clear_continuous_on_chain(std::span<const BlockPtr> chain, IntervalIndex interval);

}  // namespace ebsim::p2p
