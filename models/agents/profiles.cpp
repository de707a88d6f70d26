#include "models/agents/profiles.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "models/core/civil_time.hpp"

// The model and its constants are written out in docs/profiles.md; keep the two in step.

namespace ebsim::agents {
namespace {

constexpr double kSecondsPerDay = 86400.0;
constexpr double kSecondsPerHour = 3600.0;
constexpr double kHoursPerDay = 24.0;
constexpr double kDaysPerYear = 365.0;
constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kRadPerDeg = std::numbers::pi / 180.0;

/** Interval length at which the noise correlations are stated (the house default interval). */
constexpr double kCorrelationReferenceS = 900.0;
/** Longest sub-interval of the midpoint rule: 15 min resolves the daily shapes to well under 1 %. */
constexpr double kMaxSubIntervalS = 900.0;

/** Day of year (1 = 1 January) on which the load's seasonal factor peaks. */
constexpr double kSeasonalPeakDayOfYear = 15.0;

/** Load shape: night base plus periodic Gaussian bumps, in arbitrary units before normalising. */
constexpr double kLoadShapeBase = 0.4;
/** One bump of the daily load shape. */
struct LoadBump {
  double amplitude;  // height above the base, same arbitrary units
  double centre_h;   // local clock hour of the peak
  double width_h;    // Gaussian standard deviation
};
/** Morning peak (breakfast, showers), a midday plateau (cooking, people at home), the evening
 * peak (cooking, lighting, TV). Shaped after residential standard profiles such as BDEW H0. */
constexpr std::array<LoadBump, 3> kLoadBumps{{
    {0.55, 7.5, 1.0},
    {0.35, 12.5, 2.5},
    {1.00, 19.5, 1.75},
}};

/** Cooper (1969) declination amplitude, degrees. */
constexpr double kDeclinationAmplitudeDeg = 23.45;
/** Kasten & Young (1989) air-mass constants. */
constexpr double kKastenYoungA = 0.50572;
constexpr double kKastenYoungB = 6.07995;  // degrees
constexpr double kKastenYoungC = 1.6364;
/** Meinel & Meinel (1976) clear-sky beam transmittance 0.7^(AM^0.678). */
constexpr double kMeinelTransmittance = 0.7;
constexpr double kMeinelExponent = 0.678;

/** A local calendar position: which day of the year, and the clock hour within that day. */
struct LocalTime {
  int day_of_year;     // 1 = 1 January; 366 = 31 December of a leap year
  double hour_of_day;  // [0, 24)
};

/** Floor division for possibly negative numerators (dates before 1970). */
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/** Day of year (1 = 1 January) of a count of days since 1970-01-01 (local date).
 * Integer calendar arithmetic from models/core/civil_time: no <ctime>, no time zone database. */
int day_of_year_from_days(std::int64_t days_since_epoch) {
  const CivilDate date = civil_from_days(days_since_epoch);
  return static_cast<int>(days_since_epoch - days_from_civil(date.year, 1, 1)) + 1;
}

/** Local calendar position `offset_s` seconds after `start_local_s`.
 * The whole days of the start are split off in integers so that large unix times keep
 * sub-second precision in the double part. */
LocalTime local_time_at(std::int64_t start_local_s, double offset_s) {
  const std::int64_t start_day = floor_div(start_local_s, 86400);
  const double second_of_start_day = static_cast<double>(start_local_s - start_day * 86400);
  const double seconds = second_of_start_day + offset_s;
  const double extra_days = std::floor(seconds / kSecondsPerDay);
  const double second_of_day = seconds - extra_days * kSecondsPerDay;
  return {day_of_year_from_days(start_day + static_cast<std::int64_t>(extra_days)),
          std::clamp(second_of_day / kSecondsPerHour, 0.0, std::nextafter(kHoursPerDay, 0.0))};
}

/** Sub-intervals per interval for the midpoint rule (at least 1). */
std::uint32_t sub_intervals_per_interval(double interval_s) {
  return static_cast<std::uint32_t>(std::max(1.0, std::ceil(interval_s / kMaxSubIntervalS)));
}

/** AR(1) coefficient for an interval, from the lag-1 correlation stated at 15 min, so that the
 * correlation after a given time lag is the same whatever the interval length. */
double ar1_coefficient(double correlation_15min, double interval_s) {
  return std::pow(correlation_15min, interval_s / kCorrelationReferenceS);
}

/** A stationary Gaussian AR(1) process with unit variance: z' = phi z + sqrt(1 - phi^2) e. */
class UnitAr1 {
 public:
  /** REQUIRES: 0 <= phi <= 1. */
  explicit UnitAr1(double phi) : phi_(phi), innovation_scale_(std::sqrt(1.0 - phi * phi)) {}

  /** Next value; the first is a plain N(0, 1) draw so the process starts stationary. */
  double next(Rng& rng) {
    const double e = rng.normal();
    z_ = started_ ? phi_ * z_ + innovation_scale_ * e : e;
    started_ = true;
    return z_;
  }

 private:
  double phi_;
  double innovation_scale_;
  double z_ = 0.0;
  bool started_ = false;
};

/** Seasonal load factor for a day of year; averages exactly 1 over the 365 days of a year. */
double seasonal_factor(double amplitude, int day_of_year) {
  return 1.0 + amplitude * std::cos(kTwoPi * (day_of_year - kSeasonalPeakDayOfYear) / kDaysPerYear);
}

/** Un-normalised daily load shape at a clock hour. Each bump is a Gaussian wrapped on the
 * 24-hour circle (three copies, a day apart), so the shape is smooth across midnight and its
 * 24-hour integral is exactly base*24 + sum(amplitude * width * sqrt(2 pi)). */
double raw_load_shape(double hour_of_day) {
  double value = kLoadShapeBase;
  for (const LoadBump& bump : kLoadBumps) {
    for (int copy = -1; copy <= 1; ++copy) {
      const double distance_h = hour_of_day - bump.centre_h + copy * kHoursPerDay;
      value += bump.amplitude * std::exp(-0.5 * distance_h * distance_h / (bump.width_h * bump.width_h));
    }
  }
  return value;
}

/** Daily load shape normalised to average 1 over 24 hours. */
double load_shape(double hour_of_day) {
  static const double mean_raw = [] {
    double integral_h = kLoadShapeBase * kHoursPerDay;
    for (const LoadBump& bump : kLoadBumps) {
      integral_h += bump.amplitude * bump.width_h * std::sqrt(kTwoPi);
    }
    return integral_h / kHoursPerDay;
  }();
  return raw_load_shape(hour_of_day) / mean_raw;
}

/** Solar declination (radians) on a day of year, Cooper (1969). */
double declination_rad(int day_of_year) {
  return kDeclinationAmplitudeDeg * kRadPerDeg * std::sin(kTwoPi * (284.0 + day_of_year) / kDaysPerYear);
}

/** Clear-sky output as a fraction of peak: horizontal irradiance sin(elevation) times the
 * Meinel transmittance at the Kasten-Young air mass, normalised to 1 at the zenith (air mass 1).
 * Exactly 0 when the sun is at or below the horizon; never above 1. */
double clear_sky_factor(double latitude_rad, double solar_noon_h, const LocalTime& t) {
  const double declination = declination_rad(t.day_of_year);
  const double hour_angle = (t.hour_of_day - solar_noon_h) * (kTwoPi / kHoursPerDay);
  const double sin_elevation = std::sin(latitude_rad) * std::sin(declination) +
                               std::cos(latitude_rad) * std::cos(declination) * std::cos(hour_angle);
  if (sin_elevation <= 0.0) return 0.0;
  const double elevation_deg = std::asin(std::min(1.0, sin_elevation)) / kRadPerDeg;
  const double air_mass =
      1.0 / (sin_elevation + kKastenYoungA * std::pow(elevation_deg + kKastenYoungB, -kKastenYoungC));
  // Relative to air mass 1; Kasten-Young gives 0.9997 at the zenith, hence the final min().
  const double relative_transmittance =
      std::pow(kMeinelTransmittance, std::pow(air_mass, kMeinelExponent) - 1.0);
  return std::min(1.0, sin_elevation * relative_transmittance);
}

/** Throws std::invalid_argument naming the parameter when `ok` is false. */
void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("synthetic profile: ") + what);
}

/** Mean over interval `i` of f(local time), by the midpoint rule on `subs` sub-intervals. */
template <typename F>
double interval_mean(std::int64_t start_local_s, double interval_s, std::uint32_t i, std::uint32_t subs,
                     F&& f) {
  double sum = 0.0;
  for (std::uint32_t j = 0; j < subs; ++j) {
    const double offset_s = (static_cast<double>(i) + (j + 0.5) / subs) * interval_s;
    sum += f(local_time_at(start_local_s, offset_s));
  }
  return sum / subs;
}

}  // namespace

std::vector<double> synthetic_load_kw(const SyntheticLoadParams& params, std::int64_t start_local_s,
                                      double interval_s, std::uint32_t intervals, Rng& rng) {
  require(interval_s > 0.0 && std::isfinite(interval_s), "interval_s must be > 0");
  require(params.daily_energy_kwh >= 0.0, "daily_energy_kwh must be >= 0");
  require(params.noise >= 0.0, "load noise must be >= 0");
  require(params.seasonal_amplitude >= 0.0 && params.seasonal_amplitude < 1.0,
          "seasonal_amplitude must be in [0, 1)");
  require(params.noise_correlation_15min >= 0.0 && params.noise_correlation_15min <= 1.0,
          "noise_correlation_15min must be in [0, 1]");

  const double mean_power_kw = params.daily_energy_kwh / kHoursPerDay;
  const std::uint32_t subs = sub_intervals_per_interval(interval_s);
  // Log-normal noise: exp(s z - s^2/2) has mean exactly 1 and relative std exactly `noise` when
  // s^2 = ln(1 + noise^2), and is positive without clipping (a clipped Gaussian would bias the mean).
  const double log_sigma = std::sqrt(std::log1p(params.noise * params.noise));
  UnitAr1 z(ar1_coefficient(params.noise_correlation_15min, interval_s));

  std::vector<double> load_kw(intervals);
  for (std::uint32_t i = 0; i < intervals; ++i) {
    const double shape = interval_mean(start_local_s, interval_s, i, subs, [&](const LocalTime& t) {
      return seasonal_factor(params.seasonal_amplitude, t.day_of_year) * load_shape(t.hour_of_day);
    });
    const double noise_factor = std::exp(log_sigma * z.next(rng) - 0.5 * log_sigma * log_sigma);
    load_kw[i] = mean_power_kw * shape * noise_factor;
  }
  return load_kw;
}

std::vector<double> synthetic_pv_kw(const SyntheticPvParams& params, std::int64_t start_local_s,
                                    double interval_s, std::uint32_t intervals, Rng& rng) {
  require(interval_s > 0.0 && std::isfinite(interval_s), "interval_s must be > 0");
  require(params.peak_power_kw >= 0.0, "peak_power_kw must be >= 0");
  require(params.noise >= 0.0, "PV noise must be >= 0");
  require(std::abs(params.latitude_deg) <= 90.0, "latitude_deg must be in [-90, 90]");
  require(std::isfinite(params.solar_noon_local_h), "solar_noon_local_h must be finite");
  require(params.cloud_correlation_15min >= 0.0 && params.cloud_correlation_15min <= 1.0,
          "cloud_correlation_15min must be in [0, 1]");

  const double latitude_rad = params.latitude_deg * kRadPerDeg;
  const std::uint32_t subs = sub_intervals_per_interval(interval_s);
  // Cloudiness = noise * (z1^2 + z2^2) / 2 with z1, z2 independent unit AR(1) processes: a
  // chi-square with 2 degrees of freedom over 2 is exponential with mean 1 and std 1, so the
  // cloudiness has mean and std `noise`. Its lag-1 correlation is phi^2, hence phi = sqrt(rho).
  const double phi = std::sqrt(ar1_coefficient(params.cloud_correlation_15min, interval_s));
  UnitAr1 z1(phi), z2(phi);

  std::vector<double> pv_kw(intervals);
  for (std::uint32_t i = 0; i < intervals; ++i) {
    const double clear_sky = interval_mean(start_local_s, interval_s, i, subs, [&](const LocalTime& t) {
      return clear_sky_factor(latitude_rad, params.solar_noon_local_h, t);
    });
    const double a = z1.next(rng);
    const double b = z2.next(rng);
    const double cloudiness = params.noise * 0.5 * (a * a + b * b);
    const double cloud_factor = std::clamp(1.0 - cloudiness, 0.0, 1.0);
    pv_kw[i] = params.peak_power_kw * clear_sky * cloud_factor;
  }
  return pv_kw;
}

}  // namespace ebsim::agents
