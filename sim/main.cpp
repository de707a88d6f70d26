// ebsim command line: run, validate, report, compare, verify, opf.
//
// Exit codes: 0 success; 1 verify found the chain inconsistent; 2 bad input (scenario, CSV,
// trace, options); 3 the run failed (a conservation invariant broke, or an internal error).
// A failed run leaves no trace.
#include <CLI/CLI.hpp>
#include <simgrid/s4u.hpp>
#include <simgrid/version.h>
#include <xbt/log.h>

#include <filesystem>
#include <iostream>

#include "analysis/compare.hpp"
#include "analysis/report.hpp"
#include "ebsim_version.hpp"
#include "models/core/invariant.hpp"
#include "models/market/clearing_rule.hpp"
#include "sim/opf_command.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"
#include "sim/trace/trace_doc.hpp"
#include "sim/verify_command.hpp"

namespace {

constexpr int kExitInconsistent = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitRunFailed = 3;

std::string version_text() {
  return std::string("ebsim ") + ebsim::kVersion + " (SimGrid " + std::to_string(SIMGRID_VERSION_MAJOR) + "." +
         std::to_string(SIMGRID_VERSION_MINOR) + ")";
}

std::string default_trace_path(const ebsim::sim::Scenario& scenario) { return "results/" + scenario.name + ".h5"; }

int run_command(const std::string& file, const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed,
                std::string output, bool quiet) {
  const ebsim::sim::Scenario scenario = ebsim::sim::load_scenario(file, overrides, seed);
  for (const std::string& note : scenario.notes) std::cerr << "note: " << note << "\n";
  if (output.empty()) output = default_trace_path(scenario);
  const auto parent = std::filesystem::path(output).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) throw ebsim::sim::InputError(output + ": cannot create directory " + parent.string() + ": " + ec.message());
  }
  ebsim::sim::RunOptions options;
  options.trace_path = output;
  options.progress = !quiet;
  const ebsim::sim::RunOutcome outcome = ebsim::sim::run_scenario(scenario, options);
  const auto summary = ebsim::analysis::summarize_trace(outcome.trace_path);
  ebsim::analysis::print_summary(std::cout, summary, outcome.wall_time_s);
  std::cout << "trace: " << outcome.trace_path << "\n";
  return 0;
}

/** ebsim validate: check the scenario and overrides, print what would run. */
int validate_command(const std::string& file, const std::vector<std::string>& overrides,
                     std::optional<std::uint64_t> seed) {
  const auto scenario = ebsim::sim::load_scenario(file, overrides, seed);
  for (const std::string& note : scenario.notes) std::cerr << "note: " << note << "\n";
  std::cout << file << ": ok: scenario '" << scenario.name << "', " << scenario.participant_count()
            << " participants in " << scenario.groups.size() << " groups, " << scenario.interval_count()
            << " intervals\n";
  return 0;
}

/** ebsim compare: the traces' results side by side, labelled by file name. */
int compare_command(const std::vector<std::string>& files) {
  std::vector<ebsim::analysis::RunSummary> summaries;
  std::vector<std::string> labels;
  for (const std::string& path : files) {
    summaries.push_back(ebsim::analysis::summarize_trace(path));
    labels.push_back(std::filesystem::path(path).filename().string());
  }
  ebsim::analysis::print_comparison(std::cout, summaries, labels);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // SimGrid gets only its own --cfg=... and --log=... options (it would also answer --help
  // and --version itself); CLI11 gets everything else.
  std::vector<char*> engine_argv{argv[0]}, cli_argv{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    (arg.starts_with("--cfg=") || arg.starts_with("--log=") ? engine_argv : cli_argv).push_back(argv[i]);
  }
  int engine_argc = static_cast<int>(engine_argv.size());
  simgrid::s4u::Engine engine(&engine_argc, engine_argv.data());
  argc = static_cast<int>(cli_argv.size());
  argv = cli_argv.data();
  xbt_log_control_set("root.thresh:warning");  // SimGrid's configuration chatter is not results

  CLI::App app{"ebsim: discrete-event simulator of energy-blockchain markets.\n"
               "Scenario format: scenarios/README.md; trace format: docs/trace-format.md.\n"
               "Exit codes: 0 ok, 1 chain inconsistent (verify), 2 bad input, 3 run failed (invariant broken).",
               "ebsim"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);

  std::string file, output, trace_file;
  std::vector<std::string> overrides;
  std::optional<std::uint64_t> seed;
  bool quiet = false;

  auto* run = app.add_subcommand("run", "Simulate a scenario, write its HDF5 trace and print the results table.");
  run->add_option("scenario", file, "Scenario file (YAML)")->required();
  run->add_option("--seed", seed, "Override the scenario's random seed");
  run->add_option("-o,--output", output, "Trace path (default: results/<scenario name>.h5)");
  run->add_option("--set", overrides,
                  "Override a scenario value, e.g. --set market.interval=5min or "
                  "--set participants.households.count=100 (repeatable; validated like the file)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run->add_flag("-q,--quiet", quiet, "No progress bar");

  auto* validate = app.add_subcommand("validate", "Check a scenario file (and overrides) without running it.");
  validate->add_option("scenario", file, "Scenario file (YAML)")->required();
  validate->add_option("--seed", seed, "Override the scenario's random seed");
  validate->add_option("--set", overrides, "Override a scenario value (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);

  auto* report = app.add_subcommand("report", "Print the results table of a trace written by 'ebsim run'.");
  report->add_option("trace", trace_file, "HDF5 trace")->required();

  auto* verify = app.add_subcommand(
      "verify",
      "Recompute every hash, Merkle root, link and signature of the consortium chain in a trace. Exit 0 when "
      "intact, 1 with the first inconsistency (block, transaction, field). See docs/ledger.md.");
  verify->add_option("trace", trace_file, "HDF5 trace of a consortium run")->required();

  std::vector<std::string> compare_files;
  auto* compare = app.add_subcommand(
      "compare",
      "Print several traces' results side by side (e.g. the same scenario under the centralized and the "
      "consortium design; see docs/analysis.md).");
  compare->add_option("traces", compare_files, "HDF5 traces (two or more)")->required()->expected(2, 64);

  ebsim::sim::OpfCommandOptions opf_options;
  auto* opf = app.add_subcommand(
      "opf",
      "DC optimal power flow of a MATPOWER case (like MATPOWER's rundcopf, solved with COIN-OR Clp): prints a "
      "summary and writes buses.csv (LMPs, angles), generators.csv (dispatch) and branches.csv (flows, limits, "
      "shadow prices) to --out. Exit 3 when the case has no feasible dispatch. See docs/opf.md.");
  opf->add_option("case", opf_options.case_path, "MATPOWER case file (format version 2), e.g. scenarios/grids/case9.m")
      ->required();
  opf->add_option("--out", opf_options.out_dir, "Output directory for the CSV files (created if missing)")->required();

  std::string doc_file;
  bool doc_check = false;
  auto* trace_doc = app.add_subcommand("trace-doc", "Regenerate the column tables of docs/trace-format.md.");
  trace_doc->group("");  // hidden: for developers, after changing sim/trace/records.hpp
  trace_doc->add_option("doc", doc_file, "docs/trace-format.md")->required();
  trace_doc->add_flag("--check", doc_check, "Only check: exit 1 when the tables are out of date");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*run) return run_command(file, overrides, seed, output, quiet);
    if (*validate) return validate_command(file, overrides, seed);
    if (*opf) {
      ebsim::sim::run_opf_command(opf_options, std::cout);
      return 0;
    }
    if (*verify) {
      const ebsim::sim::VerifyOutcome outcome = ebsim::sim::verify_trace(trace_file);
      std::cout << trace_file << ": " << outcome.report << "\n";
      return outcome.intact ? 0 : kExitInconsistent;
    }
    if (*compare) return compare_command(compare_files);
    if (*trace_doc) return ebsim::trace::run_trace_doc_command(doc_file, doc_check, std::cout);
    if (*report) {
      ebsim::analysis::print_summary(std::cout, ebsim::analysis::summarize_trace(trace_file));
      return 0;
    }
  } catch (const ebsim::sim::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const ebsim::InvariantViolation& e) {
    std::cerr << "run failed: invariant violated: " << e.what() << "\n";
    return kExitRunFailed;
  } catch (const std::exception& e) {
    std::cerr << "run failed: " << e.what() << "\n";
    return kExitRunFailed;
  }
  return 0;
}
