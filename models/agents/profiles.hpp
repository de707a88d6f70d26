#pragma once
/** Built-in synthetic load and PV profiles: a documented, seeded model (docs/profiles.md).
 * Each returns the mean power (kW) over each market interval. Local time (start_local_s =
 * unix seconds + UTC offset) sets the daily shape; the day of year sets the season. */
#include <cstdint>
#include <vector>

#include "models/core/rng.hpp"

namespace ebsim::agents {

struct SyntheticLoadParams {
  double daily_energy_kwh = 10.0;  // mean energy per day over the year (seasonal factor averages 1)
  double noise = 0.1;              // relative std dev of the per-interval multiplicative noise
};

struct SyntheticPvParams {
  double peak_power_kw = 5.0;      // rated power: output at clear sky, sun at zenith, summer
  double noise = 0.2;              // cloudiness: relative std dev of per-interval noise
  double latitude_deg = 48.0;      // site latitude (northern > 0)
};

/** Household load, kW per interval. All values >= 0. */
std::vector<double> synthetic_load_kw(const SyntheticLoadParams& params, std::int64_t start_local_s,
                                      double interval_s, std::uint32_t intervals, Rng& rng);

/** Rooftop PV output, kW per interval. 0 at night; never above peak_power_kw. */
std::vector<double> synthetic_pv_kw(const SyntheticPvParams& params, std::int64_t start_local_s,
                                    double interval_s, std::uint32_t intervals, Rng& rng);

}  // namespace ebsim::agents
