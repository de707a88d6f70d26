#pragma once
// Small hand-made grids shared by tests.
#include "models/grid/grid_model.hpp"

namespace ebsim::grid::test_grids {

/** Bus 1 (reference) -- bus 2, one line of x = 0.1 p.u. rated `rate_mw` (0: unlimited). */
inline GridModel two_bus(double rate_mw) {
  GridModel model;
  model.name = "two_bus";
  Bus bus1, bus2;
  bus1.id = 1;
  bus1.type = BusType::kReference;
  bus2.id = 2;
  model.buses = {bus1, bus2};
  Branch line;
  line.from_bus = 1;
  line.to_bus = 2;
  line.x_pu = 0.1;
  line.rate_a_mva = rate_mw;
  model.branches = {line};
  model.index_buses();
  return model;
}

}  // namespace ebsim::grid::test_grids
