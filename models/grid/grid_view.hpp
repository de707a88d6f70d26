#pragma once
/** What a grid-aware clearing rule sees of the physical grid: the network model, the bus each
 * participant is connected to, and the length of a market interval (to turn kWh per interval
 * into MW). Or, for the transnational case, a zonal model (zones joined by tie-lines, zonal.hpp)
 * and the zone each participant is in. Read-only plain data; built once per run
 * (sim/simulation.cpp) or by hand in tests. */
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/core/ids.hpp"
#include "models/grid/grid_model.hpp"
#include "models/grid/zonal.hpp"

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

  /** A zonal grid: `participant_zone[i]` is the position in `zonal.zones` of participant i's
   * zone. Throws std::invalid_argument if the model is invalid (zonal.hpp validate), a zone
   * position is out of range, or interval_h is not > 0. */
  GridView(ZonalModel zonal, std::vector<std::size_t> participant_zone, double interval_h)
      : zonal_(std::move(zonal)), participant_zone_(std::move(participant_zone)), interval_h_(interval_h),
        is_zonal_(true) {
    if (!(interval_h_ > 0.0)) throw std::invalid_argument("GridView: the interval length must be > 0 h");
    validate(zonal_);
    for (std::size_t i = 0; i < participant_zone_.size(); ++i) {
      if (participant_zone_[i] >= zonal_.zones.size()) {
        throw std::invalid_argument("GridView: participant " + std::to_string(i) + " is in zone position " +
                                    std::to_string(participant_zone_[i]) + "; the zonal model has " +
                                    std::to_string(zonal_.zones.size()) + " zones");
      }
    }
  }

  /** Whether this is a zonal grid (zonal(), zone_of()) rather than a bus-branch one (model(), bus_of()). */
  bool is_zonal() const { return is_zonal_; }
  /** The network (topology, branch limits, and the case's own loads and generators); empty for a zonal grid. */
  const GridModel& model() const { return model_; }
  /** External bus number of participant `participant`. Throws std::out_of_range if unknown
   * (always for a zonal grid). */
  int bus_of(ParticipantId participant) const { return participant_bus_.at(participant); }
  /** The zones and tie-lines; empty for a bus-branch grid. */
  const ZonalModel& zonal() const { return zonal_; }
  /** Position in zonal().zones of participant `participant`'s zone. Throws std::out_of_range if
   * unknown (always for a bus-branch grid). */
  std::size_t zone_of(ParticipantId participant) const { return participant_zone_.at(participant); }
  /** Number of participants placed on the grid. */
  std::size_t participant_count() const { return is_zonal_ ? participant_zone_.size() : participant_bus_.size(); }
  /** Length of one market interval in hours (energy per interval / interval_h = mean power). */
  double interval_h() const { return interval_h_; }

 private:
  GridModel model_;
  std::vector<int> participant_bus_;
  ZonalModel zonal_;
  std::vector<std::size_t> participant_zone_;
  double interval_h_ = 0.25;
  bool is_zonal_ = false;
};

}  // namespace ebsim::grid
