#include "sim/simulation.hpp"

#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>

#include "ebsim_version.hpp"
#include "models/agents/prosumer.hpp"
#include "models/agents/profiles.hpp"
#include "models/core/civil_time.hpp"
#include "models/core/invariant.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/exchange.hpp"
#include "sim/market_design.hpp"
#include "sim/platform.hpp"
#include "sim/runtime.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ebsim::sim {

namespace {

/** The registry's entry for the group's strategy (the scenario checked the name). */
const agents::StrategyRegistry::Entry& strategy_entry(const StrategySpec& spec) {
  const agents::StrategyRegistry::Entry* entry = agents::StrategyRegistry::instance().find(spec.type);
  if (entry == nullptr) throw std::logic_error("unknown strategy '" + spec.type + "'");
  return *entry;
}

/** Per-interval mean power of one member's profile. */
std::vector<double> member_profile(const Scenario& sc, const ProfileSpec& spec, bool is_pv, const std::string& stream,
                                   std::uint64_t member) {
  const std::int64_t start_local_s = sc.start_unix_s + sc.utc_offset_s;
  const std::uint32_t n = sc.interval_count();
  switch (spec.kind) {
    case ProfileSpec::Kind::kNone: return {};
    case ProfileSpec::Kind::kCsv: return spec.csv_power_kw;
    case ProfileSpec::Kind::kSynthetic: {
      Rng rng(sc.seed, stream, member);
      if (is_pv) {
        return agents::synthetic_pv_kw({spec.peak_power_kw, spec.noise, sc.site.latitude_deg}, start_local_s,
                                       sc.market.interval_s, n, rng);
      }
      return agents::synthetic_load_kw({spec.daily_energy_kwh, spec.noise}, start_local_s, sc.market.interval_s, n,
                                       rng);
    }
  }
  return {};
}

}  // namespace

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
  std::vector<agents::MarketAgent*> participants;
  participants.reserve(participant_count);
  ParticipantId id = 0;
  for (std::uint32_t g = 0; g < sc.groups.size(); ++g) {
    const ParticipantGroup& group = sc.groups[g];
    trace::GroupRecord gr;
    gr.group = g;
    copy_name(gr.name, group.name);
    gr.type = group.type == ParticipantType::kProsumer ? 0 : 1;
    gr.count = group.count;
    const agents::StrategyRegistry::Entry& strategy_kind = strategy_entry(group.strategy);
    gr.strategy = strategy_kind.trace_code;
    writer.add(gr);
    const auto strategy = strategy_kind.factory(group.strategy.params);
    const auto with_battery = static_cast<std::uint32_t>(std::llround(group.battery.share * group.count));
    for (std::uint32_t member = 0; member < group.count; ++member, ++id) {
      agents::AgentParams p;
      p.id = id;
      p.timing = timing;
      p.prices = {sc.utility.retail_per_kwh, sc.utility.feed_in_per_kwh};
      p.strategy = strategy;
      p.bid_bytes = sc.network.sizes.bid_bytes;
      agents::ProsumerParams h;
      h.load_kw = member_profile(sc, group.load, false, "load/" + group.name, member);
      h.pv_kw = member_profile(sc, group.pv, true, "pv/" + group.name, member);
      h.has_battery = group.battery.present && member < with_battery;
      h.battery = {group.battery.capacity_kwh, group.battery.power_kw, group.battery.efficiency};
      h.initial_soc_kwh = h.has_battery ? group.battery.initial_soc * group.battery.capacity_kwh : 0.0;
      design->configure_participant(p, group);
      const double pv_peak_kw = group.pv.kind == ProfileSpec::Kind::kSynthetic ? group.pv.peak_power_kw : 0.0;
      writer.add(trace::ParticipantRecord{id, g, id, pv_peak_kw, h.has_battery ? h.battery.capacity_kwh : 0.0,
                                          h.has_battery ? h.battery.power_kw : 0.0, group.access.latency_s,
                                          group.access.bandwidth_bytes_per_s});
      auto node = std::make_unique<agents::Prosumer>(std::move(p), std::move(h));
      participants.push_back(node.get());
      node->order_completed.connect([&writer](const agents::OrderOutcome& o) {
        writer.add(trace::OrderRecord{o.order.id, o.order.interval, o.order.participant,
                                      static_cast<std::uint8_t>(o.order.side), static_cast<std::uint8_t>(o.status),
                                      o.order.quantity_kwh, o.order.limit_price_per_kwh, o.order.submitted_s,
                                      o.order.arrived_s, o.matched_kwh, o.result_received_s});
      });
      runtime.add_node(std::move(node), platform.participants[id], "participant", id, 0);
    }
  }

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
