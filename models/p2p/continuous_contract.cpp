// The "continuous" contract mode (contract_mode.hpp): the interval's orders replayed through the
// CDA in order of inclusion (clear_continuous_on_chain).
#include <memory>

#include "models/p2p/contract_mode.hpp"

namespace ebsim::p2p {
namespace {

/** A continuous double auction in inclusion order; it is the CDA, so it needs market.clearing: cda. */
class ContinuousContract final : public ContractMode {
 public:
  std::string_view name() const override { return "continuous"; }
  std::uint8_t trace_code() const override { return 1; }
  std::optional<ContractRequirement> requirement() const override {
    return ContractRequirement{"cda", "a continuous double auction"};
  }
  ContractClearing clear(std::span<const BlockPtr> blocks, BlockId, IntervalIndex k, const market::ClearingRule&,
                         const grid::GridView*, std::uint64_t) const override {
    return clear_continuous_on_chain(blocks, k);
  }
};

const ContractModeRegistration kRegistration("continuous", [] { return std::make_unique<ContinuousContract>(); });

}  // namespace
}  // namespace ebsim::p2p
