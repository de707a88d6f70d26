#pragma once
/** A home battery operated for self-consumption: charge from surplus PV, discharge into
 * the household's own deficit, before anything is offered to or bought from the market. */
namespace ebsim::agents {

struct BatteryParams {
  double capacity_kwh = 0.0;  // usable energy capacity
  double power_kw = 0.0;      // max charge and discharge power at the meter
  double efficiency = 0.95;   // one-way: stored = charged * efficiency; delivered = drawn * efficiency
};

/** Energy moved in one interval, at the household meter, and the state of charge after it. */
struct BatteryStep {
  double charge_kwh = 0.0;     // drawn from the household bus into the battery
  double discharge_kwh = 0.0;  // delivered from the battery to the household bus
  double soc_end_kwh = 0.0;
};

/** One interval of self-consumption operation.
 * net_load_kwh = load - PV over the interval (negative: surplus).
 * REQUIRES: 0 <= soc_kwh <= capacity_kwh, interval_h > 0. */
BatteryStep self_consumption_step(const BatteryParams& params, double soc_kwh, double net_load_kwh,
                                  double interval_h);

}  // namespace ebsim::agents
