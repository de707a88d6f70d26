#include "sim/kinds/member_profile.hpp"

#include "models/agents/profiles.hpp"
#include "models/core/rng.hpp"

namespace ebsim::sim {

std::vector<double> member_profile_kw(const Scenario& sc, const ProfileSpec& spec, ProfileShape shape,
                                      const std::string& stream, std::uint64_t member) {
  const std::int64_t start_local_s = sc.start_unix_s + sc.utc_offset_s;
  const std::uint32_t n = sc.interval_count();
  switch (spec.kind) {
    case ProfileSpec::Kind::kNone: return {};
    case ProfileSpec::Kind::kCsv: return spec.csv_power_kw;
    case ProfileSpec::Kind::kSynthetic: {
      Rng rng(sc.seed, stream, member);
      switch (shape) {
        case ProfileShape::kSolar:
          return agents::synthetic_pv_kw({spec.peak_power_kw, spec.noise, sc.site.latitude_deg}, start_local_s,
                                         sc.market.interval_s, n, rng);
        case ProfileShape::kLoad:
          return agents::synthetic_load_kw({spec.daily_energy_kwh, spec.noise}, start_local_s, sc.market.interval_s,
                                           n, rng);
      }
    }
  }
  return {};
}

}  // namespace ebsim::sim
