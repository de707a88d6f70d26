#pragma once
/** The seam between the common run (participants, platform, runtime, trace) and each market
 * design: the design adds its market nodes, tells participants where to send orders, and after
 * the engine ran checks its own invariants and writes its own trace rows. One file per design
 * (sim/centralized_design.cpp, sim/consortium_design.cpp, sim/p2p_design.cpp), each registered in
 * MarketDesignRegistry (sim/market_design_registry.hpp) and chosen by make_market_design. */
#include <memory>
#include <string>
#include <vector>

#include "models/agents/market_agent.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/exchange.hpp"
#include "models/market/timing.hpp"
#include "sim/platform.hpp"
#include "sim/runtime.hpp"
#include "sim/scenario.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ebsim::sim {

/** What a design sees of the run. */
struct RunContext {
  const Scenario& scenario;
  trace::TraceWriter& writer;
  Runtime& runtime;
  const Platform& platform;
  const market::MarketTiming& timing;
  const grid::GridView* grid;             // null without a grid
  const market::ClearingRule& rule;
  const std::vector<agents::MarketAgent*>& participants;  // index = participant id = node id
  std::function<std::string(IntervalIndex)> interval_label;
};

class DesignRun {
 public:
  virtual ~DesignRun() = default;
  /** Kinds of runtime node, for traffic by link; participants are role 0 ("participant"). */
  virtual std::vector<std::string> roles() const = 0;
  /** Called for each participant before it is created (where orders go, crypto, ...). */
  virtual void configure_participant(agents::AgentParams& params, const ParticipantGroup& group) = 0;
  /** Add the market's own nodes; participants are nodes 0..N-1 already. */
  virtual void add_market_nodes(RunContext& run) = 0;
  /** After the engine ran: check the design's invariants (throw InvariantViolation) and write its rows. */
  virtual void finish(RunContext& run) = 0;
  /** Design-specific run metadata. */
  virtual void fill_metadata(trace::RunMetadata& metadata) const = 0;
};

/** The design the scenario asks for. */
std::unique_ptr<DesignRun> make_market_design(const Scenario& scenario);
std::unique_ptr<DesignRun> make_centralized_design(const Scenario& scenario);
std::unique_ptr<DesignRun> make_consortium_design(const Scenario& scenario);
std::unique_ptr<DesignRun> make_p2p_design(const Scenario& scenario);

/** Trace rows of one settled interval (trades, settlement lines, security iterations, line flows
 * when `grid` is given, totals); `objecting_node` fills SecurityCheckRecord::node for every
 * iteration given. */
void record_settlement(trace::TraceWriter& writer, const Scenario& scenario, const market::MarketTiming& timing,
                       const grid::GridView* grid, const market::ClearedInterval& cleared,
                       const market::IntervalSettlement& settlement,
                       const std::vector<std::uint32_t>& objecting_node = {});

/** Copy `src` into a fixed-length trace name (cut if longer, NUL-padded). */
void copy_name(char (&dst)[trace::kNameLength], const std::string& src);

}  // namespace ebsim::sim
