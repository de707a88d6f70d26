#include "models/core/civil_time.hpp"

#include <gtest/gtest.h>

namespace ebsim {
namespace {

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

TEST(CivilTime, EpochIsDayZero) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  const CivilDate d = civil_from_days(0);
  EXPECT_EQ(d.year, 1970);
  EXPECT_EQ(d.month, 1u);
  EXPECT_EQ(d.day, 1u);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(1970, 1, 2), 1);
}

TEST(CivilTime, HandCountedDays) {
  // 1970..1999: 30 years, 7 leap years (1972..1996) -> 30 * 365 + 7 = 10957.
  EXPECT_EQ(days_from_civil(2000, 1, 1), 10957);
  // 2000 is a leap year (divisible by 400): Jan 31 + Feb 29.
  EXPECT_EQ(days_from_civil(2000, 2, 29), 10957 + 31 + 28);  // 11016
  EXPECT_EQ(days_from_civil(2000, 3, 1), 10957 + 31 + 29);   // 11017
  // 1970..2099: 130 years, 32 leap years (1972..2096, 2000 included) -> 47482 for 2100-01-01.
  // 2100 is not a leap year: 2100-03-01 = 47482 + 31 + 28 = 47541, the day after 2100-02-28.
  EXPECT_EQ(days_from_civil(2100, 1, 1), 47482);
  EXPECT_EQ(days_from_civil(2100, 2, 28), 47540);
  EXPECT_EQ(days_from_civil(2100, 3, 1), 47541);
  const CivilDate after = civil_from_days(47541);
  EXPECT_EQ(after.year, 2100);
  EXPECT_EQ(after.month, 3u);
  EXPECT_EQ(after.day, 1u);
  // 1900-01-01: NTP's epoch is 2208988800 s = 25567 days before the Unix epoch.
  EXPECT_EQ(days_from_civil(1900, 1, 1), -25567);
  // 2026-06-21: 56 years with 14 leap days (1972..2024) = 20454, + Jan..May 151 + 20 = 20625.
  EXPECT_EQ(days_from_civil(2026, 6, 21), 20625);
}

TEST(CivilTime, RoundTripEveryDayFrom1600To2400) {
  // Walk the calendar day by day with an independent month-length table; both functions
  // must agree with it and with each other on every day, across 1600, 2000 (leap),
  // 1700/1800/1900/2100/2200/2300 (not leap) and negative day counts.
  std::int64_t y = 1600;
  unsigned m = 1, d = 1;
  std::int64_t n = days_from_civil(1600, 1, 1);
  // 1600..1969: 370 years; leap years 1600..1968: 93 multiples of 4, minus 1700, 1800, 1900 -> 90.
  EXPECT_EQ(n, -(370 * 365 + 90));
  int leap_days_seen = 0;
  while (y < 2400) {
    ASSERT_EQ(days_from_civil(y, m, d), n) << y << "-" << m << "-" << d;
    const CivilDate c = civil_from_days(n);
    ASSERT_EQ(c.year, y) << n;
    ASSERT_EQ(c.month, m) << n;
    ASSERT_EQ(c.day, d) << n;
    leap_days_seen += m == 2 && d == 29;
    ++n;
    if (++d > days_in_month(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  // 1600..2399: 200 multiples of 4, minus 1700, 1800, 1900, 2100, 2200, 2300 = 194 leap days.
  EXPECT_EQ(leap_days_seen, 194);
  EXPECT_EQ(n, days_from_civil(2400, 1, 1));
}

TEST(CivilTime, LeapDay2000AndNoLeapDay2100) {
  const CivilDate leap = civil_from_days(11016);
  EXPECT_EQ(leap.year, 2000);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
  const CivilDate next = civil_from_days(11017);
  EXPECT_EQ(next.month, 3u);
  EXPECT_EQ(next.day, 1u);
  const CivilDate feb28 = civil_from_days(47540);
  EXPECT_EQ(feb28.year, 2100);
  EXPECT_EQ(feb28.month, 2u);
  EXPECT_EQ(feb28.day, 28u);
}

TEST(CivilTime, FormatIso8601Utc) {
  EXPECT_EQ(format_iso8601(0, 0), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(format_iso8601(-1, 0), "1969-12-31T23:59:59+00:00");
  EXPECT_EQ(format_iso8601(86399, 0), "1970-01-01T23:59:59+00:00");
  // 2000-02-29 = day 11016: 11016 * 86400 = 951782400; + 12:34:56 = 45296 s.
  EXPECT_EQ(format_iso8601(951782400 + 45296, 0), "2000-02-29T12:34:56+00:00");
  EXPECT_EQ(format_iso8601(951868800, 0), "2000-03-01T00:00:00+00:00");
}

TEST(CivilTime, FormatIso8601PositiveOffsets) {
  // 2026-06-21 = day 20625: 20625 * 86400 = 1782000000. 04:15 local at +02:00 is 02:15 UTC,
  // i.e. 1782000000 + 2 * 3600 + 15 * 60 = 1782008100.
  EXPECT_EQ(format_iso8601(1782008100, 7200), "2026-06-21T04:15:00+02:00");
  EXPECT_EQ(format_iso8601(1782008100, 0), "2026-06-21T02:15:00+00:00");
  // +05:45 (Nepal): epoch is 05:45 local.
  EXPECT_EQ(format_iso8601(0, 5 * 3600 + 45 * 60), "1970-01-01T05:45:00+05:45");
  // Crossing midnight forward: 23:30 UTC at +01:00 is 00:30 the next day.
  EXPECT_EQ(format_iso8601(86400 - 1800, 3600), "1970-01-02T00:30:00+01:00");
}

TEST(CivilTime, FormatIso8601NegativeOffsets) {
  // The epoch at -05:00 is 19:00 the day before.
  EXPECT_EQ(format_iso8601(0, -5 * 3600), "1969-12-31T19:00:00-05:00");
  // -03:30 (Newfoundland): 00:00 UTC -> 20:30 the day before; minutes of the offset kept.
  EXPECT_EQ(format_iso8601(0, -(3 * 3600 + 30 * 60)), "1969-12-31T20:30:00-03:30");
  // -00:30: the sign survives an hour part of zero.
  EXPECT_EQ(format_iso8601(0, -1800), "1969-12-31T23:30:00-00:30");
  // 2026-06-21T02:15Z at -09:30 is 16:45 on the 20th.
  EXPECT_EQ(format_iso8601(1782008100, -(9 * 3600 + 30 * 60)), "2026-06-20T16:45:00-09:30");
  // Leap day seen from the west: 2000-03-01T03:00Z at -04:00 is 2000-02-29T23:00.
  EXPECT_EQ(format_iso8601(951868800 + 3 * 3600, -4 * 3600), "2000-02-29T23:00:00-04:00");
}

}  // namespace
}  // namespace ebsim
