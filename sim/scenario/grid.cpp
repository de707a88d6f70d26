// grid: the physical grid (a MATPOWER case, or zones), and its security check.
#include <algorithm>

#include "models/core/units.hpp"
#include "sim/grid_file.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kGridKeys[]{"file", "zones", "tie_lines", "security_check", "case_units"};
}  // namespace

std::span<const std::string_view> grid_keys() { return kGridKeys; }

GridSpec read_grid(const Value& value, const std::filesystem::path& scenario_dir) {
  constexpr std::string_view kExpected = "a path to a MATPOWER case file, relative to the scenario file";
  GridSpec grid;
  const MapView map(value, kGridKeys);
  if (map.find("zones")) {
    map.reject("file", "grid.zones (a zonal grid)", "bus-branch grids, without zones and tie_lines");
    map.reject("case_units", "grid.zones (a zonal grid, which has no generators or loads of its own)",
               "bus-branch grids: grid: {file: ...} with market.clearing: nodal");
    read_zonal_grid(map, grid);
    grid.present = true;
  } else {
    map.reject("tie_lines", "no grid.zones", "zonal grids: grid: {zones: [...], tie_lines: [...]}");
    const Value file = map.required(
        "file", std::string(kExpected) + " (or zones: [...] and tie_lines: [...] for a zonal grid)");
    const std::string name = file.text(kExpected);
    file.require(!name.empty(), kExpected);
    grid.present = true;
    grid.file_path = (scenario_dir / name).lexically_normal().string();
    try {
      grid.model = load_grid_file(grid.file_path);
    } catch (const InputError& error) {
      throw InputError(std::string(error.what()) + " (the grid named by " + file.key() + " at " + file.where() + ")");
    }
    if (auto units = map.find("case_units")) grid.case_units = units->choice({"exclude", "include"}) == "include";
  }
  if (auto check = map.find("security_check")) {
    const std::string option = check->choice({"none", "cancel_last", "reopen"});
    if (option == "cancel_last") {
      grid.security_check = market::SecurityCheck::kCancelLast;
      grid.security_option = consensus::SecurityOption::kCancelLast;
    } else if (option == "reopen") {
      grid.security_check = market::SecurityCheck::kCancelLast;
      grid.security_option = consensus::SecurityOption::kReopen;
    }
  }
  return grid;
}

}  // namespace ebsim::sim::scenario_sections
