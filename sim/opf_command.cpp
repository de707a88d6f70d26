// `ebsim opf`: solve a MATPOWER case's DC OPF, print a summary and write CSV files.
#include "sim/opf_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <ostream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "sim/grid_file.hpp"
#include "sim/input_error.hpp"

namespace ebsim::sim {
namespace {

namespace fs = std::filesystem;

constexpr double kDegPerRad = 180.0 / std::numbers::pi;

/** Fixed decimals, and never "-0.000000". */
std::string fixed(double value, int decimals = 6) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string text = buf;
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

/** Pd + Gs over the buses in the model (an isolated bus's load is not served). */
double total_load_mw(const grid::GridModel& grid) {
  double load_mw = 0.0;
  for (const grid::Bus& bus : grid.buses)
    if (bus.type != grid::BusType::kIsolated) load_mw += bus.pd_mw + bus.gs_mw;
  return load_mw;
}

std::string buses_csv(const grid::GridModel& grid, const grid::DcOpfResult& r) {
  std::ostringstream s;
  s << "bus,lmp_per_mwh,angle_deg\n";
  for (std::size_t i = 0; i < grid.buses.size(); ++i)
    s << grid.buses[i].id << ',' << fixed(r.lmp_per_mwh[i]) << ',' << fixed(r.theta_rad[i] * kDegPerRad) << '\n';
  return s.str();
}

std::string generators_csv(const grid::GridModel& grid, const grid::DcOpfResult& r) {
  std::ostringstream s;
  s << "generator,bus,pg_mw,pmin_mw,pmax_mw\n";
  for (std::size_t g = 0; g < grid.generators.size(); ++g) {
    const grid::Generator& gen = grid.generators[g];
    s << g + 1 << ',' << gen.bus << ',' << fixed(r.pg_mw[g]) << ',' << fixed(gen.pmin_mw) << ','
      << fixed(gen.pmax_mw) << '\n';
  }
  return s.str();
}

std::string branches_csv(const grid::GridModel& grid, const grid::DcOpfResult& r) {
  std::ostringstream s;
  s << "branch,from_bus,to_bus,flow_mw,limit_mw,binding,shadow_price_per_mwh\n";
  for (std::size_t k = 0; k < grid.branches.size(); ++k) {
    const grid::Branch& br = grid.branches[k];
    s << k + 1 << ',' << br.from_bus << ',' << br.to_bus << ',' << fixed(r.branch_flow_mw[k]) << ','
      << fixed(br.rate_a_mva) << ',' << (r.branch_binding[k] ? 1 : 0) << ','
      << fixed(r.branch_shadow_price_per_mwh[k]) << '\n';
  }
  return s.str();
}

}  // namespace

void print_opf_summary(std::ostream& out, const grid::GridModel& grid, const grid::DcOpfResult& r) {
  auto in_service = [](const auto& items) {
    return std::count_if(items.begin(), items.end(), [](const auto& item) { return item.in_service; });
  };
  double generation_mw = 0.0;
  for (double pg : r.pg_mw) generation_mw += pg;
  double lmp_min = 0.0, lmp_max = 0.0, lmp_sum = 0.0;
  if (!r.lmp_per_mwh.empty()) {
    lmp_min = *std::min_element(r.lmp_per_mwh.begin(), r.lmp_per_mwh.end());
    lmp_max = *std::max_element(r.lmp_per_mwh.begin(), r.lmp_per_mwh.end());
    for (double lmp : r.lmp_per_mwh) lmp_sum += lmp;
  }
  const double lmp_mean = r.lmp_per_mwh.empty() ? 0.0 : lmp_sum / static_cast<double>(r.lmp_per_mwh.size());
  const auto binding = std::count(r.branch_binding.begin(), r.branch_binding.end(), true);

  out << "case:             " << grid.name << "\n"
      << "buses:            " << grid.buses.size() << "\n"
      << "generators:       " << grid.generators.size() << " (" << in_service(grid.generators) << " in service)\n"
      << "branches:         " << grid.branches.size() << " (" << in_service(grid.branches) << " in service)\n"
      << "total cost:       " << fixed(r.objective_per_h, 2) << " $/h\n"
      << "total load:       " << fixed(total_load_mw(grid), 2) << " MW\n"
      << "total generation: " << fixed(generation_mw, 2) << " MW\n"
      << "LMP:              min " << fixed(lmp_min, 2) << ", mean " << fixed(lmp_mean, 2) << ", max "
      << fixed(lmp_max, 2) << " $/MWh\n"
      << "binding branches: " << binding << "\n";
  for (std::size_t k = 0; k < grid.branches.size(); ++k) {
    if (!r.branch_binding[k]) continue;
    const grid::Branch& br = grid.branches[k];
    out << "  branch " << k + 1 << " (" << br.from_bus << " -> " << br.to_bus << "): flow "
        << fixed(r.branch_flow_mw[k], 2) << " MW, limit " << fixed(br.rate_a_mva, 2) << " MW, shadow price "
        << fixed(r.branch_shadow_price_per_mwh[k], 2) << " $/MWh\n";
  }
}

void write_opf_csv(const std::string& out_dir, const grid::GridModel& grid, const grid::DcOpfResult& result) {
  const fs::path dir(out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError(out_dir + ": cannot create the output directory" + (ec ? ": " + ec.message() : std::string()));
  const std::vector<std::pair<std::string, std::string>> files = {
      {"buses.csv", buses_csv(grid, result)},
      {"generators.csv", generators_csv(grid, result)},
      {"branches.csv", branches_csv(grid, result)},
  };
  // Write everything to temporary names first, then rename: a failure leaves no file looking complete.
  std::vector<fs::path> written;
  auto discard = [&] {
    for (const fs::path& tmp : written) fs::remove(tmp, ec);
  };
  for (const auto& [name, text] : files) {
    const fs::path tmp = dir / (name + ".tmp");
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    if (file) written.push_back(tmp);
    file << text;
    file.close();
    if (!file) {
      discard();
      throw InputError((dir / name).string() + ": cannot write");
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    fs::rename(written[i], dir / files[i].first, ec);
    if (ec) {
      for (std::size_t j = 0; j < i; ++j) fs::remove(dir / files[j].first, ec);
      discard();
      throw InputError((dir / files[i].first).string() + ": cannot write: " + ec.message());
    }
  }
}

void run_opf_command(const OpfCommandOptions& options, std::ostream& out) {
  const grid::GridModel grid = load_grid_file(options.case_path);
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);  // early, so that a bad --out is reported before solving
  if (ec || !fs::is_directory(options.out_dir))
    throw InputError(options.out_dir + ": cannot create the output directory" + (ec ? ": " + ec.message() : std::string()));
  grid::DcOpfResult result;
  try {
    result = grid::solve_dc_opf(grid);
  } catch (const std::invalid_argument& e) {
    throw InputError(options.case_path + ": " + e.what());  // e.g. a cost the DC OPF cannot take
  }
  if (!result.optimal)
    throw OpfFailed(options.case_path + ": the DC OPF has no optimum: " + result.status +
                    (result.status == "infeasible"
                         ? " (the load cannot be served within the generator and branch limits)"
                         : ""));
  write_opf_csv(options.out_dir, grid, result);
  print_opf_summary(out, grid, result);
  out << "output:           " << (fs::path(options.out_dir) / "{buses,generators,branches}.csv").string() << "\n";
}

}  // namespace ebsim::sim
