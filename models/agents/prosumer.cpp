#include "models/agents/prosumer.hpp"

namespace ebsim::agents {

Prosumer::Prosumer(AgentParams agent, ProsumerParams household)
    : OrderingAgent(std::move(agent)), household_(std::move(household)), soc_kwh_(household_.initial_soc_kwh) {}

double Prosumer::meter_interval(IntervalIndex k, market::MeterReading& m) {
  const double h = agent_params().timing.interval_h();
  m.load_kwh = household_.load_kw[k] * h;
  m.pv_kwh = household_.pv_kw.empty() ? 0.0 : household_.pv_kw[k] * h;
  if (household_.has_battery) {
    const BatteryStep step = self_consumption_step(household_.battery, soc_kwh_, m.load_kwh - m.pv_kwh, h);
    m.battery_charge_kwh = step.charge_kwh;
    m.battery_discharge_kwh = step.discharge_kwh;
    soc_kwh_ = step.soc_end_kwh;
  }
  m.soc_end_kwh = soc_kwh_;
  return m.load_kwh + m.battery_charge_kwh - m.pv_kwh - m.battery_discharge_kwh;
}

}  // namespace ebsim::agents
