// A group's load:, pv: and battery: sections.
#include "models/agents/profiles.hpp"
#include "models/core/units.hpp"
#include "sim/csv_profile.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
// Keys of both profile kinds; the ones of the other kind are rejected as "does not apply".
constexpr std::string_view kLoadKeys[]{"profile", "daily_energy", "noise", "file", "scale"};
constexpr std::string_view kPvKeys[]{"profile", "peak_power", "noise", "file", "scale"};
constexpr std::string_view kBatteryKeys[]{"capacity", "power", "efficiency", "initial_soc", "share"};

/** Read a CSV profile named under `file`; CSV errors keep their own file:line and say where
 * in the scenario the CSV was named. */
std::vector<double> read_csv_power(const Value& file, double scale, const GroupContext& context,
                                   std::string& resolved_path) {
  const std::string name = file.text("a path to a CSV file, relative to the scenario file");
  file.require(!name.empty(), "a path to a CSV file, relative to the scenario file");
  resolved_path = (context.scenario_dir / name).lexically_normal().string();
  try {
    return load_csv_profile_kw(resolved_path, context.start_unix_s, context.interval_s, context.intervals, scale);
  } catch (const InputError& error) {
    throw InputError(std::string(error.what()) + " (the CSV named by " + file.key() + " at " + file.where() + ")");
  }
}

}  // namespace

ProfileSpec read_profile(const Value& value, ProfileRole role, const GroupContext& context) {
  const bool is_load = role == ProfileRole::kLoad;
  const MapView map(value, is_load ? std::span(kLoadKeys) : std::span(kPvKeys));
  const std::string_view size_key = is_load ? "daily_energy" : "peak_power";
  ProfileSpec profile;
  const std::string kind = map.required("profile", "one of synthetic, csv").choice({"synthetic", "csv"});
  if (kind == "synthetic") {
    map.reject("file", "profile: synthetic", "profile: csv");
    map.reject("scale", "profile: synthetic", "profile: csv");
    profile.kind = ProfileSpec::Kind::kSynthetic;
    if (is_load) {
      profile.daily_energy_kwh = map.required(size_key, "an energy such as \"10kWh\"").quantity(units::parse_energy_kwh);
    } else {
      profile.peak_power_kw = map.required(size_key, "a power such as \"5kW\"").quantity(units::parse_power_kw);
    }
    const double default_noise = is_load ? agents::SyntheticLoadParams{}.noise : agents::SyntheticPvParams{}.noise;
    profile.noise = optional_fraction(map, "noise", default_noise);
    return profile;
  }
  map.reject(size_key, "profile: csv", "profile: synthetic");
  map.reject("noise", "profile: csv", "profile: synthetic");
  profile.kind = ProfileSpec::Kind::kCsv;
  double scale = 1.0;
  if (auto scale_value = map.find("scale")) {
    scale = scale_value->number("a number > 0");
    scale_value->require(scale > 0, "a number > 0");
  }
  const Value file = map.required("file", "a path to a CSV file, relative to the scenario file");
  profile.csv_power_kw = read_csv_power(file, scale, context, profile.csv_path);
  return profile;
}

BatterySpec read_battery(const Value& value) {
  BatterySpec battery;
  const MapView map(value, kBatteryKeys);
  battery.present = true;
  const Value capacity = map.required("capacity", "an energy > 0 such as \"13.5kWh\"");
  battery.capacity_kwh = capacity.quantity(units::parse_energy_kwh);
  capacity.require(battery.capacity_kwh > 0, "an energy > 0");
  const Value power = map.required("power", "a power > 0 such as \"5kW\"");
  battery.power_kw = power.quantity(units::parse_power_kw);
  power.require(battery.power_kw > 0, "a power > 0");
  if (auto efficiency = map.find("efficiency")) {
    battery.efficiency = efficiency->number("a number in (0, 1]");
    efficiency->require(battery.efficiency > 0 && battery.efficiency <= 1, "a number in (0, 1]");
  }
  battery.initial_soc = optional_fraction(map, "initial_soc", battery.initial_soc);
  battery.share = optional_fraction(map, "share", battery.share);
  return battery;
}

}  // namespace ebsim::sim::scenario_sections
