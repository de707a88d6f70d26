#include "models/market/case_units.hpp"

#include <stdexcept>
#include <string>

#include "models/grid/grid_view.hpp"

namespace ebsim::market {

int trade_side_bus(ParticipantId party, OrderId order, const grid::GridView& grid) {
  if (party != kGridParty) return grid.bus_of(party);
  if (order >= kCaseGeneratorOrderBase) return grid.model().generators.at(order - kCaseGeneratorOrderBase).bus;
  if (order >= kCaseLoadOrderBase) {
    const int bus = static_cast<int>(order - kCaseLoadOrderBase);
    grid.model().bus_index(bus);  // throws std::out_of_range for a bus the case does not have
    return bus;
  }
  throw std::out_of_range("grid party order " + std::to_string(order) + " names no generator or bus load");
}

}  // namespace ebsim::market
