// DC optimal power flow with COIN-OR Clp. The formulation (variables, rows, sign conventions of the
// duals) is written out in docs/opf.md; the comments here point at the parts that are easy to get wrong.
#include "models/grid/dc_opf.hpp"

#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/grid/dc_network.hpp"

namespace ebsim::grid {
namespace {

const double kInf = COIN_DBL_MAX;  // Clp's infinity
constexpr double kRadPerDeg = std::numbers::pi / 180.0;
/** A branch counts as binding when its flow is within this of its limit (MW) or its dual is nonzero. */
constexpr double kBindingTolerance_mw = 1e-6;
/** Duals smaller than this ($/MWh) are round-off. */
constexpr double kDualTolerance = 1e-7;
/** Optimality is accepted when no reduced cost or row dual violates its sign condition by more than this
 * times the largest linear cost coefficient (at least 1 $/MWh). */
constexpr double kKktTolerance = 1e-8;
/** Relative distance from a bound within which a variable or row counts as at the bound. */
constexpr double kPrimalTolerance = 1e-9;
/** The solver is resumed at most this many times in all. */
constexpr int kMaxSolverPasses = 10;

/** The LP/QP in Clp's column form, built row by row from triplets. */
struct Problem {
  std::vector<double> col_lo, col_up, cost;  // linear cost per column
  std::vector<double> quad_diag;             // Q_jj in cost c'x + x'Qx/2 (0 for most columns)
  double constant_per_h = 0.0;               // constant cost terms of in-service generators
  std::vector<double> row_lo, row_up;
  std::map<std::pair<int, int>, double> elements;  // (row, column) -> coefficient; parallel branches add up

  int add_column(double lo, double up, double c) {
    col_lo.push_back(lo);
    col_up.push_back(up);
    cost.push_back(c);
    quad_diag.push_back(0.0);
    return static_cast<int>(cost.size()) - 1;
  }
  int add_row(double lo, double up) {
    row_lo.push_back(lo);
    row_up.push_back(up);
    return static_cast<int>(row_lo.size()) - 1;
  }
  void add(int row, int col, double value) { elements[{row, col}] += value; }

  // The constraint matrix as triplets, column-major (set by finish()).
  std::vector<int> a_row, a_col;
  std::vector<double> a_val;
  void finish() {
    for (const auto& [at, value] : elements) {
      if (value == 0.0) continue;
      a_row.push_back(at.first);
      a_col.push_back(at.second);
      a_val.push_back(value);
    }
  }
  int column_count() const { return static_cast<int>(cost.size()); }
  int row_count() const { return static_cast<int>(row_lo.size()); }
};

/** Row activities A x and reduced costs d = c + Q x - A'y at a solution. */
void activities_and_reduced_costs(const Problem& p, const double* x, const double* y, std::vector<double>& activity,
                                  std::vector<double>& reduced) {
  activity.assign(p.row_count(), 0.0);
  reduced.resize(p.column_count());
  for (int j = 0; j < p.column_count(); ++j) reduced[j] = p.cost[j] + p.quad_diag[j] * x[j];
  for (std::size_t e = 0; e < p.a_val.size(); ++e) {
    activity[p.a_row[e]] += p.a_val[e] * x[p.a_col[e]];
    reduced[p.a_col[e]] -= p.a_val[e] * y[p.a_row[e]];
  }
}

/** Largest violation of dual feasibility with complementary slackness ($/MWh): a reduced cost or row dual
 * that is nonzero while its variable or row is off the bound that sign would select. */
double kkt_residual(const Problem& p, const double* x, const double* y) {
  std::vector<double> activity, reduced;
  activities_and_reduced_costs(p, x, y, activity, reduced);
  auto violation = [](double dual, double value, double lo, double up) {
    const double scale = std::max(1.0, std::abs(value));
    if (dual > 0.0 && value > lo + kPrimalTolerance * scale) return dual;   // should be at its lower bound
    if (dual < 0.0 && value < up - kPrimalTolerance * scale) return -dual;  // should be at its upper bound
    return 0.0;
  };
  double residual = 0.0;
  for (int j = 0; j < p.column_count(); ++j)
    residual = std::max(residual, violation(reduced[j], x[j], p.col_lo[j], p.col_up[j]));
  for (int r = 0; r < p.row_count(); ++r)
    residual = std::max(residual, violation(y[r], activity[r], p.row_lo[r], p.row_up[r]));
  return residual;
}

/** Cost of a generator at pg_mw (for the primal objective), matching how it enters the problem. */
double generator_cost_per_h(const GenCost& cost, double pg_mw) {
  switch (cost.model) {
    case GenCost::Model::kPolynomial: {
      double value = 0.0;
      for (double c : cost.coefficients) value = value * pg_mw + c;  // Horner, highest order first
      return value;
    }
    case GenCost::Model::kPiecewiseLinear: {
      // Max over the segments' lines (the epigraph): linear extrapolation beyond the end points.
      const auto& xy = cost.coefficients;
      double value = -kInf;
      for (std::size_t k = 0; k + 3 < xy.size(); k += 2) {
        const double slope = (xy[k + 3] - xy[k + 1]) / (xy[k + 2] - xy[k]);
        value = std::max(value, xy[k + 1] + slope * (pg_mw - xy[k]));
      }
      return value;
    }
  }
  return 0.0;
}

void check_cost(const GenCost& cost, std::size_t g) {
  const std::string which = "generator " + std::to_string(g + 1) + " cost: ";
  switch (cost.model) {
    case GenCost::Model::kPolynomial:
      if (cost.coefficients.size() > 3)
        throw std::invalid_argument(which + "polynomial of degree " + std::to_string(cost.coefficients.size() - 1) +
                                    " (DC OPF supports up to quadratic)");
      if (cost.coefficients.size() == 3 && cost.coefficients[0] < 0.0)
        throw std::invalid_argument(which + "negative quadratic coefficient (cost must be convex)");
      return;
    case GenCost::Model::kPiecewiseLinear: {
      const auto& xy = cost.coefficients;
      if (xy.size() < 4 || xy.size() % 2 != 0)
        throw std::invalid_argument(which + "piecewise linear cost needs at least 2 points (x1 y1 x2 y2 ...)");
      double previous_slope = -kInf;
      for (std::size_t k = 0; k + 3 < xy.size(); k += 2) {
        if (!(xy[k + 2] > xy[k])) throw std::invalid_argument(which + "piecewise linear x values must increase");
        const double slope = (xy[k + 3] - xy[k + 1]) / (xy[k + 2] - xy[k]);
        if (slope < previous_slope - 1e-12)
          throw std::invalid_argument(which + "piecewise linear cost is not convex (slopes must not decrease)");
        previous_slope = slope;
      }
      return;
    }
  }
}

std::string status_text(int status) {
  switch (status) {
    case 0: return "optimal";
    case 1: return "infeasible";
    case 2: return "unbounded";
    case 3: return "stopped (iteration limit)";
    default: return "solver error (Clp status " + std::to_string(status) + ")";
  }
}

/** External bus number -> position in grid.buses, with the error an unknown bus gets. */
class BusLookup {
 public:
  explicit BusLookup(const GridModel& grid) {
    for (std::size_t i = 0; i < grid.buses.size(); ++i) position_of_.emplace(grid.buses[i].id, i);
  }
  /** The position of bus `id`; throws std::invalid_argument naming `what` when there is none. */
  std::size_t position(int id, const std::string& what) const {
    const auto it = position_of_.find(id);
    if (it == position_of_.end())
      throw std::invalid_argument("DC OPF: " + what + " at bus " + std::to_string(id) + ", which does not exist");
    return it->second;
  }

 private:
  std::map<int, std::size_t> position_of_;
};

/** An isolated bus (type 4) is out of the model, as in MATPOWER: its load is not served and the
 * generators and orders at it stay at 0. */
bool is_isolated(const GridModel& grid, std::size_t bus) { return grid.buses[bus].type == BusType::kIsolated; }

/** The problem and where each generator, order and branch limit sits in it. */
struct Formulation {
  Problem p;
  std::vector<int> pg_col;     // per generator; -1 out of the model
  std::vector<int> order_col;  // per BusOrder
  std::vector<int> limit_row;  // per DcNetwork branch; -1 without a limit
};

/** Columns 0..nb-1 (bus angles) and rows 0..nb-1 (bus balances) with the branches' flow terms. */
void add_network(const GridModel& grid, const DcNetwork& net, Problem& p) {
  const std::size_t nb = net.bus_count;
  // Angles (rad), free except each island's reference bus, fixed at its case angle.
  for (std::size_t i = 0; i < nb; ++i) p.add_column(-kInf, kInf, 0.0);
  for (std::size_t r : net.reference_buses) {
    const double va_rad = grid.buses[r].va_deg * kRadPerDeg;
    p.col_lo[r] = p.col_up[r] = va_rad;
  }
  // Bus balance, generation - load = power flowing out (all MW):
  //   sum Pg + sum supply - sum demand - baseMVA * sum_l (+-b_l)(theta_f - theta_t) = Pd + Gs - shift_injection
  // With load on the right-hand side, d(cost)/d(rhs) is the LMP directly.
  for (std::size_t i = 0; i < nb; ++i) {
    const double load_mw = is_isolated(grid, i) ? 0.0 : grid.buses[i].pd_mw + grid.buses[i].gs_mw;
    p.add_row(load_mw, load_mw);
  }
  for (std::size_t k = 0; k < net.branch_from.size(); ++k) {
    const auto f = static_cast<int>(net.branch_from[k]), t = static_cast<int>(net.branch_to[k]);
    const double w = grid.base_mva * net.branch_b_pu[k];  // MW per rad
    // Flow out of f: w (theta_f - theta_t - shift); into t: the same.
    p.add(f, f, -w);
    p.add(f, t, +w);
    p.add(t, t, -w);
    p.add(t, f, +w);
    const double shift_flow_mw = w * net.branch_shift_rad[k];  // the flow the shift pushes from t to f
    p.row_lo[f] -= shift_flow_mw;
    p.row_up[f] -= shift_flow_mw;
    p.row_lo[t] += shift_flow_mw;
    p.row_up[t] += shift_flow_mw;
  }
}

/** Generator g's cost on its output column `pg` (checked convex and of supported form first). */
void add_generator_cost(const GenCost& cost, std::size_t g, int pg, Problem& p) {
  check_cost(cost, g);
  switch (cost.model) {
    case GenCost::Model::kPolynomial: {
      const auto& c = cost.coefficients;  // highest order first
      const std::size_t n = c.size();
      if (n >= 1) p.constant_per_h += c[n - 1];
      if (n >= 2) p.cost[pg] = c[n - 2];
      if (n >= 3) p.quad_diag[pg] = 2.0 * c[n - 3];  // a Pg^2 = Pg (2a) Pg / 2
      return;
    }
    case GenCost::Model::kPiecewiseLinear: {
      // Epigraph (MATPOWER's CCV): cost variable y >= y_k + m_k (Pg - x_k) for every segment k.
      const int y = p.add_column(-kInf, kInf, 1.0);
      const auto& xy = cost.coefficients;
      for (std::size_t k = 0; k + 3 < xy.size(); k += 2) {
        const double slope = (xy[k + 3] - xy[k + 1]) / (xy[k + 2] - xy[k]);
        const int row = p.add_row(xy[k + 1] - slope * xy[k], kInf);
        p.add(row, y, 1.0);
        p.add(row, pg, -slope);
      }
      return;
    }
  }
}

/** One output column per in-service generator at a connected bus, injecting at its bus. */
void add_generators(const GridModel& grid, const BusLookup& buses, Formulation& f) {
  const std::size_t ng = grid.generators.size();
  f.pg_col.assign(ng, -1);
  for (std::size_t g = 0; g < ng; ++g) {
    const Generator& gen = grid.generators[g];
    if (!gen.in_service) continue;
    if (gen.pmin_mw > gen.pmax_mw)
      throw std::invalid_argument("DC OPF: generator " + std::to_string(g + 1) + " has Pmin > Pmax");
    const std::size_t bus = buses.position(gen.bus, "generator " + std::to_string(g + 1));
    if (is_isolated(grid, bus)) continue;
    f.pg_col[g] = f.p.add_column(gen.pmin_mw, gen.pmax_mw, 0.0);
    f.p.add(static_cast<int>(bus), f.pg_col[g], 1.0);
    if (!grid.gencosts.empty()) add_generator_cost(grid.gencosts[g], g, f.pg_col[g], f.p);
  }
}

/** Price-responsive orders: a demand is served like load (value counts against cost), a supply like generation. */
void add_orders(const GridModel& grid, const BusLookup& buses, const std::vector<BusOrder>& orders, Formulation& f) {
  f.order_col.assign(orders.size(), 0);
  for (std::size_t o = 0; o < orders.size(); ++o) {
    const BusOrder& order = orders[o];
    if (!(order.quantity_mw >= 0.0) || !std::isfinite(order.quantity_mw))
      throw std::invalid_argument("DC OPF: order " + std::to_string(o + 1) + " has a negative or non-finite quantity");
    if (!std::isfinite(order.price_per_mwh))
      throw std::invalid_argument("DC OPF: order " + std::to_string(o + 1) + " has a non-finite price");
    const std::size_t bus = buses.position(order.bus, "order " + std::to_string(o + 1));
    f.order_col[o] = f.p.add_column(0.0, is_isolated(grid, bus) ? 0.0 : order.quantity_mw,
                                    order.is_demand ? -order.price_per_mwh : order.price_per_mwh);
    f.p.add(static_cast<int>(bus), f.order_col[o], order.is_demand ? -1.0 : 1.0);
  }
}

/** Branch limits: -rate <= w (theta_f - theta_t) - w shift <= rate, for in-service branches with RATE_A > 0. */
void add_branch_limits(const GridModel& grid, const DcNetwork& net, Formulation& f) {
  const std::size_t nl = net.branch_from.size();
  f.limit_row.assign(nl, -1);
  for (std::size_t k = 0; k < nl; ++k) {
    const double rate_mw = grid.branches[net.branch_index[k]].rate_a_mva;
    if (!(rate_mw > 0.0)) continue;
    const double w = grid.base_mva * net.branch_b_pu[k];
    const double shift_flow_mw = w * net.branch_shift_rad[k];
    f.limit_row[k] = f.p.add_row(-rate_mw + shift_flow_mw, rate_mw + shift_flow_mw);
    f.p.add(f.limit_row[k], static_cast<int>(net.branch_from[k]), w);
    f.p.add(f.limit_row[k], static_cast<int>(net.branch_to[k]), -w);
  }
}

/** The whole LP/QP of the grid and orders (docs/opf.md), its matrix finished. */
Formulation build_formulation(const GridModel& grid, const DcNetwork& net, const std::vector<BusOrder>& orders) {
  const BusLookup buses(grid);
  Formulation f;
  add_network(grid, net, f.p);
  add_generators(grid, buses, f);
  add_orders(grid, buses, orders, f);
  add_branch_limits(grid, net, f);
  f.p.finish();
  return f;
}

/** How the solve ended. */
struct SolveOutcome {
  int status = 0;         // Clp's status
  int passes = 1;         // solver passes run
  double residual = 0.0;  // optimality residual after the last pass ($/MWh)
  double tolerance = 0.0; // the residual accepted as optimal ($/MWh)
};

/** Load `p` into `model` and solve it, resuming until the optimality conditions hold. */
SolveOutcome solve(const Problem& p, ClpSimplex& model) {
  const int ncols = p.column_count();
  const CoinPackedMatrix matrix(true, p.a_row.data(), p.a_col.data(), p.a_val.data(),
                                static_cast<CoinBigIndex>(p.a_val.size()));
  model.setLogLevel(0);
  model.loadProblem(matrix, p.col_lo.data(), p.col_up.data(), p.cost.data(), p.row_lo.data(), p.row_up.data());
  bool quadratic = false;
  for (double q : p.quad_diag) quadratic = quadratic || q != 0.0;
  if (quadratic) {
    std::vector<CoinBigIndex> start(ncols + 1, 0);
    std::vector<int> index;
    std::vector<double> value;
    for (int j = 0; j < ncols; ++j) {
      if (p.quad_diag[j] != 0.0) {
        index.push_back(j);
        value.push_back(p.quad_diag[j]);
      }
      start[j + 1] = static_cast<CoinBigIndex>(index.size());
    }
    model.loadQuadraticObjective(ncols, start.data(), index.data(), value.data());
  }
  // Clp's QP method (reduced gradient, in primal()) can report "optimal" with superbasic variables not yet
  // driven to their bounds (seen on case118: Pg = 0.003 MW with marginal cost above the LMP), so the
  // optimality conditions are checked here and the solve resumed from where it stopped until they hold.
  quadratic ? model.primal() : model.dual();
  double cost_scale = 1.0;
  for (double c : p.cost) cost_scale = std::max(cost_scale, std::abs(c));
  SolveOutcome outcome;
  outcome.tolerance = kKktTolerance * cost_scale;
  while (model.status() == 0) {
    outcome.residual = kkt_residual(p, model.primalColumnSolution(), model.dualRowSolution());
    if (outcome.residual <= outcome.tolerance || outcome.passes == kMaxSolverPasses) break;
    model.primal();  // resumes from the current basis and values
    ++outcome.passes;
  }
  outcome.status = model.status();
  return outcome;
}

/** A result of the right sizes, all zeros, with the status of `outcome`. */
DcOpfResult empty_result(const GridModel& grid, std::size_t nb, std::size_t order_count, const SolveOutcome& outcome) {
  DcOpfResult result;
  const std::size_t ng = grid.generators.size();
  result.optimal = outcome.status == 0 && outcome.residual <= outcome.tolerance;
  result.status = status_text(outcome.status);
  if (outcome.status == 0 && !result.optimal)
    result.status = "not optimal after " + std::to_string(outcome.passes) + " solver passes (optimality residual " +
                    std::to_string(outcome.residual) + " $/MWh)";
  result.pg_mw.assign(ng, 0.0);
  result.gen_mu_pmin_per_mwh.assign(ng, 0.0);
  result.gen_mu_pmax_per_mwh.assign(ng, 0.0);
  result.order_cleared_mw.assign(order_count, 0.0);
  result.theta_rad.assign(nb, 0.0);
  result.lmp_per_mwh.assign(nb, 0.0);
  result.branch_flow_mw.assign(grid.branches.size(), 0.0);
  result.branch_shadow_price_per_mwh.assign(grid.branches.size(), 0.0);
  result.branch_binding.assign(grid.branches.size(), false);
  return result;
}

/** Angles, dispatch, cleared orders, LMPs and branch flows / shadow prices from the solution x, y. */
void extract_solution(const GridModel& grid, const DcNetwork& net, const Formulation& f, const double* x,
                      const double* y, DcOpfResult& result) {
  for (std::size_t i = 0; i < net.bus_count; ++i) result.theta_rad[i] = x[i];
  for (std::size_t g = 0; g < f.pg_col.size(); ++g)
    if (f.pg_col[g] >= 0) result.pg_mw[g] = x[f.pg_col[g]];
  for (std::size_t o = 0; o < f.order_col.size(); ++o) result.order_cleared_mw[o] = x[f.order_col[o]];
  // Clp's row duals are d(objective)/d(row bound) for a minimisation, so with load on the right-hand
  // side of the balance rows they are the LMPs as they stand.
  for (std::size_t i = 0; i < net.bus_count; ++i) result.lmp_per_mwh[i] = y[i];
  for (std::size_t k = 0; k < net.branch_from.size(); ++k) {
    const std::size_t b = net.branch_index[k];
    const double w = grid.base_mva * net.branch_b_pu[k];
    result.branch_flow_mw[b] =
        w * (x[net.branch_from[k]] - x[net.branch_to[k]] - net.branch_shift_rad[k]);
    if (f.limit_row[k] < 0) continue;
    const double dual = std::abs(y[f.limit_row[k]]) > kDualTolerance ? std::abs(y[f.limit_row[k]]) : 0.0;
    result.branch_shadow_price_per_mwh[b] = dual;
    const double rate_mw = grid.branches[b].rate_a_mva;
    result.branch_binding[b] = dual > 0.0 || std::abs(std::abs(result.branch_flow_mw[b]) - rate_mw) <= kBindingTolerance_mw;
  }
}

/** Primal objective from the solution itself (not Clp's running value). */
double primal_objective(const GridModel& grid, const std::vector<BusOrder>& orders, const Formulation& f,
                        const DcOpfResult& result) {
  double primal = 0.0;
  for (std::size_t g = 0; g < f.pg_col.size(); ++g)
    if (f.pg_col[g] >= 0 && !grid.gencosts.empty()) primal += generator_cost_per_h(grid.gencosts[g], result.pg_mw[g]);
  for (std::size_t o = 0; o < orders.size(); ++o)
    primal += (orders[o].is_demand ? -1.0 : 1.0) * orders[o].price_per_mwh * result.order_cleared_mw[o];
  return primal;
}

/** Generator limit multipliers: the reduced cost of Pg (for a piecewise-linear cost, the active segment's
 * slope enters through the epigraph rows' duals) is marginal cost - LMP; positive at Pmin, negative at Pmax. */
void generator_multipliers(const Formulation& f, const std::vector<double>& reduced, DcOpfResult& result) {
  for (std::size_t g = 0; g < f.pg_col.size(); ++g) {
    if (f.pg_col[g] < 0) continue;
    const double d = reduced[f.pg_col[g]];
    if (d > kDualTolerance) result.gen_mu_pmin_per_mwh[g] = d;
    if (d < -kDualTolerance) result.gen_mu_pmax_per_mwh[g] = -d;
  }
}

/** Dual objective (the Lagrangian dual; Wolfe's for a QP): with reduced costs d = c + Qx - A'y,
 *   constant - x'Qx/2 + sum_rows y_r * (the row bound its sign selects) + sum_cols d_j * (the column bound its sign
 *   selects). A bound that is infinite is selected only by a round-off dual; the activity stands in for it then. */
double dual_objective(const Problem& p, const double* x, const double* y, const std::vector<double>& activity,
                      const std::vector<double>& reduced) {
  auto bound_term = [](double dual, double lo, double up, double value) {
    const double bound = dual > 0.0 ? lo : up;
    return dual * (std::abs(bound) < kInf ? bound : value);
  };
  double dual_objective = p.constant_per_h;
  for (int j = 0; j < p.column_count(); ++j) {
    dual_objective -= 0.5 * p.quad_diag[j] * x[j] * x[j];
    dual_objective += bound_term(reduced[j], p.col_lo[j], p.col_up[j], x[j]);
  }
  for (int r = 0; r < p.row_count(); ++r) dual_objective += bound_term(y[r], p.row_lo[r], p.row_up[r], activity[r]);
  return dual_objective;
}

}  // namespace

DcOpfResult solve_dc_opf(const GridModel& grid, const std::vector<BusOrder>& orders) {
  const std::size_t ng = grid.generators.size();
  if (!grid.gencosts.empty() && grid.gencosts.size() < ng)
    throw std::invalid_argument("DC OPF: " + std::to_string(grid.gencosts.size()) + " gencost rows for " +
                                std::to_string(ng) + " generators");
  if (!(grid.base_mva > 0.0)) throw std::invalid_argument("DC OPF: baseMVA must be positive");

  const DcNetwork net = build_dc_network(grid);
  const Formulation f = build_formulation(grid, net, orders);
  ClpSimplex model;
  const SolveOutcome outcome = solve(f.p, model);
  DcOpfResult result = empty_result(grid, net.bus_count, orders.size(), outcome);
  if (!result.optimal) return result;

  const double* x = model.primalColumnSolution();
  const double* y = model.dualRowSolution();
  extract_solution(grid, net, f, x, y, result);
  result.objective_per_h = primal_objective(grid, orders, f, result);
  std::vector<double> activity, reduced;
  activities_and_reduced_costs(f.p, x, y, activity, reduced);
  generator_multipliers(f, reduced, result);
  result.dual_objective_per_h = dual_objective(f.p, x, y, activity, reduced);
  return result;
}

}  // namespace ebsim::grid
