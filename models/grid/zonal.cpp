#include "models/grid/zonal.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>

#include "models/grid/dc_network.hpp"

namespace ebsim::grid {
namespace {

/** Undirected zone graph; setS drops parallel tie-lines and keeps neighbours in ascending order. */
using ZoneGraph = boost::adjacency_list<boost::setS, boost::vecS, boost::undirectedS>;

ZoneGraph zone_graph(const ZonalModel& zonal) {
  validate(zonal);
  ZoneGraph graph(zonal.zones.size());
  for (const TieLine& tie : zonal.tie_lines) boost::add_edge(tie.from_zone, tie.to_zone, graph);
  return graph;
}

// ---- The transport network for max-flow --------------------------------------------------------

using FlowTraits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, double,
                    boost::property<boost::edge_residual_capacity_t, double,
                                    boost::property<boost::edge_reverse_t, FlowTraits::edge_descriptor>>>>;
using FlowEdge = boost::graph_traits<FlowGraph>::edge_descriptor;

/** Adds an arc with `capacity_mw` and its zero-capacity reverse, as Boost's max-flow requires. */
FlowEdge add_arc(FlowGraph& graph, std::size_t from, std::size_t to, double capacity_mw) {
  const FlowEdge arc = boost::add_edge(from, to, graph).first;
  const FlowEdge reverse = boost::add_edge(to, from, graph).first;
  boost::put(boost::edge_capacity, graph, arc, capacity_mw);
  boost::put(boost::edge_capacity, graph, reverse, 0.0);
  boost::put(boost::edge_reverse, graph, arc, reverse);
  boost::put(boost::edge_reverse, graph, reverse, arc);
  return arc;
}

/** Arcs with spare capacity above a tolerance: the residual network. */
struct HasSpareCapacity {
  const FlowGraph* graph = nullptr;
  double tolerance_mw = 0.0;
  bool operator()(const FlowEdge& edge) const {
    return boost::get(boost::edge_residual_capacity, *graph, edge) > tolerance_mw;
  }
};

}  // namespace

void validate(const ZonalModel& zonal) {
  std::map<int, std::size_t> position_of_id;
  for (std::size_t zone = 0; zone < zonal.zones.size(); ++zone) {
    if (const auto [first, inserted] = position_of_id.emplace(zonal.zones[zone].id, zone); !inserted) {
      throw std::invalid_argument("zonal model: zones " + std::to_string(first->second) + " and " +
                                  std::to_string(zone) + " share id " + std::to_string(zonal.zones[zone].id) +
                                  "; expected unique zone ids");
    }
  }
  for (std::size_t k = 0; k < zonal.tie_lines.size(); ++k) {
    const TieLine& tie = zonal.tie_lines[k];
    const std::string which = "zonal model: tie-line " + std::to_string(k);
    if (tie.from_zone >= zonal.zones.size() || tie.to_zone >= zonal.zones.size()) {
      throw std::invalid_argument(which + " joins zone positions " + std::to_string(tie.from_zone) + " and " +
                                  std::to_string(tie.to_zone) + "; expected positions below " +
                                  std::to_string(zonal.zones.size()));
    }
    if (tie.from_zone == tie.to_zone) {
      throw std::invalid_argument(which + " joins zone " + zonal.zones[tie.from_zone].name +
                                  " to itself; expected two different zones");
    }
    if (std::isnan(tie.capacity_mw) || tie.capacity_mw < 0.0) {
      throw std::invalid_argument(which + " has capacity " + std::to_string(tie.capacity_mw) +
                                  " MW; expected a non-negative number (kUnlimitedMw for no limit)");
    }
  }
}

ZonalModel zonal_from_areas(const GridModel& grid) {
  ZonalModel zonal;
  std::map<int, std::size_t> zone_of_area;  // ordered: zones by ascending area number
  for (const Bus& bus : grid.buses) zone_of_area.emplace(bus.area, 0);
  for (auto& [area, zone] : zone_of_area) {
    zone = zonal.zones.size();
    zonal.zones.push_back(Zone{area, "area " + std::to_string(area)});
  }
  std::map<std::pair<std::size_t, std::size_t>, double> capacity_mw;  // (lower, higher zone)
  for (std::size_t k = 0; k < grid.branches.size(); ++k) {
    if (!in_dc_network(grid, k)) continue;
    const Branch& branch = grid.branches[k];
    const std::size_t from = zone_of_area.at(grid.buses[grid.bus_index(branch.from_bus)].area);
    const std::size_t to = zone_of_area.at(grid.buses[grid.bus_index(branch.to_bus)].area);
    if (from == to) continue;
    double& capacity = capacity_mw[std::minmax(from, to)];
    capacity += branch.rate_a_mva == 0.0 ? kUnlimitedMw : branch.rate_a_mva;  // inf stays inf
  }
  for (const auto& [zones, capacity] : capacity_mw) {
    zonal.tie_lines.push_back(TieLine{zones.first, zones.second, capacity});
  }
  return zonal;
}

std::vector<std::vector<std::size_t>> zone_adjacency(const ZonalModel& zonal) {
  const ZoneGraph graph = zone_graph(zonal);
  std::vector<std::vector<std::size_t>> adjacency(zonal.zones.size());
  for (std::size_t zone = 0; zone < zonal.zones.size(); ++zone) {
    const auto [begin, end] = boost::adjacent_vertices(zone, graph);
    adjacency[zone].assign(begin, end);
  }
  return adjacency;
}

std::vector<int> zone_components(const ZonalModel& zonal) {
  const ZoneGraph graph = zone_graph(zonal);
  std::vector<int> component(zonal.zones.size());
  if (component.empty()) return component;
  boost::connected_components(graph, component.data());
  std::vector<int> renumbered(component.size(), -1);  // by lowest zone position, as promised
  int next = 0;
  for (int& value : component) {
    if (renumbered[value] < 0) renumbered[value] = next++;
    value = renumbered[value];
  }
  return component;
}

bool zones_connected(const ZonalModel& zonal) {
  const std::vector<int> component = zone_components(zonal);
  return std::all_of(component.begin(), component.end(), [](int value) { return value == 0; });
}

TransferCheck check_transfers(const ZonalModel& zonal, const std::vector<double>& net_export_mw_per_zone) {
  validate(zonal);
  const std::size_t zone_count = zonal.zones.size();
  if (net_export_mw_per_zone.size() != zone_count) {
    throw std::invalid_argument("check_transfers: " + std::to_string(net_export_mw_per_zone.size()) +
                                " net exports; expected one per zone (" + std::to_string(zone_count) + ")");
  }
  TransferCheck check;
  double total_import_mw = 0.0;
  for (std::size_t zone = 0; zone < zone_count; ++zone) {
    const double export_mw = net_export_mw_per_zone[zone];
    if (!std::isfinite(export_mw)) {
      throw std::invalid_argument("check_transfers: net export of zone " + zonal.zones[zone].name +
                                  " is not a finite number");
    }
    (export_mw > 0.0 ? check.total_export_mw : total_import_mw) += std::abs(export_mw);
  }
  if (std::abs(check.total_export_mw - total_import_mw) > 1e-6 * std::max(1.0, check.total_export_mw)) {
    throw std::invalid_argument("check_transfers: exports " + std::to_string(check.total_export_mw) +
                                " MW and imports " + std::to_string(total_import_mw) +
                                " MW; expected them to balance (net exports summing to 0)");
  }

  // Zones 0..n-1, then a super-source feeding the exporters and a super-sink fed by the importers.
  // An unlimited tie-line gets a capacity no flow can use up, so it never lies on the minimum cut.
  const std::size_t source = zone_count, sink = zone_count + 1;
  const double unlimited_mw = 2.0 * check.total_export_mw + 1.0;
  FlowGraph graph(zone_count + 2);
  std::vector<std::pair<FlowEdge, FlowEdge>> tie_arcs;  // (from -> to, to -> from) per tie-line
  for (const TieLine& tie : zonal.tie_lines) {
    const double capacity_mw = std::isinf(tie.capacity_mw) ? unlimited_mw : tie.capacity_mw;
    tie_arcs.emplace_back(add_arc(graph, tie.from_zone, tie.to_zone, capacity_mw),
                          add_arc(graph, tie.to_zone, tie.from_zone, capacity_mw));
  }
  for (std::size_t zone = 0; zone < zone_count; ++zone) {
    const double export_mw = net_export_mw_per_zone[zone];
    if (export_mw > 0.0) add_arc(graph, source, zone, export_mw);
    if (export_mw < 0.0) add_arc(graph, zone, sink, -export_mw);
  }
  check.max_transfer_mw = boost::push_relabel_max_flow(graph, source, sink);

  const double tolerance_mw = 1e-9 * std::max(1.0, check.total_export_mw);
  check.feasible = check.max_transfer_mw >= check.total_export_mw - tolerance_mw;
  const auto flow_mw = [&graph](const FlowEdge& arc) {
    return boost::get(boost::edge_capacity, graph, arc) - boost::get(boost::edge_residual_capacity, graph, arc);
  };
  for (const auto& [forward, backward] : tie_arcs) check.tie_line_flow_mw.push_back(flow_mw(forward) - flow_mw(backward));
  if (check.feasible) return check;

  // The exporters' side of the minimum cut: what the source reaches over arcs with spare capacity.
  const boost::filtered_graph<FlowGraph, HasSpareCapacity> residual(graph, HasSpareCapacity{&graph, tolerance_mw});
  std::vector<boost::default_color_type> color(zone_count + 2, boost::white_color);
  boost::breadth_first_search(
      residual, source,
      boost::color_map(boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, graph))));
  const auto reached = [&color](std::size_t zone) { return color[zone] != boost::white_color; };
  check.exporter_side.resize(zone_count);
  for (std::size_t zone = 0; zone < zone_count; ++zone) check.exporter_side[zone] = reached(zone);
  for (std::size_t k = 0; k < zonal.tie_lines.size(); ++k) {
    if (reached(zonal.tie_lines[k].from_zone) != reached(zonal.tie_lines[k].to_zone)) {
      check.congested_tie_lines.push_back(k);
    }
  }
  return check;
}

}  // namespace ebsim::grid
