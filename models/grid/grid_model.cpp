#include "models/grid/grid_model.hpp"

#include <stdexcept>

namespace ebsim::grid {

std::size_t GridModel::bus_index(int id) const {
  // A hit is trusted only if it still names that bus, so a stale index never gives a wrong answer.
  const auto hit = bus_position_by_id.find(id);
  if (hit != bus_position_by_id.end() && hit->second < buses.size() && buses[hit->second].id == id) {
    return hit->second;
  }
  for (std::size_t position = 0; position < buses.size(); ++position) {
    if (buses[position].id == id) return position;
  }
  throw std::out_of_range("grid " + name + ": no bus number " + std::to_string(id));
}

void GridModel::index_buses() {
  bus_position_by_id.clear();
  bus_position_by_id.reserve(buses.size());
  for (std::size_t position = 0; position < buses.size(); ++position) {
    bus_position_by_id.emplace(buses[position].id, position);  // keeps the first of duplicates
  }
}

}  // namespace ebsim::grid
