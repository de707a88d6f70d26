#pragma once
/** Participant kinds by name: the seam a new kind of market participant plugs into.
 *
 * A kind is one file in sim/kinds/ (plus its model in models/agents/ when it has behaviour of
 * its own) that defines a ParticipantKind and registers it with one line:
 *
 *   const ParticipantKindRegistration<GeneratorKind> kRegistration;
 *
 * The kind names the group keys it reads, parses them into its KindSpec when the scenario is
 * read, and builds each member of its groups as an agents::MarketAgent when the run starts.
 * Nothing else changes: designs, settlement and trace hold participants as MarketAgent.
 */
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/agents/market_agent.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ebsim::sim {

namespace scenario_sections {
struct GroupContext;
}  // namespace scenario_sections

/** What the run knows when it builds one member of a group. */
struct MemberContext {
  const Scenario& scenario;
  trace::TraceWriter& writer;  // for a kind with trace tables of its own
  const ParticipantGroup& group;
  std::uint32_t member = 0;  // index within the group
};

/** One built member and what /participants records of it. */
struct Member {
  std::unique_ptr<agents::MarketAgent> agent;
  double pv_peak_kw = 0.0;            // rated rooftop PV (synthetic profiles), 0 if none
  double battery_capacity_kwh = 0.0;  // 0 without a battery
  double battery_power_kw = 0.0;
};

/** A kind's own part of a group, as read from the scenario, and how it builds the members. */
class KindSpec {
 public:
  virtual ~KindSpec() = default;
  /** Build member ctx.member from its kind-independent parameters (already configured by the design). */
  virtual Member make_member(const MemberContext& ctx, agents::AgentParams agent) const = 0;
};

/** A kind of participant, picked by `type:` in a participant group. */
class ParticipantKind {
 public:
  virtual ~ParticipantKind() = default;
  /** Its `type:` in scenarios. */
  virtual std::string_view name() const = 0;
  /** Its code in the trace's /groups.type column. */
  virtual std::uint8_t trace_code() const = 0;
  /** The group keys it reads itself (the common ones, name/type/count/network/bus/zone/management_node, are read for it). */
  virtual std::span<const std::string_view> keys() const = 0;
  /** Whether its members price orders with a bidding strategy (then `strategy:` applies to its groups). */
  virtual bool uses_strategy() const { return true; }
  /** Read its keys of one group. Throws InputError naming file, line and key. */
  virtual std::shared_ptr<const KindSpec> read(const scenario_yaml::MapView& group,
                                                   const scenario_sections::GroupContext& ctx) const = 0;
};

/** The kinds known to this build, by name. */
class ParticipantKindRegistry {
 public:
  /** The process-wide registry. */
  static ParticipantKindRegistry& instance();
  /** Add a kind. REQUIRES: its name is not taken. */
  void add(std::unique_ptr<ParticipantKind> kind);
  /** The kind called `name`, or null. */
  const ParticipantKind* find(std::string_view name) const;
  /** Every name, sorted (for error messages). */
  std::vector<std::string> names() const;
  /** Every key some kind reads, with the kinds that read it (for "does not apply" messages). */
  std::map<std::string_view, std::vector<std::string_view>> kind_keys() const;

 private:
  std::map<std::string, std::unique_ptr<ParticipantKind>, std::less<>> kinds_;
};

/** Registers a kind at static initialisation: one line in the kind's own file. */
template <typename Kind>
struct ParticipantKindRegistration {
  ParticipantKindRegistration() { ParticipantKindRegistry::instance().add(std::make_unique<Kind>()); }
};

}  // namespace ebsim::sim
