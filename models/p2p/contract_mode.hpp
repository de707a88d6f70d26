#pragma once
/** The contract-mode seam of the peer-to-peer design (p2p.contract): how the market contract
 * clears one delivery interval over the orders a node's chain holds for it. One implementation
 * per file (call_contract.cpp: "call", continuous_contract.cpp: "continuous"), registered by name
 * the way clearing rules are (models/market/clearing_rule.hpp). It runs once per (gate block,
 * interval) (chain_contract.hpp ContractCache), so a virtual call is free.
 */
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/core/registry.hpp"
#include "models//market/clearing_rule.hpp"
#include "models/p2p/contract.hpp"

namespace ebsim::p2p {

/** A clearing rule a mode cannot work without, and why (for the scenario's error message). */
struct ContractRequirement {
  std::string_view clearing_rule;  // the market.clearing it needs
  std::string_view because;        // what the mode is, e.g. "a continuous double auction"
};

/** How the contract clears an interval. */
class ContractMode {
 public:
  virtual ~ContractMode() = default;
  /** The name scenarios use (p2p.contract). */
  virtual std::string_view name() const = 0;
  /** The mode's code in the trace (p2p_chain.contract: 0 call, 1 continuous). */
  virtual std::uint8_t trace_code() const = 0;
  /** The clearing rule the mode needs, if it needs a particular one. */
  virtual std::optional<ContractRequirement> requirement() const = 0;
  /** Interval k's clearing over `blocks` (the chain's blocks that can hold its orders, in chain
   * order, the last being the gate block `gate`), with `rule` (grid, seed as for clear_block). */
  virtual ContractClearing clear(std::span<const BlockPtr> blocks, BlockId gate, IntervalIndex k,
                                 const market::ClearingRule& rule, const grid::GridView* grid,
                                 std::uint64_t seed) const = 0;
};

/** Name -> factory. Modes register themselves with a static ContractModeRegistration. */
class ContractModeRegistry : public FactoryRegistry<ContractMode> {
 public:
  /** The registry every mode registers in. */
  static ContractModeRegistry& instance();
};

/** Put one of these at namespace scope in a mode's .cpp to register it. */
using ContractModeRegistration = Registration<ContractModeRegistry>;

}  // namespace ebsim::p2p
