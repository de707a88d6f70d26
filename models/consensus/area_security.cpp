#include "models/consensus/area_security.hpp"

#include <cmath>
#include <set>

#include "models/market/security_check.hpp"

namespace ebsim::consensus {

namespace {

/** Zonal grid: the congested tie-lines `area` watches, those touching a zone of one of its
 * subjects and those touching no subject's zone at all (every node watches those). */
std::vector<VoteBody::Objection> check_area_transfers(const grid::GridView& grid,
                                                      const std::vector<std::uint32_t>& participant_area,
                                                      std::uint32_t area, const std::vector<market::Trade>& trades) {
  std::set<std::size_t> my_zones, subject_zones;
  for (ParticipantId i = 0; i < participant_area.size() && i < grid.participant_count(); ++i) {
    subject_zones.insert(grid.zone_of(i));
    if (participant_area[i] == area) my_zones.insert(grid.zone_of(i));
  }
  std::vector<VoteBody::Objection> out;
  for (const market::TieLineCongestion& c : market::congested_tie_lines(trades, grid)) {
    const grid::TieLine& tie = grid.zonal().tie_lines[c.tie_line];
    const bool mine = my_zones.count(tie.from_zone) != 0 || my_zones.count(tie.to_zone) != 0;
    const bool nobodys = subject_zones.count(tie.from_zone) == 0 && subject_zones.count(tie.to_zone) == 0;
    if (mine || nobodys) out.push_back({c.tie_line, c.transfer_mw, c.capacity_mw});
  }
  return out;
}

}  // namespace

std::vector<VoteBody::Objection> check_area_flows(const grid::GridView& grid,
                                                  const std::vector<std::uint32_t>& participant_area,
                                                  std::uint32_t area, const std::vector<market::Trade>& trades) {
  if (grid.is_zonal()) return check_area_transfers(grid, participant_area, area, trades);
  const grid::GridModel& model = grid.model();
  std::set<int> my_buses, subject_buses;
  for (ParticipantId i = 0; i < participant_area.size() && i < grid.participant_count(); ++i) {
    subject_buses.insert(grid.bus_of(i));
    if (participant_area[i] == area) my_buses.insert(grid.bus_of(i));
  }
  const std::vector<double> flows = market::trade_flows_mw(trades, grid);
  std::vector<VoteBody::Objection> out;
  for (std::size_t b = 0; b < model.branches.size(); ++b) {
    const grid::Branch& br = model.branches[b];
    const bool mine = my_buses.count(br.from_bus) != 0 || my_buses.count(br.to_bus) != 0;
    const bool nobodys = subject_buses.count(br.from_bus) == 0 && subject_buses.count(br.to_bus) == 0;
    if (!mine && !nobodys) continue;
    const double limit = br.rate_a_mva;
    if (!(limit > 0.0)) continue;
    if (std::abs(flows[b]) > limit * (1.0 + 1e-9)) out.push_back({b, flows[b], limit});
  }
  return out;
}

}  // namespace ebsim::consensus
