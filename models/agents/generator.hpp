#pragma once
/** A power plant offering its capacity at a cost: a wind farm, a PV farm, a hydro or a thermal
 * plant (the "generator" participant kind).
 *
 * Each interval it offers what it can produce, available_kw x interval, at its marginal cost.
 * A dispatchable plant (hydro, thermal) produces only what it sold; the settlement curtails the
 * rest. A must-run plant (wind, PV without storage) produces what the weather gives and sells
 * what the market did not take to the utility at the feed-in tariff.
 */
#include <string>
#include <vector>

#include "models/agents/ordering_agent.hpp"

namespace ebsim::agents {

/** What makes a plant. */
struct GeneratorParams {
  std::string technology = "thermal";     // a label for the trace and report: wind, pv_farm, hydro, thermal, ...
  std::vector<double> available_kw;       // power it could deliver, one value per interval (<= capacity)
  double marginal_cost_per_kwh = 0.0;     // its offer price: the cost of one more kWh
  bool dispatchable = true;               // true: produces only what it sold; false: must run
};

/** A plant participant. */
class Generator final : public OrderingAgent {
 public:
  Generator(AgentParams agent, GeneratorParams plant);

  /** Its plant parameters. */
  const GeneratorParams& plant() const { return plant_; }

 private:
  double meter_interval(IntervalIndex k, market::MeterReading& reading) override;
  double limit_price_per_kwh(NodeContext& ctx, market::Side side, double quantity_kwh) override;

  GeneratorParams plant_;
};

}  // namespace ebsim::agents
