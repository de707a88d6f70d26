#pragma once
/** DC optimal power flow (like MATPOWER's rundcopf) with COIN-OR Clp: minimise generator cost
 * (polynomial up to quadratic, or piecewise linear) minus the value of price-responsive demand,
 * subject to the DC power balance at every bus, branch limits (RATE_A, 0 = none) and generator
 * limits. Locational marginal prices are the duals of the bus balance constraints. */
#include <string>
#include <vector>

#include "models/grid/grid_model.hpp"

namespace ebsim::grid {

/** A price-responsive order at a bus: demand (bid) or supply (offer) of up to quantity_mw. */
struct BusOrder {
  int bus = 0;                 // external bus number
  bool is_demand = true;
  double quantity_mw = 0.0;
  double price_per_mwh = 0.0;  // demand: its value; supply: its cost
};

struct DcOpfResult {
  bool optimal = false;
  std::string status;                       // solver status text
  double objective_per_h = 0.0;             // primal objective ($/h)
  double dual_objective_per_h = 0.0;        // dual objective ($/h); equal at optimum
  std::vector<double> pg_mw;                // per generator (0 out of service)
  std::vector<double> order_cleared_mw;     // per BusOrder
  std::vector<double> theta_rad;            // per bus
  std::vector<double> lmp_per_mwh;          // per bus
  std::vector<double> branch_flow_mw;       // per branch
  std::vector<double> branch_shadow_price_per_mwh;  // per branch: |dual of its limit|, 0 if not binding
  std::vector<bool> branch_binding;
};

/** Solve. Fixed loads are each bus's Pd + Gs. */
DcOpfResult solve_dc_opf(const GridModel& grid, const std::vector<BusOrder>& orders = {});

}  // namespace ebsim::grid
