#pragma once
/** The grid party: who owns a bus-branch case's own generators and loads when they take part in
 * nodal clearing (scenario key grid.case_units: include). It stands for the case's system
 * operator / host utility: it sells each generator's dispatch at the LMP of the generator's bus and
 * buys each bus's fixed load (Pd + Gs) at the LMP of that bus.
 *
 * It is not a participant: it has no meter, no orders in the book, no /settlement row. Its trades
 * carry the reserved party id kGridParty and reserved order ids that name the unit, so a reader of
 * /trades can tell which generator or bus load a trade belongs to (docs/trace-format.md):
 *   generator at row g of mpc.gen (0-based):  order id kCaseGeneratorOrderBase + g
 *   the fixed load of the bus numbered n:     order id kCaseLoadOrderBase + n
 * Participants' order ids count up from 1, far below both bases. */
#include <cstddef>
#include <cstdint>
#include <limits>

#include "models/core/ids.hpp"
#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

/** The party id of the grid party in trades (buyer or seller); never a participant's id. */
inline constexpr ParticipantId kGridParty = std::numeric_limits<ParticipantId>::max();
/** Order ids of the case's generators: this base plus the generator's 0-based row in mpc.gen. */
inline constexpr OrderId kCaseGeneratorOrderBase = 0xFFFF'FFFF'0000'0000ull;
/** Order ids of the case's bus loads: this base plus the bus's external number. */
inline constexpr OrderId kCaseLoadOrderBase = 0xFFFF'FFFE'0000'0000ull;

/** The order id of the case's generator at 0-based row `generator`. */
inline OrderId case_generator_order(std::size_t generator) { return kCaseGeneratorOrderBase + generator; }
/** The order id of the fixed load of the bus numbered `bus`. REQUIRES: bus >= 0. */
inline OrderId case_load_order(int bus) { return kCaseLoadOrderBase + static_cast<std::uint32_t>(bus); }

/** External number of the bus where one side of a trade injects (seller) or withdraws (buyer):
 * the participant's bus, or for the grid party the bus of the generator or load its order id
 * names. Throws std::out_of_range for a party or order the grid does not know. REQUIRES: a
 * bus-branch grid. */
int trade_side_bus(ParticipantId party, OrderId order, const grid::GridView& grid);

}  // namespace ebsim::market
