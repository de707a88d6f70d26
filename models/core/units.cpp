#include "models/core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <span>
#include <system_error>

namespace ebsim::units {
namespace {

/** One accepted spelling of a unit and its factor to ebsim's internal unit. */
struct Unit {
  std::string_view symbol;
  double to_internal;
};

/** A kind of quantity: how errors name it and which units it accepts. */
struct Kind {
  std::string_view name;     // with article, for "expected a duration ..."
  std::string_view example;  // a valid spelling shown in errors
  std::span<const Unit> units;
  bool allow_negative;       // only prices may be negative
};

// Internal units: s, B, B/s, kW, kWh, currency per kWh. Prefixes are powers of 1000.
constexpr std::array kDurationUnits{Unit{"ms", 1e-3}, Unit{"s", 1.0}, Unit{"min", 60.0},
                                    Unit{"h", 3600.0}, Unit{"d", 86400.0}};
// Rates are written in bits per second (as links are specified) and stored in bytes per second.
constexpr std::array kRateUnits{Unit{"bps", 1.0 / 8}, Unit{"kbps", 1e3 / 8}, Unit{"Mbps", 1e6 / 8},
                                Unit{"Gbps", 1e9 / 8}};
constexpr std::array kSizeUnits{Unit{"B", 1.0}, Unit{"kB", 1e3}, Unit{"MB", 1e6}, Unit{"GB", 1e9}};
constexpr std::array kPowerUnits{Unit{"W", 1e-3}, Unit{"kW", 1.0}, Unit{"MW", 1e3}};
constexpr std::array kEnergyUnits{Unit{"Wh", 1e-3}, Unit{"kWh", 1.0}, Unit{"MWh", 1e3}};
// A price per MWh is 1000 times a price per kWh, so the factor to "per kWh" is 1/1000.
constexpr std::array kPriceUnits{Unit{"/kWh", 1.0}, Unit{"/MWh", 1e-3}};

constexpr Kind kDuration{"a duration", "15min", kDurationUnits, false};
constexpr Kind kRate{"a data rate", "10Mbps", kRateUnits, false};
constexpr Kind kSize{"a data size", "400B", kSizeUnits, false};
constexpr Kind kPower{"a power", "5kW", kPowerUnits, false};
constexpr Kind kEnergy{"an energy", "13.5kWh", kEnergyUnits, false};
constexpr Kind kPrice{"a price", "0.30/kWh", kPriceUnits, true};

[[noreturn]] void fail(const Kind& kind, std::string_view text) {
  std::string units;
  for (const Unit& unit : kind.units) {
    if (!units.empty()) units += ", ";
    units += unit.symbol;
  }
  throw UnitError("expected " + std::string(kind.name) + " such as \"" + std::string(kind.example) +
                  "\" (units: " + units + "), got \"" + std::string(text) + "\"");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/** Length of the leading decimal number "digits[.digits]" (with '-' if allowed), 0 if none.
 * The grammar is checked here so that from_chars never sees "inf", "nan", ".5" or "1e3". */
std::size_t number_length(std::string_view text, bool allow_negative) {
  std::size_t i = 0;
  if (allow_negative && i < text.size() && text[i] == '-') ++i;
  const std::size_t int_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == int_start) return 0;
  if (i < text.size() && text[i] == '.') {
    const std::size_t frac_start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == frac_start) return 0;  // "5." is not a decimal number here
  }
  return i;
}

double parse(const Kind& kind, std::string_view text) {
  const std::size_t length = number_length(text, kind.allow_negative);
  if (length == 0) fail(kind, text);
  double value = 0.0;
  // from_chars: locale independent and exact (correctly rounded), unlike strtod/stod.
  const auto [end, error] = std::from_chars(text.data(), text.data() + length, value);
  if (error != std::errc{} || end != text.data() + length) fail(kind, text);

  std::string_view unit = text.substr(length);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);  // one optional space
  for (const Unit& candidate : kind.units) {
    if (unit == candidate.symbol) {
      const double internal = value * candidate.to_internal;
      if (!std::isfinite(internal)) fail(kind, text);  // e.g. a 400-digit number
      return internal == 0.0 ? 0.0 : internal;         // never return -0.0
    }
  }
  fail(kind, text);  // missing unit, unknown unit, wrong case, trailing junk, two spaces
}

}  // namespace

double parse_duration_s(std::string_view text) { return parse(kDuration, text); }
double parse_rate_bytes_per_s(std::string_view text) { return parse(kRate, text); }
double parse_size_bytes(std::string_view text) { return parse(kSize, text); }
double parse_power_kw(std::string_view text) { return parse(kPower, text); }
double parse_energy_kwh(std::string_view text) { return parse(kEnergy, text); }
double parse_price_per_kwh(std::string_view text) { return parse(kPrice, text); }

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds)) return std::isnan(seconds) ? "nan" : (seconds > 0 ? "inf" : "-inf");
  if (seconds == 0.0) return "0s";
  const std::string sign = seconds < 0 ? "-" : "";
  const double magnitude = std::fabs(seconds);
  // The largest unit in which the value is a whole number reads best ("90min", "1d").
  for (auto it = kDurationUnits.rbegin(); it != kDurationUnits.rend(); ++it) {
    const double count = magnitude / it->to_internal;
    const double whole = std::round(count);
    if (whole >= 1.0 && whole < 1e15 && std::fabs(count - whole) <= 1e-9 * whole) {
      return sign + std::to_string(static_cast<long long>(whole)) + std::string(it->symbol);
    }
  }
  // Not whole in any unit: shortest round-trip decimal, in ms below one second.
  const bool below_second = magnitude < 1.0;
  const double value = below_second ? magnitude * 1e3 : magnitude;
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return sign + std::string(buffer.data(), result.ptr) + (below_second ? "ms" : "s");
}

}  // namespace ebsim::units
