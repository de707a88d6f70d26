// The participant kinds "prosumer" (load, optional rooftop PV and battery) and "consumer" (load
// only): households, models/agents/prosumer.hpp.
#include <cmath>

#include "models/agents/prosumer.hpp"
#include "sim/kinds/member_profile.hpp"
#include "sim/kinds/household.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim {

Member HouseholdSpec::make_member(const MemberContext& ctx, agents::AgentParams agent) const {
  const ParticipantGroup& group = ctx.group;
  const auto with_battery = static_cast<std::uint32_t>(std::llround(battery.share * group.count));
  agents::ProsumerParams h;
  h.load_kw = member_profile_kw(ctx.scenario, load, ProfileShape::kLoad, "load/" + group.name, ctx.member);
  h.pv_kw = member_profile_kw(ctx.scenario, pv, ProfileShape::kSolar, "pv/" + group.name, ctx.member);
  h.has_battery = battery.present && ctx.member < with_battery;
  h.battery = {battery.capacity_kwh, battery.power_kw, battery.efficiency};
  h.initial_soc_kwh = h.has_battery ? battery.initial_soc * battery.capacity_kwh : 0.0;
  Member m;
  m.pv_peak_kw = pv.kind == ProfileSpec::Kind::kSynthetic ? pv.peak_power_kw : 0.0;
  m.battery_capacity_kwh = h.has_battery ? h.battery.capacity_kwh : 0.0;
  m.battery_power_kw = h.has_battery ? h.battery.power_kw : 0.0;
  m.agent = std::make_unique<agents::Prosumer>(std::move(agent), std::move(h));
  return m;
}

namespace {

using scenario_sections::ProfileRole;

std::shared_ptr<HouseholdSpec> read_household(const scenario_yaml::MapView& map,
                                              const scenario_sections::GroupContext& ctx) {
  auto spec = std::make_shared<HouseholdSpec>();
  spec->load = scenario_sections::read_profile(map.required("load", "a mapping with profile: synthetic or csv"),
                                               ProfileRole::kLoad, ctx);
  if (auto pv = map.find("pv")) spec->pv = scenario_sections::read_profile(*pv, ProfileRole::kPv, ctx);
  if (auto battery = map.find("battery")) spec->battery = scenario_sections::read_battery(*battery);
  return spec;
}

/** A household with a load and, optionally, rooftop PV and a home battery. */
class ProsumerKind final : public ParticipantKind {
 public:
  std::string_view name() const override { return "prosumer"; }
  std::uint8_t trace_code() const override { return 0; }
  std::span<const std::string_view> keys() const override { return kKeys; }
  std::shared_ptr<const KindSpec> read(const scenario_yaml::MapView& map,
                                       const scenario_sections::GroupContext& ctx) const override {
    return read_household(map, ctx);
  }

 private:
  static constexpr std::string_view kKeys[]{"load", "pv", "battery"};
};

/** A household with a load only. */
class ConsumerKind final : public ParticipantKind {
 public:
  std::string_view name() const override { return "consumer"; }
  std::uint8_t trace_code() const override { return 1; }
  std::span<const std::string_view> keys() const override { return kKeys; }
  std::shared_ptr<const KindSpec> read(const scenario_yaml::MapView& map,
                                       const scenario_sections::GroupContext& ctx) const override {
    return read_household(map, ctx);  // pv and battery are not its keys: rejected before this
  }

 private:
  static constexpr std::string_view kKeys[]{"load"};
};

const ParticipantKindRegistration<ProsumerKind> kProsumer;
const ParticipantKindRegistration<ConsumerKind> kConsumer;

}  // namespace
}  // namespace ebsim::sim
