#include "sim/platform.hpp"

#include "sim/market_design_registry.hpp"

namespace sg4 = simgrid::s4u;

namespace ebsim::sim {

namespace {
constexpr double kParticipantFlops = 1e9;  // a household gateway
constexpr double kServerFlops = 1e10;      // the exchange's server

sg4::Link* make_link(sg4::NetZone* zone, const std::string& name, const LinkSpec& spec) {
  return zone->create_link(name, spec.bandwidth_bytes_per_s)->set_latency(spec.latency_s)->seal();
}

/** A host in a star zone with its own access link to the zone's centre. */
sg4::Host* add_host_with_access(sg4::NetZone* zone, const std::string& name, double flops, const LinkSpec& access) {
  sg4::Host* host = zone->create_host(name, flops)->seal();
  sg4::Link* link = make_link(zone, name + "-access", access);
  zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link)}, true);
  return host;
}

/** Participant i is host "p<i>", in scenario group order; `zone_of` picks each group's zone. */
template <typename ZoneOf>
void add_participants(const Scenario& scenario, ZoneOf&& zone_of, Platform& platform) {
  platform.participants.reserve(scenario.participant_count());
  std::size_t index = 0;
  for (const ParticipantGroup& group : scenario.groups) {
    for (std::uint32_t member = 0; member < group.count; ++member, ++index)
      platform.participants.push_back(
          add_host_with_access(zone_of(group), "p" + std::to_string(index), kParticipantFlops, group.access));
  }
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

Platform build_centralized_platform(const Scenario& scenario) {
  Platform platform;
  platform.network_model = scenario.network.model;
  auto* zone = sg4::create_star_zone("ebsim");

  platform.control = zone->create_host("ebsim-runtime", kServerFlops)->seal();

  platform.exchange = zone->create_host("exchange", kServerFlops)->seal();
  sg4::Link* exchange_link = make_link(zone, "exchange-access", scenario.network.exchange);
  sg4::Link* backbone = make_link(zone, "backbone", scenario.network.backbone);
  zone->add_route(platform.exchange->get_netpoint(), nullptr, nullptr, nullptr,
                  {sg4::LinkInRoute(exchange_link), sg4::LinkInRoute(backbone)}, true);

  add_participants(scenario, [zone](const ParticipantGroup&) { return zone; }, platform);
  zone->seal();
  return platform;
}

Platform build_consortium_platform(const Scenario& scenario) {
  Platform platform;
  platform.network_model = scenario.network.model;
  const auto& nodes = scenario.consortium.management_nodes;
  auto* root = sg4::create_full_zone("consortium");
  std::vector<sg4::NetZone*> areas;
  for (std::size_t m = 0; m < nodes.size(); ++m) {
    auto* area = sg4::create_star_zone("area-" + nodes[m].name);
    area->set_parent(root);
    sg4::Host* host = add_host_with_access(area, "mn-" + nodes[m].name, kServerFlops, nodes[m].access);
    if (m == 0) platform.control = area->create_host("ebsim-runtime", kServerFlops)->seal();  // never routed
    platform.management_nodes.push_back(host);
    areas.push_back(area);
  }
  add_participants(scenario, [&areas](const ParticipantGroup& group) { return areas[group.management_node]; }, platform);
  for (sg4::NetZone* area : areas) area->seal();
  for (std::size_t a = 0; a < nodes.size(); ++a) {
    for (std::size_t b = a + 1; b < nodes.size(); ++b) {
      sg4::Link* mesh = make_link(root, "mesh-" + nodes[a].name + "-" + nodes[b].name, scenario.consortium.mesh);
      root->add_route(areas[a]->get_netpoint(), areas[b]->get_netpoint(), platform.management_nodes[a]->get_netpoint(),
                      platform.management_nodes[b]->get_netpoint(), {sg4::LinkInRoute(mesh)}, true);
    }
  }
  root->seal();
  return platform;
}

Platform build_p2p_platform(const Scenario& scenario) {
  Platform platform;
  platform.network_model = scenario.network.model;
  auto* zone = sg4::create_star_zone("p2p");
  platform.control = zone->create_host("ebsim-runtime", kServerFlops)->seal();  // never routed
  add_participants(scenario, [zone](const ParticipantGroup&) { return zone; }, platform);
  for (std::size_t m = 0; m < scenario.p2p.miner_shares.size(); ++m) {
    platform.miners.push_back(
        add_host_with_access(zone, "miner" + std::to_string(m), kServerFlops, scenario.p2p.miner_access));
  }
  zone->seal();
  return platform;
}

Platform build_platform(const Scenario& scenario) {
  return MarketDesignRegistry::instance().at(scenario.market.design).build_platform(scenario);
}

}  // namespace ebsim::sim
