#include "sim/platform.hpp"

namespace sg4 = simgrid::s4u;

namespace ebsim::sim {

namespace {
constexpr double kParticipantFlops = 1e9;  // a household gateway
constexpr double kServerFlops = 1e10;      // the exchange's server

sg4::Link* make_link(sg4::NetZone* zone, const std::string& name, const LinkSpec& spec) {
  return zone->create_link(name, spec.bandwidth_bytes_per_s)->set_latency(spec.latency_s)->seal();
}
}  // namespace

void configure_engine(const Scenario& scenario) {
  // CM02: latency + size / bandwidth, max-min sharing; LV08 adds TCP slow-start factors
  // (x13 latency). The scenario chooses; the trace records which.
  sg4::Engine::set_config("network/model:" + scenario.network.model);
  // Small actor stacks without guard pages: the runtime's actors are few, but a message
  // burst can create a few thousand couriers (SIMGRID-NOTES: vm.max_map_count).
  sg4::Engine::set_config("contexts/factory:raw");
  sg4::Engine::set_config("contexts/guard-size:0");
  sg4::Engine::set_config("contexts/stack-size:256");
}

Platform build_platform(const Scenario& scenario) {
  Platform platform;
  platform.network_model = scenario.network.model;
  auto* zone = sg4::create_star_zone("ebsim");

  platform.control = zone->create_host("ebsim-runtime", kServerFlops)->seal();

  platform.exchange = zone->create_host("exchange", kServerFlops)->seal();
  sg4::Link* exchange_link = make_link(zone, "exchange-access", scenario.network.exchange);
  sg4::Link* backbone = make_link(zone, "backbone", scenario.network.backbone);
  zone->add_route(platform.exchange->get_netpoint(), nullptr, nullptr, nullptr,
                  {sg4::LinkInRoute(exchange_link), sg4::LinkInRoute(backbone)}, true);

  platform.participants.reserve(scenario.participant_count());
  std::size_t index = 0;
  for (const ParticipantGroup& group : scenario.groups) {
    for (std::uint32_t member = 0; member < group.count; ++member, ++index) {
      const std::string name = "p" + std::to_string(index);
      sg4::Host* host = zone->create_host(name, kParticipantFlops)->seal();
      sg4::Link* access = make_link(zone, name + "-access", group.access);
      zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(access)}, true);
      platform.participants.push_back(host);
    }
  }
  zone->seal();
  return platform;
}

}  // namespace ebsim::sim
