#pragma once
/** Settlement of one delivery interval and the conservation checks that every run makes.
 * Pure functions over plain data. Payments: positive = the participant pays. */
#include <string>
#include <vector>

#include "models/core/ids.hpp"
#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

/** What a participant's meter recorded over the interval (its own physics, before trading),
 * by energy flow. Sources: pv, generation, battery discharge; uses: load, battery charge. */
struct MeterReading {
  double load_kwh = 0.0;
  double pv_kwh = 0.0;
  double battery_charge_kwh = 0.0;
  double battery_discharge_kwh = 0.0;
  double soc_end_kwh = 0.0;
  /** A plant's output (generator kinds); with `dispatchable`, what it could produce: the
   * settlement dispatches it down to what it sold and records the rest as curtailed. */
  double generation_kwh = 0.0;
  /** The plant produces only what it sold (curtails the rest) instead of exporting it to the utility. */
  bool dispatchable = false;
};

struct Tariffs {
  double retail_per_kwh = 0.0;
  double feed_in_per_kwh = 0.0;
  double exchange_fee_per_kwh = 0.0;  // charged to buyer and seller per kWh traded locally
};

/** One participant's settled interval. */
struct SettlementLine {
  ParticipantId participant = 0;
  MeterReading meter;
  double market_buy_kwh = 0.0;
  double market_sell_kwh = 0.0;
  double utility_import_kwh = 0.0;
  double utility_export_kwh = 0.0;
  double market_payment = 0.0;   // purchases at the buyer prices minus sales at the seller prices
  double fee_payment = 0.0;
  double utility_payment = 0.0;
  double total_payment = 0.0;
  double energy_imbalance_kwh = 0.0;  // sources minus uses at this meter; ~0
  double curtailed_kwh = 0.0;         // a dispatchable plant's output it did not sell (meter.generation_kwh is what it produced)
};

struct IntervalSettlement {
  IntervalIndex interval = 0;
  std::vector<SettlementLine> lines;  // one per participant, in participant order
  MeterReading total_meter;
  double utility_import_kwh = 0.0, utility_export_kwh = 0.0;
  double market_buy_kwh = 0.0, market_sell_kwh = 0.0;
  double participants_paid = 0.0;
  double utility_received = 0.0;   // from the utility's own flows
  double exchange_received = 0.0;  // from the trade list: fees plus congestion rent (buyer minus seller prices)
  /** The grid party's trades (nodal with grid.case_units: include; case_units.hpp): what the case's
   * generators sold, what the case's loads bought, and its net money: sales at the seller prices
   * minus purchases at the buyer prices minus the exchange fee on both. Zero without it. */
  double grid_party_sold_kwh = 0.0;
  double grid_party_bought_kwh = 0.0;
  double grid_party_received = 0.0;
  double curtailed_kwh = 0.0;      // dispatchable plants' output not sold (not produced)
  double energy_imbalance_kwh = 0.0;  // total sources minus total uses
  /** participants_paid - utility_received - exchange_received - grid_party_received */
  double money_imbalance = 0.0;
};

/** Settle interval `k`: local trades first, the remainder with the utility at its tariffs.
 * `meters[i]` belongs to participant i; a trade's buyer or seller is a participant or the grid
 * party (kGridParty: the case's units, which balance by construction: they generate what they
 * sell and consume what they buy). Utility flows are physical, hence never negative; a rule
 * that over-fills an order therefore shows up as an energy imbalance. Throws std::out_of_range
 * for a trade party that is neither. */
IntervalSettlement settle_interval(IntervalIndex k, const std::vector<MeterReading>& meters,
                                   const std::vector<Trade>& trades, const Tariffs& tariffs);

/** Throw InvariantViolation naming the interval (`label`) and the imbalance if energy or
 * money is not conserved within `tolerance` (kWh / currency, scaled by the totals). */
void check_conservation(const IntervalSettlement& settlement, const std::string& label);

}  // namespace ebsim::market
