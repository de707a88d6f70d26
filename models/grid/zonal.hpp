#pragma once
/** The zonal grid model (SPEC §2.3, the transnational case): zones (countries, areas) joined by
 * tie-lines with a transfer capacity, and nothing inside a zone. Transfers are checked as a
 * transport problem: a set of net exports is feasible if a flow on the tie-lines, within their
 * capacities (in either direction), carries every exporting zone's surplus to the importing
 * zones. This is the "available transfer capacity" view of market coupling, not a physical
 * (PTDF) flow: for that, use the bus-branch model in dc_network.hpp. Boost.Graph for topology
 * and max-flow. */
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "models/grid/grid_model.hpp"

namespace ebsim::grid {

/** Capacity of a tie-line without a limit. */
inline constexpr double kUnlimitedMw = std::numeric_limits<double>::infinity();

/** A zone: a country's or area's trading region. */
struct Zone {
  int id = 0;        // e.g. the MATPOWER area number, or a scenario's zone number
  std::string name;  // e.g. "area 2", "DE"
};

/** A tie-line (or a bundle of them) between two zones; usable in both directions. */
struct TieLine {
  std::size_t from_zone = 0;  // position in ZonalModel::zones
  std::size_t to_zone = 0;    // position in ZonalModel::zones
  double capacity_mw = 0.0;   // transfer capacity each way; kUnlimitedMw for none
};

/** Zones and tie-lines. Parallel tie-lines between the same zones add up. */
struct ZonalModel {
  std::vector<Zone> zones;
  std::vector<TieLine> tie_lines;
};

/** One zone per bus area (ascending area number, named "area <n>"); one tie-line per pair of
 * areas joined by in-service branches (as in_dc_network), from the lower to the higher area,
 * with capacity the sum of those branches' RATE_A, or kUnlimitedMw if any has RATE_A 0. */
ZonalModel zonal_from_areas(const GridModel& grid);

/** Throws std::invalid_argument naming the problem if two zones share an id, or a tie-line names
 * a zone that does not exist, joins a zone to itself, or has a negative or NaN capacity. */
void validate(const ZonalModel& zonal);

/** For each zone, the zones it shares a tie-line with (ascending positions, no repeats). */
std::vector<std::vector<std::size_t>> zone_adjacency(const ZonalModel& zonal);

/** For each zone, its connected component over the tie-lines (Boost.Graph connected_components),
 * numbered by lowest zone position. */
std::vector<int> zone_components(const ZonalModel& zonal);

/** Whether every zone can reach every other over tie-lines (true for zero or one zone). */
bool zones_connected(const ZonalModel& zonal);

/** The outcome of check_transfers. */
struct TransferCheck {
  bool feasible = false;              // the tie-lines can carry all exports to the importers
  double total_export_mw = 0.0;       // sum of the positive net exports
  double max_transfer_mw = 0.0;       // the most the tie-lines can carry (= total when feasible)
  /** Per tie-line: one flow pattern (MW, positive from_zone -> to_zone) carrying
   * max_transfer_mw; one of possibly many, not a physical flow. */
  std::vector<double> tie_line_flow_mw;
  /** Tie-lines that limit the transfer (empty when feasible): those crossing the minimum cut
   * next to the exporters (the zones the exporters can still reach over tie-lines with spare
   * capacity on one side, the rest on the other), each full towards the other side. More
   * capacity on them, or another path, is needed for the exports to fit. Empty too when the
   * exporters have no tie-line path at all to the importers (disconnected zones). */
  std::vector<std::size_t> congested_tie_lines;
  /** Per zone: on the exporters' side of that minimum cut (empty when feasible). The zones on
   * this side together export more than the congested tie-lines can carry out of them. */
  std::vector<bool> exporter_side;
};

/** Can the tie-lines carry these net exports (MW per zone position, positive = export,
 * negative = import)? Max-flow (Boost's push-relabel) from a super-source feeding each exporter
 * its export to a super-sink fed by each importer's import; feasible iff the max flow equals the
 * total export (to 1e-9 of it). Works for radial and meshed zone graphs.
 * Throws std::invalid_argument if the vector's size is not the zone count, a value is not
 * finite, the exports and imports do not balance (to 1e-6 of the total export, at least
 * 1e-6 MW), or the model is invalid (see validate). */
TransferCheck check_transfers(const ZonalModel& zonal, const std::vector<double>& net_export_mw_per_zone);

}  // namespace ebsim::grid
