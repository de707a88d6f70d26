#pragma once
/** Settlement of one delivery interval and the conservation checks that every run makes.
 * Pure functions over plain data. Payments: positive = the participant pays. */
#include <string>
#include <vector>

#include "models/core/ids.hpp"
#include "models/market/clearing_rule.hpp"

namespace ebsim::market {

/** What a participant's meter recorded over the interval (its own physics, before trading). */
struct MeterReading {
  double load_kwh = 0.0;
  double pv_kwh = 0.0;
  double battery_charge_kwh = 0.0;
  double battery_discharge_kwh = 0.0;
  double soc_end_kwh = 0.0;
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
  double energy_imbalance_kwh = 0.0;  // total sources minus total uses
  double money_imbalance = 0.0;       // participants_paid - utility_received - exchange_received
};

/** Settle interval `k`: local trades first, the remainder with the utility at its tariffs.
 * `meters[i]` belongs to participant i. Utility flows are physical, hence never negative;
 * a rule that over-fills an order therefore shows up as an energy imbalance. */
IntervalSettlement settle_interval(IntervalIndex k, const std::vector<MeterReading>& meters,
                                   const std::vector<Trade>& trades, const Tariffs& tariffs);

/** Throw InvariantViolation naming the interval (`label`) and the imbalance if energy or
 * money is not conserved within `tolerance` (kWh / currency, scaled by the totals). */
void check_conservation(const IntervalSettlement& settlement, const std::string& label);

}  // namespace ebsim::market
