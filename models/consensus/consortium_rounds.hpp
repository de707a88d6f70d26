#pragma once
/** Pure pieces of a consortium round shared by the primary and the management nodes that check
 * it: the deterministic clearing of a proposal's book (with the security rounds so far), the
 * canonical bytes bundles and proposals are signed over, and the trade <-> TradeTx mapping. */
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/consensus/consortium_messages.hpp"
#include "models/consensus/consortium_params.hpp"
#include "models/grid/grid_view.hpp"
#include "models/ledger/block.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/security_check.hpp"
#include "models/market/timing.hpp"

namespace ebsim::consensus {

/** Clearing CPU per order in the book (pay_as_clear on 1M orders ~ 178 ms, docs/performance.md). */
inline constexpr double kClearingSecondsPerOrder = 1.8e-7;

/** What compute_round needs. Pointers are borrowed for the call. */
struct RoundInputs {
  IntervalIndex interval = 0;
  const std::vector<BundledOrder>* book = nullptr;                    // the clearing input
  const std::vector<std::vector<std::size_t>>* security_rounds = nullptr;  // objected branches (tie-lines on a zonal grid) per round
  const market::ClearingRule* rule = nullptr;
  const grid::GridView* grid = nullptr;  // needed when security_rounds is not empty
  std::uint64_t seed = 1;
  SecurityOption option = SecurityOption::kNone;
  std::uint32_t max_security_rounds = 10;
};

/** The outcome of a round's clearing. */
struct RoundOutcomeData {
  market::ClearingResult result;                     // final trades (after the security rounds)
  std::vector<market::SecurityIteration> iterations; // every cancellation, numbered 0, 1, ... over all rounds
  std::vector<OrderId> reopened;                     // option B: orders whose trades were cancelled and re-cleared
  std::size_t orders_cleared = 0;                    // orders run through the rule (for the CPU charge)
};

/** Clear the book exactly as Exchange::close_and_clear does (rule, Rng(seed, "clearing", k)), then
 * apply each security round: cancel with security_check_on(objected branches) (option A); with
 * option B also re-clear the unmatched remainders of the book, without the order declared last in
 * each cancelled trade (Rng(seed, "clearing-reopen", k * 256 + round)), and check again; from round max_security_rounds - 1 on, cancel every trade
 * with flow on an objected branch (zonal grid: every trade between two zones, one of which an
 * objected tie-line touches). Deterministic: every management node gets the same trades. */
RoundOutcomeData compute_round(const RoundInputs& in);

/** The book's orders by id. */
std::unordered_map<OrderId, const BundledOrder*> index_orders(const std::vector<BundledOrder>& book);

/** The chain's record of `trade` (orders as signed, from `orders`). REQUIRES: both orders are there. */
ledger::TradeTx make_trade_tx(IntervalIndex k, const market::Trade& trade,
                              const std::unordered_map<OrderId, const BundledOrder*>& orders,
                              const market::MarketTiming& timing);

/** A block's size on the wire (block and sync messages, catch-up, the trace's /blocks.bytes):
 * header + one signature per confirmation and the primary's + per trade its record and its
 * party and co-signatures. */
double block_wire_bytes(const ledger::Block& block, const ConsortiumSizes& sizes);

/** The market trade a TradeTx records. */
market::Trade to_trade(const ledger::TradeTx& tx);

/** Canonical bytes a bundle's signature and encryption cover (everything but signature/ciphertext). */
ledger::Bytes bundle_bytes(const BundleBody& bundle);
/** Canonical bytes a proposal's signature covers. */
ledger::Bytes proposal_bytes(const ProposalBody& proposal);

/** Empty if `a` and `b` are exactly equal, else a sentence naming the first difference. */
std::string trades_difference(const std::vector<market::Trade>& a, const std::vector<market::Trade>& b);

}  // namespace ebsim::consensus
