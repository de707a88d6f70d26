#pragma once
/** DC optimal power flow (like MATPOWER's rundcopf) with COIN-OR Clp: minimise generator cost
 * (polynomial up to quadratic, or piecewise linear) minus the value of price-responsive demand,
 * subject to the DC power balance at every bus, branch limits (RATE_A, 0 = none) and generator
 * limits. Locational marginal prices are the duals of the bus balance constraints.
 *
 * Formulation (docs/opf.md has it in full). Variables: theta per bus (rad; each island's reference
 * bus fixed at its case angle), Pg per in-service generator in [Pmin, Pmax] (MW), cleared quantity
 * per BusOrder in [0, quantity_mw], and for a piecewise-linear cost one epigraph variable y >= each
 * segment's line (MATPOWER's CCV form; the cost must be convex). Rows, all in MW:
 *   bus balance  sum Pg + supply - demand - (MW flowing out at the angles) = Pd + Gs - (shift terms)
 *   branch limit -RATE_A <= baseMVA * b * (theta_f - theta_t - shift) <= RATE_A   (RATE_A > 0 only)
 * Objective ($/h): sum of generator costs (a Pg^2 + b Pg + c, or y) - sum demand price * cleared
 * + sum supply price * cleared. Quadratic costs make it a QP (ClpSimplex::primal on a quadratic
 * objective), otherwise an LP (ClpSimplex::dual).
 *
 * Duals: with the load on the right-hand side of the balance rows, Clp's row dual (d objective /
 * d bound) IS the LMP: the cost of serving one more MW of load at the bus, $/MWh. A branch's shadow
 * price is |dual| of its limit row, and LMP_i = LMP_ref - sum_l mu_l PTDF_{l,i} with mu_l signed
 * by the direction the limit binds in. The dual objective is the Lagrangian (for a QP, Wolfe) dual
 * value computed from the duals; it equals the primal objective at an optimum.
 *
 * Because Clp's QP method can stop with variables just off their bounds, the optimality conditions
 * are checked after each solve and the solve resumed until they hold (else optimal = false).
 * Deterministic: the same input gives bit-identical results. */
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
  /** Per generator: the shadow prices of its output limits ($/MWh, >= 0; 0 when not binding or out of
   * the model), i.e. what one more MW of room below Pmin / above Pmax would save. MATPOWER's MU_PMIN /
   * MU_PMAX. From the reduced cost of Pg: at Pmax, LMP - marginal cost; at Pmin, marginal cost - LMP.
   * A dispatchable load (a generator with Pmin < 0 = Pmax) consuming all it bids for has mu_pmin > 0. */
  std::vector<double> gen_mu_pmin_per_mwh;
  std::vector<double> gen_mu_pmax_per_mwh;
  std::vector<double> order_cleared_mw;     // per BusOrder
  std::vector<double> theta_rad;            // per bus
  std::vector<double> lmp_per_mwh;          // per bus
  std::vector<double> branch_flow_mw;       // per branch
  std::vector<double> branch_shadow_price_per_mwh;  // per branch: |dual of its limit|, 0 if not binding
  std::vector<bool> branch_binding;
};

/** Solve. Fixed loads are each bus's Pd + Gs. A problem without optimum (infeasible, unbounded,
 * solver failure) gives optimal = false, the reason in status and zeros elsewhere. Throws
 * std::invalid_argument for input the formulation cannot take: a cost polynomial above degree 2 or
 * with a negative quadratic term, a non-convex piecewise-linear cost, Pmin > Pmax, fewer gencost
 * rows than generators, an order at an unknown bus or with a negative quantity (and whatever
 * build_dc_network throws). */
DcOpfResult solve_dc_opf(const GridModel& grid, const std::vector<BusOrder>& orders = {});

}  // namespace ebsim::grid
