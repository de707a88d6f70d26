#include "sim/grid_file.hpp"

#include <filesystem>

#include "models/grid/matpower.hpp"
#include "sim/input_error.hpp"
#include "sim/scenario_text.hpp"

namespace ebsim::sim {

grid::GridModel load_grid_file(const std::string& path) {
  const std::string text = read_text_file(path);
  if (looks_binary(text)) {
    throw InputError(path + ": cannot read: expected a MATPOWER case file (text), got binary (non-text) data");
  }
  try {
    return grid::parse_matpower(text, std::filesystem::path(path).stem().string());
  } catch (const grid::MatpowerError& error) {
    const std::string where = error.line() > 0 ? path + ":" + std::to_string(error.line()) : path;
    throw InputError(where + ": " + error.what());
  }
}

}  // namespace ebsim::sim
