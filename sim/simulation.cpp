#include "sim/simulation.hpp"

#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>

#include "ebsim_version.hpp"
#include "models/core/civil_time.hpp"
#include "models/core/invariant.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/exchange.hpp"
#include "sim/market_design.hpp"
#include "sim/participants_setup.hpp"
#include "sim/platform.hpp"
#include "sim/runtime.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ebsim::sim {

RunOutcome run_scenario(const Scenario& sc, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  auto rule = market::ClearingRuleRegistry::instance().create(sc.market.clearing_rule, sc.market.clearing_params);
  if (!rule) throw InputError("unknown clearing rule '" + sc.market.clearing_rule + "'");

  // The trace is opened first: an unwritable output path is bad input, found before any work.
  std::unique_ptr<trace::TraceWriter> writer_owner;
  try {
    writer_owner = std::make_unique<trace::TraceWriter>(options.trace_path);
  } catch (const std::runtime_error& e) {
    throw InputError(options.trace_path + ": cannot write the trace: " + e.what());
  }
  trace::TraceWriter& writer = *writer_owner;
  const std::unique_ptr<DesignRun> design = make_market_design(sc);

  configure_engine(sc);
  const Platform platform = build_platform(sc);

  market::MarketTiming timing;
  timing.interval_s = sc.market.interval_s;
  timing.gate_closure_s = sc.market.gate_closure_s;
  timing.bid_window_s = sc.market.bid_window_s;
  timing.intervals = sc.interval_count();

  // The grid as grid-aware rules see it: each participant at its group's bus, or in its group's zone.
  std::unique_ptr<grid::GridView> grid_view;
  if (sc.grid.present && sc.grid.zonal) {
    std::vector<std::size_t> participant_zone;
    participant_zone.reserve(sc.participant_count());
    for (const ParticipantGroup& group : sc.groups) participant_zone.insert(participant_zone.end(), group.count, group.zone);
    grid_view = std::make_unique<grid::GridView>(sc.grid.zonal_model, std::move(participant_zone), timing.interval_s / 3600.0);
  } else if (sc.grid.present) {
    std::vector<int> participant_bus;
    participant_bus.reserve(sc.participant_count());
    for (const ParticipantGroup& group : sc.groups) participant_bus.insert(participant_bus.end(), group.count, group.bus);
    grid_view = std::make_unique<grid::GridView>(sc.grid.model, std::move(participant_bus), timing.interval_s / 3600.0);
  }

  RuntimeOptions runtime_options;
  runtime_options.seed = sc.seed;
  runtime_options.max_parallel_sends = sc.network.max_parallel_sends;
  runtime_options.uncontended_bytes = sc.network.uncontended_below_bytes;
  runtime_options.progress = options.progress;
  runtime_options.progress_end_s = timing.delivery_end_s(timing.intervals - 1);
  runtime_options.role_names = design->roles();
  Runtime runtime(runtime_options, platform.control);

  // Participants are nodes 0..N-1 (node id == participant id); the market's nodes come after.
  const auto participant_count = static_cast<NodeId>(sc.participant_count());
  const std::vector<agents::MarketAgent*> participants = add_participants(sc, timing, *design, runtime, platform, writer);

  RunContext run{sc,   writer, runtime, platform, timing, grid_view.get(), *rule, participants,
                 [&sc, &timing](IntervalIndex k) {
                   return "interval " + std::to_string(k) + " (delivery from " +
                          format_iso8601(sc.start_unix_s + std::llround(k * timing.interval_s), sc.utc_offset_s) +
                          ")";
                 }};
  design->add_market_nodes(run);

  runtime.run();
  if (runtime.failure()) throw InvariantViolation(*runtime.failure());
  design->finish(run);

  for (int t = 0; t < kMessageTypeCount; ++t) {
    const MessageStats& ms = runtime.message_stats()[t];
    if (ms.count == 0 && ms.lost == 0) continue;  // only the design's own message types
    trace::MessageStatRecord row;
    copy_name(row.type, std::string(message_type_name(static_cast<MessageType>(t))));
    row.count = ms.count;
    row.bytes = ms.bytes;
    row.mean_transfer_s = ms.count ? ms.transfer_sum_s / ms.count : 0.0;
    row.max_transfer_s = ms.transfer_max_s;
    row.lost = ms.lost;
    writer.add(row);
  }
  const std::vector<std::string> roles = design->roles();
  for (const LinkStats& ls : runtime.link_stats()) {
    trace::LinkMessageRecord row;
    copy_name(row.type, std::string(message_type_name(ls.type)));
    copy_name(row.from_role, roles.at(ls.from_role));
    copy_name(row.to_role, roles.at(ls.to_role));
    row.count = ls.stats.count;
    row.bytes = ls.stats.bytes;
    row.lost = ls.stats.lost;
    row.mean_transfer_s = ls.stats.count ? ls.stats.transfer_sum_s / ls.stats.count : 0.0;
    row.max_transfer_s = ls.stats.transfer_max_s;
    writer.add(row);
  }
  trace::RunMetadata meta;
  meta.ebsim_version = kVersion;
  meta.scenario_name = sc.name;
  meta.scenario_file = sc.source_path;
  meta.scenario_yaml = sc.yaml_as_run;
  meta.seed = sc.seed;
  design->fill_metadata(meta);
  meta.clearing_rule = sc.market.clearing_rule;
  meta.network_model = platform.network_model;
  meta.currency = sc.currency;
  meta.start_iso = sc.start_iso;
  meta.interval_s = timing.interval_s;
  meta.interval_count = timing.intervals;
  meta.participant_count = participant_count;
  meta.simulated_end_s = simgrid::s4u::Engine::get_clock();
  meta.events = runtime.events();
  writer.commit(meta);

  RunOutcome outcome;
  outcome.trace_path = options.trace_path;
  outcome.events = runtime.events();
  outcome.peak_couriers = runtime.courier_count();
  outcome.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return outcome;
}

}  // namespace ebsim::sim
