// The participant kind "generator": a power plant offering its capacity at a cost (wind farm,
// PV farm, hydro or thermal plant), models/agents/generator.hpp.
#include <algorithm>

#include "models/agents/generator.hpp"
#include "models/core/units.hpp"
#include "sim/kinds/generator.hpp"
#include "sim/kinds/member_profile.hpp"
#include "sim/participant_kind.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim {

Member PlantSpec::make_member(const MemberContext& ctx, agents::AgentParams agent) const {
  agents::GeneratorParams plant;
  plant.technology = technology;
  if (output.kind == ProfileSpec::Kind::kNone) {
    plant.available_kw.assign(ctx.scenario.interval_count(), capacity_kw);
  } else {
    plant.available_kw = member_profile_kw(ctx.scenario, output, ProfileShape::kSolar, "output/" + ctx.group.name,
                                           ctx.member);
  }
  plant.marginal_cost_per_kwh = marginal_cost_per_kwh;
  plant.dispatchable = dispatchable;
  Member m;
  m.agent = std::make_unique<agents::Generator>(std::move(agent), std::move(plant));
  return m;
}

namespace {


/** A plant: technology, capacity, output profile, marginal cost, dispatch. */
class GeneratorKind final : public ParticipantKind {
 public:
  std::string_view name() const override { return "generator"; }
  std::uint8_t trace_code() const override { return 2; }
  std::span<const std::string_view> keys() const override { return kKeys; }
  bool uses_strategy() const override { return false; }  // it offers at its marginal cost

  std::shared_ptr<const KindSpec> read(const scenario_yaml::MapView& map,
                                       const scenario_sections::GroupContext& ctx) const override {
    auto spec = std::make_shared<PlantSpec>();
    spec->technology = map.required("technology", "one of wind, pv_farm, hydro, thermal")
                           .choice({"wind", "pv_farm", "hydro", "thermal"});
    const bool weather = spec->technology == "wind" || spec->technology == "pv_farm";
    const scenario_yaml::Value capacity = map.required("capacity", "a power > 0 such as \"2MW\"");
    spec->capacity_kw = capacity.quantity(units::parse_power_kw);
    capacity.require(spec->capacity_kw > 0, "a power > 0");
    const scenario_yaml::Value cost = map.required("marginal_cost", "a price >= 0 such as \"0.04/kWh\"");
    spec->marginal_cost_per_kwh = cost.quantity(units::parse_price_per_kwh);
    cost.require(spec->marginal_cost_per_kwh >= 0, "a price >= 0");
    if (auto output = map.find("output")) {
      read_output(*output, ctx, *spec);
    } else if (weather) {
      map.required("output", "a profile of the plant's available power (profile: csv, or synthetic for pv_farm)");
    }
    spec->dispatchable = !weather;  // wind and sun cannot be stored: must run by default
    if (auto dispatch = map.find("dispatch")) spec->dispatchable = dispatch->choice({"dispatchable", "must_run"}) == "dispatchable";
    return spec;
  }

 private:
  /** output: a solar shape (pv_farm) or a CSV of available power, never above the capacity. */
  static void read_output(const scenario_yaml::Value& output, const scenario_sections::GroupContext& ctx,
                          PlantSpec& spec) {
    spec.output = scenario_sections::read_profile(output, scenario_sections::ProfileRole::kPv, ctx);
    if (spec.output.kind == ProfileSpec::Kind::kSynthetic) {
      output.require(spec.technology == "pv_farm", "profile: csv (the synthetic profile is solar: technology pv_farm)");
      output.require(spec.output.peak_power_kw <= spec.capacity_kw, "a peak_power at most the capacity");
      return;
    }
    const auto most = std::max_element(spec.output.csv_power_kw.begin(), spec.output.csv_power_kw.end());
    if (most != spec.output.csv_power_kw.end() && *most > spec.capacity_kw * (1.0 + 1e-9)) {
      output.fail("a profile never above the capacity (" + std::to_string(spec.capacity_kw) + " kW)",
                  "a mean power of " + std::to_string(*most) + " kW in " + spec.output.csv_path);
    }
    const auto least = std::min_element(spec.output.csv_power_kw.begin(), spec.output.csv_power_kw.end());
    if (least != spec.output.csv_power_kw.end() && *least < 0.0) {
      output.fail("a profile of available power >= 0", std::to_string(*least) + " kW in " + spec.output.csv_path);
    }
  }

  static constexpr std::string_view kKeys[]{"technology", "capacity", "output", "marginal_cost", "dispatch"};
};

const ParticipantKindRegistration<GeneratorKind> kGenerator;

}  // namespace
}  // namespace ebsim::sim
