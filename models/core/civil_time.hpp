#pragma once
/** Calendar arithmetic without the C library's time zones (deterministic everywhere). */
#include <cstdint>
#include <string>

namespace ebsim {

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};
/** The date of a day count since 1970-01-01 (civil_from_days). */
CivilDate civil_from_days(std::int64_t days);

/** "2026-06-21T04:15:00+02:00" for unix time `unix_s` shown at UTC offset `offset_s`. */
std::string format_iso8601(std::int64_t unix_s, int offset_s);

}  // namespace ebsim
