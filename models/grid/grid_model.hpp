#pragma once
/** A bus-branch grid in MATPOWER's conventions (MW, MVAr, p.u. impedances, degrees, $/MWh),
 * as read from a MATPOWER case file (format version 2). Plain data; the DC model, power flow,
 * PTDFs and topology live in dc_network.hpp, the optimal power flow in dc_opf.hpp. */
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace ebsim::grid {

enum class BusType { kPQ = 1, kPV = 2, kReference = 3, kIsolated = 4 };

struct Bus {
  int id = 0;                   // BUS_I: the case's external bus number
  BusType type = BusType::kPQ;
  double pd_mw = 0.0;           // real power demand
  double qd_mvar = 0.0;
  double gs_mw = 0.0;           // shunt conductance (MW demanded at V = 1 p.u.): counts as load in the DC model
  double bs_mvar = 0.0;
  int area = 1;
  double va_deg = 0.0;          // voltage angle (the reference bus's angle is kept in DC results)
  double base_kv = 0.0;
  int zone = 1;
};

struct Generator {
  int bus = 0;                  // external bus number
  double pg_mw = 0.0;           // dispatch in the case file
  double pmax_mw = 0.0;
  double pmin_mw = 0.0;
  bool in_service = true;       // GEN_STATUS > 0
};

struct Branch {
  int from_bus = 0, to_bus = 0;  // external bus numbers
  double r_pu = 0.0, x_pu = 0.0, b_pu = 0.0;
  double rate_a_mva = 0.0;      // long-term limit; 0 means unlimited
  double tap_ratio = 0.0;       // 0 means 1 (a line)
  double shift_deg = 0.0;       // phase shift
  bool in_service = true;       // BR_STATUS > 0
};

/** Generator cost (MATPOWER gencost). */
struct GenCost {
  enum class Model { kPiecewiseLinear = 1, kPolynomial = 2 };
  Model model = Model::kPolynomial;
  double startup = 0.0, shutdown = 0.0;
  /** Polynomial: coefficients highest order first, c_{n-1} ... c_0 ($/MW^k h), as in the file.
   * Piecewise linear: x1, y1, x2, y2, ... (MW, $/h), x increasing. */
  std::vector<double> coefficients;
};

struct GridModel {
  std::string name;               // e.g. "case9"
  double base_mva = 100.0;
  std::vector<Bus> buses;
  std::vector<Generator> generators;
  std::vector<Branch> branches;
  std::vector<GenCost> gencosts;  // one per generator (or empty when the case has none)
  /** Bus number -> position in `buses`, built by index_buses() (parse_matpower calls it). Only
   * looked up, never iterated. May be empty or stale: bus_index() checks every hit. */
  std::unordered_map<int, std::size_t> bus_position_by_id;

  /** Position of external bus number `id` in `buses`. O(1) on average when the index is current
   * (one hash lookup, checked against `buses`); O(buses) when the index is missing or stale, e.g.
   * after buses were added or renumbered by hand, so it is always correct.
   * Throws std::out_of_range if no bus has that number. REQUIRES: bus numbers are unique. */
  std::size_t bus_index(int id) const;

  /** Rebuild bus_position_by_id from `buses` (O(buses)); call after changing `buses`. */
  void index_buses();
};

}  // namespace ebsim::grid
