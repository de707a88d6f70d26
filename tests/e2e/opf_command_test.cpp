// End-to-end tests of `ebsim opf`: the CSV files of case9 against the printed summary, and the
// exit codes for bad input (2) and a case without optimum (3).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/cli_runner.hpp"

namespace ebsim::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kCase9 = "scenarios/grids/case9.m";

struct Csv {
  std::string header;
  std::vector<std::vector<std::string>> rows;
};

Csv read_csv(const fs::path& path) {
  Csv csv;
  std::istringstream in(read_file(path));
  std::string line;
  std::getline(in, csv.header);
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cells_in(line);
    std::string cell;
    while (std::getline(cells_in, cell, ',')) cells.push_back(cell);
    csv.rows.push_back(cells);
  }
  return csv;
}

/** The number after `label` in the summary (e.g. "total load:"). */
double summary_value(const std::string& out, const std::string& label) {
  const std::regex re(label + R"(\s+(-?[0-9]+(\.[0-9]+)?))");
  std::smatch m;
  if (!std::regex_search(out, m, re)) {
    ADD_FAILURE() << "no '" << label << "' in:\n" << out;
    return NAN;
  }
  return std::stod(m[1]);
}

TEST(OpfCommand, Case9WritesConsistentCsvFiles) {
  const fs::path dir = fresh_dir("opf-case9") / "out";  // created by the command
  const CliResult r = run_cli(std::string("opf ") + kCase9 + " --out '" + dir.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* label : {"case:", "buses:", "generators:", "branches:", "total cost:", "total load:", "LMP:",
                            "binding branches:"})
    EXPECT_NE(r.out.find(label), std::string::npos) << label << "\n" << r.out;
  EXPECT_NE(r.out.find("case9"), std::string::npos) << r.out;

  const Csv buses = read_csv(dir / "buses.csv");
  const Csv gens = read_csv(dir / "generators.csv");
  const Csv branches = read_csv(dir / "branches.csv");
  EXPECT_EQ(buses.header, "bus,lmp_per_mwh,angle_deg");
  EXPECT_EQ(gens.header, "generator,bus,pg_mw,pmin_mw,pmax_mw");
  EXPECT_EQ(branches.header, "branch,from_bus,to_bus,flow_mw,limit_mw,binding,shadow_price_per_mwh");
  ASSERT_EQ(buses.rows.size(), 9u);
  ASSERT_EQ(gens.rows.size(), 3u);
  ASSERT_EQ(branches.rows.size(), 9u);
  for (const auto& row : buses.rows) ASSERT_EQ(row.size(), 3u);
  for (const auto& row : gens.rows) ASSERT_EQ(row.size(), 5u);
  for (const auto& row : branches.rows) ASSERT_EQ(row.size(), 7u);
  // Fixed decimals.
  const std::regex six_decimals(R"(-?[0-9]+\.[0-9]{6})");
  EXPECT_TRUE(std::regex_match(buses.rows[0][1], six_decimals)) << buses.rows[0][1];
  EXPECT_TRUE(std::regex_match(gens.rows[0][2], six_decimals)) << gens.rows[0][2];
  EXPECT_TRUE(std::regex_match(branches.rows[0][3], six_decimals)) << branches.rows[0][3];

  // Bus numbers, reference angle (bus 1 at 0 degrees), and the LMP statistics of the summary.
  double lmp_min = 1e300, lmp_max = -1e300, lmp_sum = 0.0;
  for (std::size_t i = 0; i < buses.rows.size(); ++i) {
    EXPECT_EQ(buses.rows[i][0], std::to_string(i + 1));
    const double lmp = std::stod(buses.rows[i][1]);
    lmp_min = std::min(lmp_min, lmp);
    lmp_max = std::max(lmp_max, lmp);
    lmp_sum += lmp;
  }
  EXPECT_EQ(buses.rows[0][2], "0.000000");
  EXPECT_NEAR(summary_value(r.out, "LMP: +min"), lmp_min, 0.006);
  EXPECT_NEAR(summary_value(r.out, "mean"), lmp_sum / 9.0, 0.006);
  EXPECT_NEAR(summary_value(r.out, "max"), lmp_max, 0.006);

  // DC: generation == load (315 MW in case9), and equals the summary's total load.
  double generation_mw = 0.0;
  for (const auto& row : gens.rows) {
    const double pg = std::stod(row[2]), pmin = std::stod(row[3]), pmax = std::stod(row[4]);
    EXPECT_GE(pg, pmin - 1e-6);
    EXPECT_LE(pg, pmax + 1e-6);
    generation_mw += pg;
  }
  EXPECT_NEAR(generation_mw, 315.0, 1e-5);
  EXPECT_NEAR(summary_value(r.out, "total load:"), 315.0, 1e-9);
  EXPECT_NEAR(summary_value(r.out, "total generation:"), generation_mw, 0.006);

  // Total cost from the dispatch and case9's gencost rows (a Pg^2 + b Pg + c).
  const double a[] = {0.11, 0.085, 0.1225}, b[] = {5.0, 1.2, 1.0}, c[] = {150.0, 600.0, 335.0};
  double cost = 0.0;
  for (std::size_t g = 0; g < 3; ++g) {
    const double pg = std::stod(gens.rows[g][2]);
    cost += a[g] * pg * pg + b[g] * pg + c[g];
  }
  EXPECT_NEAR(summary_value(r.out, "total cost:"), cost, 0.006);

  // Branches: flows within limits, binding flags agree with the summary's count.
  int binding = 0;
  for (const auto& row : branches.rows) {
    const double flow = std::stod(row[3]), limit = std::stod(row[4]);
    if (limit > 0.0) {
      EXPECT_LE(std::abs(flow), limit + 1e-6);
    }
    ASSERT_TRUE(row[5] == "0" || row[5] == "1") << row[5];
    binding += row[5] == "1";
    if (row[5] == "0") {
      EXPECT_EQ(row[6], "0.000000");
    }
  }
  EXPECT_EQ(summary_value(r.out, "binding branches:"), binding);

  // Deterministic: a second run writes the same bytes.
  const fs::path again = fresh_dir("opf-case9-again");
  ASSERT_EQ(run_cli(std::string("opf ") + kCase9 + " --out '" + again.string() + "'").exit_code, 0);
  for (const char* name : {"buses.csv", "generators.csv", "branches.csv"})
    EXPECT_EQ(read_file(dir / name), read_file(again / name)) << name;
}

TEST(OpfCommand, HelpDescribesTheCommand) {
  const CliResult help = run_cli("opf --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--out"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("MATPOWER"), std::string::npos) << help.out;
  EXPECT_NE(run_cli("--help").out.find("opf"), std::string::npos);
}

TEST(OpfCommand, MalformedCaseIsBadInput) {
  const fs::path dir = fresh_dir("opf-malformed");
  const fs::path bad = dir / "broken.m";
  std::ofstream(bad) << "function mpc = broken\nmpc.version = '2';\nmpc.baseMVA = 100;\nmpc.bus = [\n"
                        "\t1\t3\t0\t0\t0\t0\t1\t1\tzero\t345\t1\t1.1\t0.9;\n];\n";
  const CliResult r = run_cli("opf '" + bad.string() + "' --out '" + (dir / "out").string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("broken.m"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out" / "buses.csv"));
}

TEST(OpfCommand, MissingCaseFileOrOptionIsBadInput) {
  const fs::path dir = fresh_dir("opf-missing");
  const CliResult missing = run_cli("opf no/such/case.m --out '" + dir.string() + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no/such/case.m"), std::string::npos) << missing.err;
  EXPECT_EQ(run_cli(std::string("opf ") + kCase9).exit_code, 2);  // --out is required
}

TEST(OpfCommand, UnwritableOutputIsBadInput) {
  // A regular file where the output directory should be.
  const fs::path dir = fresh_dir("opf-unwritable");
  std::ofstream(dir / "file") << "x";
  const CliResult r = run_cli(std::string("opf ") + kCase9 + " --out '" + (dir / "file" / "out").string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("out"), std::string::npos) << r.err;
}

TEST(OpfCommand, InfeasibleCaseExitsThree) {
  // case9 with 1000 MW more load at bus 5 than its 820 MW of generation can serve.
  const fs::path dir = fresh_dir("opf-infeasible");
  std::string text = read_file(fs::path(EBSIM_SOURCE_DIR) / kCase9);
  const std::string bus5 = "\t5\t1\t90\t";
  const auto at = text.find(bus5);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, bus5.size(), "\t5\t1\t1090\t");
  std::ofstream(dir / "case9_overloaded.m") << text;
  const CliResult r =
      run_cli("opf '" + (dir / "case9_overloaded.m").string() + "' --out '" + (dir / "out").string() + "'");
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("infeasible"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out" / "buses.csv"));
}

}  // namespace
}  // namespace ebsim::test
