#pragma once
/** Strict parsing of quantities written as strings with units ("15min", "10Mbps", "5kW").
 *
 * Format: a decimal number (no sign unless stated), optional single space, a unit
 * from the list below, spelled exactly (case matters: "kW", not "KW" or "kw").
 * Decimal prefixes are powers of 1000 (1 kB = 1000 B). Internally ebsim uses
 * seconds, bytes, bytes per second, kW, kWh and currency units per kWh.
 * Errors throw UnitError whose what() says what was expected, e.g.
 * `expected a duration such as "15min" (units: ms, s, min, h, d), got "15"`.
 */
#include <stdexcept>
#include <string>
#include <string_view>

namespace ebsim::units {

/** A quantity string that does not parse; the message says what was expected. */
class UnitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** Duration in seconds. Units: ms, s, min, h, d. */
double parse_duration_s(std::string_view text);
/** Data rate in bytes per second. Units (bits per second): bps, kbps, Mbps, Gbps. */
double parse_rate_bytes_per_s(std::string_view text);
/** Data size in bytes. Units: B, kB, MB, GB. */
double parse_size_bytes(std::string_view text);
/** Power in kW. Units: W, kW, MW. */
double parse_power_kw(std::string_view text);
/** Energy in kWh. Units: Wh, kWh, MWh. */
double parse_energy_kwh(std::string_view text);
/** Price in currency units per kWh. Forms: "0.30/kWh", "300/MWh"; a leading '-' is allowed
 * (negative prices exist in real markets). */
double parse_price_per_kwh(std::string_view text);

/** Format seconds compactly for messages and tables ("15min", "1d", "250ms"). */
std::string format_duration(double seconds);

}  // namespace ebsim::units
