#pragma once
/** A prosumer or consumer: a household with a load, possibly rooftop PV and a battery.
 *
 * Each interval it meters its own physics (load, PV, battery operated for self-consumption),
 * then orders the residual: a bid for a deficit, an offer for a surplus, priced by its
 * strategy. A consumer is a prosumer without PV and battery.
 */
#include <vector>

#include "models/agents/battery.hpp"
#include "models/agents/ordering_agent.hpp"

namespace ebsim::agents {

/** What makes a household: its profiles and its battery. */
struct ProsumerParams {
  std::vector<double> load_kw;           // mean power per interval
  std::vector<double> pv_kw;             // empty or one per interval
  bool has_battery = false;
  BatteryParams battery;
  double initial_soc_kwh = 0.0;
};

/** A household participant (the kinds "prosumer" and "consumer"). */
class Prosumer final : public OrderingAgent {
 public:
  Prosumer(AgentParams agent, ProsumerParams household);

  /** Its household parameters. */
  const ProsumerParams& household() const { return household_; }

 private:
  double meter_interval(IntervalIndex k, market::MeterReading& reading) override;

  ProsumerParams household_;
  double soc_kwh_ = 0.0;
};

}  // namespace ebsim::agents
