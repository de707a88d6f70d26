#include "models/agents/generator.hpp"

namespace ebsim::agents {

Generator::Generator(AgentParams agent, GeneratorParams plant)
    : OrderingAgent(std::move(agent)), plant_(std::move(plant)) {}

double Generator::meter_interval(IntervalIndex k, market::MeterReading& m) {
  m.generation_kwh = plant_.available_kw[k] * agent_params().timing.interval_h();
  m.dispatchable = plant_.dispatchable;
  return -m.generation_kwh;  // offer everything it can produce
}

double Generator::limit_price_per_kwh(NodeContext&, market::Side, double) { return plant_.marginal_cost_per_kwh; }

}  // namespace ebsim::agents
