#pragma once
/** Built-in synthetic load and PV profiles: a documented, seeded model (docs/profiles.md).
 * Each returns the mean power (kW) over each market interval. Local time (start_local_s =
 * unix seconds + UTC offset) sets the daily shape; the day of year sets the season.
 *
 * Interval means use the midpoint rule on sub-intervals of at most 15 min, so 5-min, 15-min
 * and hourly series of the same day hold the same energy. Randomness: the load draws exactly
 * one rng.normal() per interval and PV exactly two, whatever the noise, so a stream's use is
 * a function of `intervals` alone. The caller chooses the stream (e.g. "load", participant id). */
#include <cstdint>
#include <vector>

#include "models/core/rng.hpp"

namespace ebsim::agents {

struct SyntheticLoadParams {
  double daily_energy_kwh = 10.0;  // mean energy per day over the year (seasonal factor averages 1)
  double noise = 0.1;              // relative std dev of the per-interval multiplicative noise
  double seasonal_amplitude = 0.2;  // seasonal factor 1 + a*cos(2*pi*(day_of_year - 15)/365); in [0, 1)
  double noise_correlation_15min = 0.7;  // lag-1 autocorrelation of the noise at 15-min spacing; in [0, 1]
};

struct SyntheticPvParams {
  double peak_power_kw = 5.0;      // rated power: output at clear sky, sun at zenith, summer
  double noise = 0.2;              // cloudiness: relative std dev of per-interval noise
  double latitude_deg = 48.0;      // site latitude (northern > 0)
  double solar_noon_local_h = 12.0;      // local clock time of solar noon (12: solar time = clock time)
  double cloud_correlation_15min = 0.8;  // lag-1 autocorrelation of cloudiness at 15-min spacing; in [0, 1]
};

/** Household load, kW per interval. All values >= 0.
 * REQUIRES: interval_s > 0, daily_energy_kwh >= 0, noise >= 0, parameters in the ranges above
 * (else std::invalid_argument). */
std::vector<double> synthetic_load_kw(const SyntheticLoadParams& params, std::int64_t start_local_s,
                                      double interval_s, std::uint32_t intervals, Rng& rng);

/** Rooftop PV output, kW per interval. 0 at night; never above peak_power_kw.
 * REQUIRES: interval_s > 0, peak_power_kw >= 0, noise >= 0, |latitude_deg| <= 90, parameters
 * in the ranges above (else std::invalid_argument). */
std::vector<double> synthetic_pv_kw(const SyntheticPvParams& params, std::int64_t start_local_s,
                                    double interval_s, std::uint32_t intervals, Rng& rng);

}  // namespace ebsim::agents
