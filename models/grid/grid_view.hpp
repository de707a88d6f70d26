#pragma once
/** What a grid-aware clearing rule sees of the physical grid: the network model, the bus each
 * participant is connected to, and the length of a market interval (to turn kWh per interval
 * into MW). Read-only plain data; built once per run (sim/simulation.cpp) or by hand in tests. */
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/core/ids.hpp"
#include "models/grid/grid_model.hpp"

namespace ebsim::grid {

class GridView {
 public:
  /** `participant_bus[i]` is the external bus number of participant i. Throws
   * std::invalid_argument if a bus is not in `model` or interval_h is not > 0. */
  GridView(GridModel model, std::vector<int> participant_bus, double interval_h)
      : model_(std::move(model)), participant_bus_(std::move(participant_bus)), interval_h_(interval_h) {
    if (!(interval_h_ > 0.0)) throw std::invalid_argument("GridView: the interval length must be > 0 h");
    for (std::size_t i = 0; i < participant_bus_.size(); ++i) {
      try {
        model_.bus_index(participant_bus_[i]);
      } catch (const std::out_of_range&) {
        throw std::invalid_argument("GridView: participant " + std::to_string(i) + " is at bus " +
                                    std::to_string(participant_bus_[i]) + ", which " + model_.name +
                                    " does not have");
      }
    }
  }

  /** The network (topology, branch limits, and the case's own loads and generators). */
  const GridModel& model() const { return model_; }
  /** External bus number of participant `participant`. Throws std::out_of_range if unknown. */
  int bus_of(ParticipantId participant) const { return participant_bus_.at(participant); }
  /** Number of participants placed on the grid. */
  std::size_t participant_count() const { return participant_bus_.size(); }
  /** Length of one market interval in hours (energy per interval / interval_h = mean power). */
  double interval_h() const { return interval_h_; }

 private:
  GridModel model_;
  std::vector<int> participant_bus_;
  double interval_h_ = 0.25;
};

}  // namespace ebsim::grid
