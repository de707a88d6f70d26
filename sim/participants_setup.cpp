#include "sim/participants_setup.hpp"

#include <memory>
#include <stdexcept>

#include "models/agents/strategies/strategy.hpp"
#include "sim/participant_kind.hpp"

namespace ebsim::sim {

namespace {

/** The registry's entry for the group's strategy (the scenario checked the name). */
const agents::StrategyRegistry::Entry& strategy_entry(const StrategySpec& spec) {
  const agents::StrategyRegistry::Entry* entry = agents::StrategyRegistry::instance().find(spec.type);
  if (entry == nullptr) throw std::logic_error("unknown strategy '" + spec.type + "'");
  return *entry;
}

/** Every final order goes to /orders. */
void trace_orders(agents::MarketAgent& agent, trace::TraceWriter& writer) {
  agent.order_completed.connect([&writer](const agents::OrderOutcome& o) {
    writer.add(trace::OrderRecord{o.order.id, o.order.interval, o.order.participant,
                                  static_cast<std::uint8_t>(o.order.side), static_cast<std::uint8_t>(o.status),
                                  o.order.quantity_kwh, o.order.limit_price_per_kwh, o.order.submitted_s,
                                  o.order.arrived_s, o.matched_kwh, o.result_received_s});
  });
}

}  // namespace

std::vector<agents::MarketAgent*> add_participants(const Scenario& sc, const market::MarketTiming& timing,
                                                   DesignRun& design, Runtime& runtime, const Platform& platform,
                                                   trace::TraceWriter& writer) {
  std::vector<agents::MarketAgent*> participants;
  participants.reserve(sc.participant_count());
  ParticipantId id = 0;
  for (std::uint32_t g = 0; g < sc.groups.size(); ++g) {
    const ParticipantGroup& group = sc.groups[g];
    trace::GroupRecord gr;
    gr.group = g;
    copy_name(gr.name, group.name);
    gr.type = group.kind->trace_code();
    gr.count = group.count;
    const agents::StrategyRegistry::Entry& strategy_kind = strategy_entry(group.strategy);
    gr.strategy = strategy_kind.trace_code;
    writer.add(gr);
    const auto strategy = strategy_kind.factory(group.strategy.params);
    for (std::uint32_t member = 0; member < group.count; ++member, ++id) {
      agents::AgentParams p;
      p.id = id;
      p.timing = timing;
      p.prices = {sc.utility.retail_per_kwh, sc.utility.feed_in_per_kwh};
      p.strategy = strategy;
      p.bid_bytes = sc.network.sizes.bid_bytes;
      design.configure_participant(p, group);
      Member m = group.spec->make_member(MemberContext{sc, writer, group, member}, std::move(p));
      writer.add(trace::ParticipantRecord{id, g, id, m.pv_peak_kw, m.battery_capacity_kwh, m.battery_power_kw,
                                          group.access.latency_s, group.access.bandwidth_bytes_per_s});
      participants.push_back(m.agent.get());
      trace_orders(*m.agent, writer);
      runtime.add_node(std::move(m.agent), platform.participants[id], "participant", id, 0);
    }
  }
  return participants;
}

}  // namespace ebsim::sim
