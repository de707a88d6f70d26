#include "models/grid/dc_network.hpp"

#include <algorithm>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#include <Eigen/SparseLU>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

namespace ebsim::grid {
namespace {

constexpr double kRadPerDeg = std::numbers::pi / 180.0;

using Triplet = Eigen::Triplet<double>;
using SparseMatrix = Eigen::SparseMatrix<double>;

/** A selection of bus positions: `selection * x` keeps the selected entries of a bus vector,
 * `selection.transpose() * y` puts them back (zeros elsewhere). */
SparseMatrix selection_matrix(const std::vector<std::size_t>& selected, std::size_t bus_count) {
  std::vector<Triplet> ones;
  ones.reserve(selected.size());
  for (std::size_t row = 0; row < selected.size(); ++row) {
    ones.emplace_back(static_cast<int>(row), static_cast<int>(selected[row]), 1.0);
  }
  SparseMatrix selection(static_cast<Eigen::Index>(selected.size()), static_cast<Eigen::Index>(bus_count));
  selection.setFromTriplets(ones.begin(), ones.end());
  return selection;
}

/** The susceptance matrix reduced to the `free` buses, factorised. */
class ReducedSolver {
 public:
  ReducedSolver(const DcNetwork& network, const std::vector<std::size_t>& free_buses)
      : selection_(selection_matrix(free_buses, network.bus_count)) {
    SparseMatrix reduced = selection_ * network.bbus * selection_.transpose();
    reduced.makeCompressed();
    if (reduced.rows() == 0) return;
    lu_.analyzePattern(reduced);
    lu_.factorize(reduced);
    if (lu_.info() != Eigen::Success) {
      throw std::domain_error("DC network: the susceptance matrix reduced by the reference bus(es) is singular (" +
                              lu_.lastErrorMessage() + "); check for reactances that cancel");
    }
  }

  const SparseMatrix& selection() const { return selection_; }

  /** Solves the reduced system for the given right-hand side(s) (rows = free buses). */
  template <typename Rhs>
  Eigen::MatrixXd solve(const Rhs& rhs) const {
    if (selection_.rows() == 0) return Eigen::MatrixXd::Zero(0, rhs.cols());
    return lu_.solve(rhs);
  }

 private:
  SparseMatrix selection_;
  Eigen::SparseLU<SparseMatrix, Eigen::COLAMDOrdering<int>> lu_;
};

/** Each island's reference bus, following DcNetwork::reference_buses. */
std::vector<std::size_t> choose_reference_buses(const GridModel& grid, const std::vector<int>& island) {
  const int island_count = island.empty() ? 0 : *std::max_element(island.begin(), island.end()) + 1;
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> case_reference(island_count, kNone), lowest(island_count, kNone);
  for (std::size_t bus = 0; bus < grid.buses.size(); ++bus) {
    const auto k = static_cast<std::size_t>(island[bus]);
    if (lowest[k] == kNone) lowest[k] = bus;
    if (grid.buses[bus].type == BusType::kReference && case_reference[k] == kNone) case_reference[k] = bus;
  }
  std::vector<double> pmax_mw_at_bus(grid.buses.size(), 0.0);
  for (const Generator& generator : grid.generators) {
    if (generator.in_service) pmax_mw_at_bus[grid.bus_index(generator.bus)] += generator.pmax_mw;
  }
  std::vector<std::size_t> largest(island_count, kNone);
  for (std::size_t bus = 0; bus < grid.buses.size(); ++bus) {
    const auto k = static_cast<std::size_t>(island[bus]);
    if (pmax_mw_at_bus[bus] > 0.0 && (largest[k] == kNone || pmax_mw_at_bus[bus] > pmax_mw_at_bus[largest[k]])) {
      largest[k] = bus;
    }
  }
  std::vector<std::size_t> reference(island_count);
  for (int k = 0; k < island_count; ++k) {
    reference[k] = case_reference[k] != kNone ? case_reference[k] : largest[k] != kNone ? largest[k] : lowest[k];
  }
  return reference;
}

std::string describe_branch(const GridModel& grid, std::size_t position) {
  const Branch& branch = grid.branches[position];
  return "branch " + std::to_string(position + 1) + " (bus " + std::to_string(branch.from_bus) + " to bus " +
         std::to_string(branch.to_bus) + ")";
}

}  // namespace

bool in_dc_network(const GridModel& grid, std::size_t branch_position) {
  const Branch& branch = grid.branches.at(branch_position);
  return branch.in_service && grid.buses[grid.bus_index(branch.from_bus)].type != BusType::kIsolated &&
         grid.buses[grid.bus_index(branch.to_bus)].type != BusType::kIsolated;
}

std::vector<double> dc_bus_load_mw(const GridModel& grid) {
  std::vector<double> load_mw;
  load_mw.reserve(grid.buses.size());
  for (const Bus& bus : grid.buses) load_mw.push_back(bus.type == BusType::kIsolated ? 0.0 : bus.pd_mw + bus.gs_mw);
  return load_mw;
}

std::vector<double> case_injection_mw(const GridModel& grid) {
  std::vector<double> injection_mw = dc_bus_load_mw(grid);
  for (double& value : injection_mw) value = -value;
  for (const Generator& generator : grid.generators) {
    const std::size_t bus = grid.bus_index(generator.bus);
    if (generator.in_service && grid.buses[bus].type != BusType::kIsolated) injection_mw[bus] += generator.pg_mw;
  }
  return injection_mw;
}

std::vector<int> bus_islands(const GridModel& grid) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph graph(grid.buses.size());
  for (std::size_t k = 0; k < grid.branches.size(); ++k) {
    if (!in_dc_network(grid, k)) continue;
    boost::add_edge(grid.bus_index(grid.branches[k].from_bus), grid.bus_index(grid.branches[k].to_bus), graph);
  }
  std::vector<int> component(grid.buses.size());
  if (component.empty()) return component;
  boost::connected_components(graph, component.data());
  // Renumber in order of each island's lowest bus position (Boost's numbering is the same in
  // practice, but it does not promise it).
  std::vector<int> renumbered(component.size(), -1);
  int next = 0;
  for (int& island : component) {
    if (renumbered[island] < 0) renumbered[island] = next++;
    island = renumbered[island];
  }
  return component;
}

DcNetwork build_dc_network(const GridModel& grid) {
  DcNetwork network;
  network.bus_count = grid.buses.size();
  std::vector<Triplet> incidence;
  for (std::size_t k = 0; k < grid.branches.size(); ++k) {
    if (!in_dc_network(grid, k)) continue;
    const Branch& branch = grid.branches[k];
    const double tap = branch.tap_ratio == 0.0 ? 1.0 : branch.tap_ratio;
    if (branch.x_pu * tap == 0.0) {
      throw std::invalid_argument("DC network of " + grid.name + ": " + describe_branch(grid, k) +
                                  " has x * tap = 0; expected a non-zero reactance (take it out of service or "
                                  "merge its buses)");
    }
    const auto row = static_cast<int>(network.branch_index.size());
    network.branch_index.push_back(k);
    network.branch_from.push_back(grid.bus_index(branch.from_bus));
    network.branch_to.push_back(grid.bus_index(branch.to_bus));
    network.branch_b_pu.push_back(1.0 / (branch.x_pu * tap));
    network.branch_shift_rad.push_back(branch.shift_deg * kRadPerDeg);
    incidence.emplace_back(row, static_cast<int>(network.branch_from.back()), 1.0);
    incidence.emplace_back(row, static_cast<int>(network.branch_to.back()), -1.0);  // a self-loop sums to 0
  }
  const auto branches = static_cast<Eigen::Index>(network.branch_index.size());
  const auto buses = static_cast<Eigen::Index>(network.bus_count);
  network.cft.resize(branches, buses);
  network.cft.setFromTriplets(incidence.begin(), incidence.end());
  const Eigen::Map<const Eigen::VectorXd> b_pu(network.branch_b_pu.data(), branches);
  network.bf = b_pu.asDiagonal() * network.cft;
  network.bbus = network.cft.transpose() * network.bf;
  network.bbus.makeCompressed();
  network.bus_island = bus_islands(grid);
  network.reference_buses = choose_reference_buses(grid, network.bus_island);
  return network;
}

DcFlowResult dc_power_flow(const GridModel& grid, const std::vector<double>& injection_mw) {
  if (injection_mw.size() != grid.buses.size()) {
    throw std::invalid_argument("dc_power_flow on " + grid.name + ": " + std::to_string(injection_mw.size()) +
                                " injections; expected one per bus (" + std::to_string(grid.buses.size()) + ")");
  }
  const DcNetwork network = build_dc_network(grid);
  const auto buses = static_cast<Eigen::Index>(network.bus_count);
  const auto branches = static_cast<Eigen::Index>(network.branch_index.size());

  std::vector<bool> is_reference(network.bus_count, false);
  Eigen::VectorXd theta_rad = Eigen::VectorXd::Zero(buses);
  for (const std::size_t reference : network.reference_buses) {
    is_reference[reference] = true;
    theta_rad[static_cast<Eigen::Index>(reference)] = grid.buses[reference].va_deg * kRadPerDeg;
  }
  std::vector<std::size_t> free_buses;
  for (std::size_t bus = 0; bus < network.bus_count; ++bus) {
    if (!is_reference[bus]) free_buses.push_back(bus);
  }

  // Bbus * theta = Pbus - Pbusinj, with Pfinj = -b .* shift and Pbusinj = Cft' * Pfinj (MATPOWER makeBdc).
  const Eigen::Map<const Eigen::VectorXd> b_pu(network.branch_b_pu.data(), branches);
  const Eigen::Map<const Eigen::VectorXd> shift_rad(network.branch_shift_rad.data(), branches);
  const Eigen::VectorXd pfinj_pu = -b_pu.cwiseProduct(shift_rad);
  const Eigen::VectorXd pbusinj_pu = network.cft.transpose() * pfinj_pu;
  const Eigen::VectorXd pbus_pu = Eigen::Map<const Eigen::VectorXd>(injection_mw.data(), buses) / grid.base_mva;

  const ReducedSolver solver(network, free_buses);
  const Eigen::VectorXd rhs = solver.selection() * (pbus_pu - pbusinj_pu - network.bbus * theta_rad);
  theta_rad += solver.selection().transpose() * solver.solve(rhs);
  const Eigen::VectorXd flow_mw = grid.base_mva * (network.bf * theta_rad + pfinj_pu);

  DcFlowResult result;
  result.theta_rad.assign(theta_rad.begin(), theta_rad.end());
  result.branch_flow_mw.assign(grid.branches.size(), 0.0);
  for (Eigen::Index row = 0; row < branches; ++row) {
    result.branch_flow_mw[network.branch_index[static_cast<std::size_t>(row)]] = flow_mw[row];
  }
  return result;
}

Eigen::MatrixXd ptdf(const GridModel& grid, std::size_t slack_bus_position) {
  if (slack_bus_position >= grid.buses.size()) {
    throw std::out_of_range("ptdf on " + grid.name + ": slack bus position " + std::to_string(slack_bus_position) +
                            "; expected below the bus count " + std::to_string(grid.buses.size()));
  }
  const DcNetwork network = build_dc_network(grid);
  // Only the slack's island can send power to the slack; the other columns stay zero.
  std::vector<std::size_t> free_buses;
  for (std::size_t bus = 0; bus < network.bus_count; ++bus) {
    if (bus != slack_bus_position && network.bus_island[bus] == network.bus_island[slack_bus_position]) {
      free_buses.push_back(bus);
    }
  }
  const ReducedSolver solver(network, free_buses);
  const auto free_count = static_cast<Eigen::Index>(free_buses.size());
  // theta per unit injection at each free bus: Br \ I, then flows Bf * theta, spread back to bus columns.
  const Eigen::MatrixXd theta_per_injection = solver.solve(Eigen::MatrixXd::Identity(free_count, free_count));
  const SparseMatrix bf_free = network.bf * solver.selection().transpose();
  const Eigen::MatrixXd factors_free = bf_free * theta_per_injection;
  return factors_free * solver.selection();
}

}  // namespace ebsim::grid
