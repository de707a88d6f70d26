#pragma once
/** The DC network model of a GridModel, following ../shared/grids/README.md:
 * branch susceptance b = 1 / (x * tap) (tap 0 -> 1), resistance and line charging ignored,
 * flow Pf = baseMVA * b * (theta_f - theta_t - shift), bus load = Pd + Gs, RATE_A 0 = no limit.
 * Out-of-service branches and generators are left out; as in MATPOWER (ext2int), so are branches
 * touching an isolated bus (type 4). Eigen (sparse) for the matrices, Boost.Graph for topology.
 * Complexity: building is O(buses + branches); a power flow or PTDF factorises the reduced
 * susceptance matrix once (sparse LU) and solves with it, never forming an inverse. */
#include <vector>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include "models/grid/grid_model.hpp"

namespace ebsim::grid {

/** The DC model's matrices, over bus positions and the in-service branches (in GridModel order). */
struct DcNetwork {
  std::size_t bus_count = 0;
  std::vector<std::size_t> branch_from, branch_to;  // bus positions, in-service branches only
  std::vector<std::size_t> branch_index;            // position of each in GridModel::branches
  std::vector<double> branch_b_pu;                  // 1 / (x * tap)
  std::vector<double> branch_shift_rad;
  Eigen::SparseMatrix<double> bbus;  // bus susceptance matrix (p.u.), bus_count x bus_count
  Eigen::SparseMatrix<double> bf;    // branch-bus matrix: flow_pu = bf * theta + shift terms
  Eigen::SparseMatrix<double> cft;   // branch-bus incidence: +1 at the from bus, -1 at the to bus
  /** One per island, in island order: the island's first bus of type 3 where it has one (other
   * type-3 buses in that island are then ordinary buses); otherwise its bus with the most
   * in-service generator Pmax; otherwise its lowest bus position. */
  std::vector<std::size_t> reference_buses;
  std::vector<int> bus_island;       // per bus position: its island, as bus_islands()
};

/** Whether branch `branch_position` is part of the DC model: in service (BR_STATUS > 0) and
 * neither end bus isolated (type 4). */
bool in_dc_network(const GridModel& grid, std::size_t branch_position);

/** Fixed load per bus position in the DC model (MW): Pd + Gs, the shunt conductance's demand at
 * V = 1 p.u. counting as load; 0 at isolated buses (type 4), which MATPOWER leaves out. */
std::vector<double> dc_bus_load_mw(const GridModel& grid);

/** Net injection per bus position (MW) of the case file's dispatch: the Pg of in-service
 * generators (not at isolated buses) minus dc_bus_load_mw. */
std::vector<double> case_injection_mw(const GridModel& grid);

/** Build the DC model. Throws std::invalid_argument for an in-service branch with x * tap == 0. */
DcNetwork build_dc_network(const GridModel& grid);

/** Connected islands of in-service branches (Boost.Graph connected_components): for each bus
 * position, its island number (0-based, numbered by lowest bus position). */
std::vector<int> bus_islands(const GridModel& grid);

struct DcFlowResult {
  std::vector<double> theta_rad;       // per bus; reference buses at their case angle
  std::vector<double> branch_flow_mw;  // per GridModel branch (0 for out-of-service ones)
};

/** DC power flow for net injections (MW, generation minus load, per bus position); each
 * island's reference bus absorbs that island's imbalance (its own entry is ignored). Phase
 * shifts enter as MATPOWER's injections Pbusinj = Cft' * Pfinj. One solve of the susceptance
 * matrix reduced by all reference buses, which is block-diagonal by island, so each island is
 * solved with its own reference. Throws std::invalid_argument if the vector's size is not the
 * bus count, std::domain_error if the reduced matrix is singular (e.g. negative reactances that
 * cancel). */
DcFlowResult dc_power_flow(const GridModel& grid, const std::vector<double>& injection_mw);

/** Power transfer distribution factors (in-service branches x buses, MW per MW injected at the
 * bus and withdrawn at `slack_bus_position`). Rows follow DcNetwork::branch_index. The slack's
 * column is zero, and so are the columns of buses outside the slack's island (no path).
 * Shifts do not enter (the factors are incremental). Computed as Bf * (Br \ I) with the
 * reduced susceptance matrix Br factorised once. Throws std::out_of_range for a bad slack
 * position, std::domain_error for a singular reduced matrix. */
Eigen::MatrixXd ptdf(const GridModel& grid, std::size_t slack_bus_position);

}  // namespace ebsim::grid
