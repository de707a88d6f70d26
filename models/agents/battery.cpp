#include "models/agents/battery.hpp"

#include <algorithm>

namespace ebsim::agents {

BatteryStep self_consumption_step(const BatteryParams& params, double soc_kwh, double net_load_kwh,
                                  double interval_h) {
  BatteryStep step;
  const double power_limit_kwh = params.power_kw * interval_h;
  if (net_load_kwh < 0.0) {
    const double room_kwh = (params.capacity_kwh - soc_kwh) / params.efficiency;  // meter-side energy that fits
    step.charge_kwh = std::max(0.0, std::min({-net_load_kwh, power_limit_kwh, room_kwh}));
    step.soc_end_kwh = std::min(params.capacity_kwh, soc_kwh + step.charge_kwh * params.efficiency);
  } else {
    const double available_kwh = soc_kwh * params.efficiency;  // meter-side energy the stored charge yields
    step.discharge_kwh = std::max(0.0, std::min({net_load_kwh, power_limit_kwh, available_kwh}));
    step.soc_end_kwh = std::max(0.0, soc_kwh - step.discharge_kwh / params.efficiency);
  }
  return step;
}

}  // namespace ebsim::agents
