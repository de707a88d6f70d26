#pragma once
/** The DC network model of a GridModel, following ../shared/grids/README.md:
 * branch susceptance b = 1 / (x * tap) (tap 0 -> 1), resistance and line charging ignored,
 * flow Pf = baseMVA * b * (theta_f - theta_t - shift), bus load = Pd + Gs, RATE_A 0 = no limit.
 * Out-of-service branches and generators are left out. Eigen (sparse) for the matrices,
 * Boost.Graph for topology. */
#include <vector>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include "models/grid/grid_model.hpp"

namespace ebsim::grid {

struct DcNetwork {
  std::size_t bus_count = 0;
  std::vector<std::size_t> branch_from, branch_to;  // bus positions, in-service branches only
  std::vector<std::size_t> branch_index;            // position of each in GridModel::branches
  std::vector<double> branch_b_pu;                  // 1 / (x * tap)
  std::vector<double> branch_shift_rad;
  Eigen::SparseMatrix<double> bbus;  // bus susceptance matrix (p.u.), bus_count x bus_count
  Eigen::SparseMatrix<double> bf;    // branch-bus matrix: flow_pu = bf * theta + shift terms
  std::vector<std::size_t> reference_buses;  // one per island (the case's reference bus where it has one)
};

/** Build the DC model. Throws std::invalid_argument for a branch with x * tap == 0. */
DcNetwork build_dc_network(const GridModel& grid);

/** Connected islands of in-service branches (Boost.Graph connected_components): for each bus
 * position, its island number (0-based, numbered by lowest bus position). */
std::vector<int> bus_islands(const GridModel& grid);

struct DcFlowResult {
  std::vector<double> theta_rad;       // per bus; reference buses at their case angle
  std::vector<double> branch_flow_mw;  // per GridModel branch (0 for out-of-service ones)
};

/** DC power flow for net injections (MW, generation minus load, per bus position); each
 * island's reference bus absorbs that island's imbalance. */
DcFlowResult dc_power_flow(const GridModel& grid, const std::vector<double>& injection_mw);

/** Power transfer distribution factors (in-service branches x buses, MW per MW injected at the
 * bus and withdrawn at `slack_bus_position`). */
Eigen::MatrixXd ptdf(const GridModel& grid, std::size_t slack_bus_position);

}  // namespace ebsim::grid
