// The "call" contract mode (contract_mode.hpp): one call market over the interval's orders on the
// chain, in inclusion order, with the scenario's clearing rule.
#include <memory>
#include <utility>
#include <vector>

#include "models/p2p/contract_mode.hpp"

namespace ebsim::p2p {
namespace {

/** One book of the interval's orders: a block holding them all, named after the gate block (the
 * rule's random stream), cleared by clear_block. */
class CallContract final : public ContractMode {
 public:
  std::string_view name() const override { return "call"; }
  std::uint8_t trace_code() const override { return 0; }
  std::optional<ContractRequirement> requirement() const override { return std::nullopt; }
  ContractClearing clear(std::span<const BlockPtr> blocks, BlockId gate, IntervalIndex k, const market::ClearingRule& rule,
                         const grid::GridView* grid, std::uint64_t seed) const override {
    Block book;
    book.id = gate;
    for (const BlockPtr& b : blocks)
      for (const TxPtr& tx : b->transactions)
        if (tx->order.interval == k) book.transactions.push_back(tx);
    std::vector<ContractClearing> per_interval = clear_block(book, rule, grid, seed);
    if (per_interval.empty()) {
      ContractClearing none;
      none.interval = k;
      return none;
    }
    return std::move(per_interval.front());
  }
};

const ContractModeRegistration kRegistration("call", [] { return std::make_unique<CallContract>(); });

}  // namespace
}  // namespace ebsim::p2p
