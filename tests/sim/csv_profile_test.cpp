#include "sim/csv_profile.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>

#include "sim/scenario.hpp"

namespace ebsim::sim {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr std::int64_t kStart = 1781992800;  // 2026-06-21T00:00:00+02:00 (python datetime)
constexpr double kQuarterHour_s = 900.0;

std::string profile_path(const std::string& name) {
  return std::string(EBSIM_SOURCE_DIR) + "/tests/data/profiles/" + name;
}

/** The InputError message of reading `name` and resampling it to one day of 15-minute intervals. */
std::string error_of(const std::string& name) {
  try {
    load_csv_profile_kw(profile_path(name), kStart, kQuarterHour_s, 96);
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no InputError for " << name;
  return "";
}

TEST(CsvProfile, ReadsRowsSkippingCommentsAndBlankLines) {
  const CsvProfile profile = read_csv_profile(profile_path("good_hourly.csv"));
  EXPECT_EQ(profile.column, "load_kw");
  EXPECT_EQ(profile.step_s, 3600);
  ASSERT_EQ(profile.power_kw.size(), 24u);
  EXPECT_EQ(profile.time_unix_s.front(), kStart);
  EXPECT_DOUBLE_EQ(profile.power_kw[0], 0.5);
  EXPECT_DOUBLE_EQ(profile.power_kw[4], 0.9);
  EXPECT_EQ(profile.line.front(), 3);  // line 1 is a comment, line 2 the header
}

TEST(CsvProfile, CoarserDataHoldsTheCoveringValue) {
  const CsvProfile profile = read_csv_profile(profile_path("good_hourly.csv"));
  const auto quarter_hours = resample_to_intervals(profile, kStart, kQuarterHour_s, 96);
  ASSERT_EQ(quarter_hours.size(), 96u);
  for (std::size_t k = 0; k < 96; ++k) EXPECT_DOUBLE_EQ(quarter_hours[k], profile.power_kw[k / 4]) << k;
}

TEST(CsvProfile, FinerDataIsAveragedAndWattsBecomeKilowatts) {
  // 1000, 2000, 3000 W every 5 minutes: each quarter hour holds one of each, mean 2 kW.
  const auto quarter_hours = load_csv_profile_kw(profile_path("good_5min_watts.csv"), kStart, kQuarterHour_s, 96);
  ASSERT_EQ(quarter_hours.size(), 96u);
  for (double value : quarter_hours) EXPECT_NEAR(value, 2.0, 1e-12);
}

TEST(CsvProfile, ScaleMultipliesEveryValue) {
  const auto scaled = load_csv_profile_kw(profile_path("good_hourly.csv"), kStart, 3600.0, 24, 2.5);
  EXPECT_DOUBLE_EQ(scaled[0], 1.25);  // 0.5 kW * 2.5
  EXPECT_DOUBLE_EQ(scaled[4], 2.25);  // 0.9 kW * 2.5
}

TEST(CsvProfile, MisalignedIntervalsAreTimeWeighted) {
  // Hourly intervals starting at 00:30 take half of each neighbouring hourly row.
  const CsvProfile profile = read_csv_profile(profile_path("good_hourly.csv"));
  const auto shifted = resample_to_intervals(profile, kStart + 1800, 3600.0, 23);
  for (std::size_t k = 0; k < 23; ++k) {
    EXPECT_NEAR(shifted[k], (profile.power_kw[k] + profile.power_kw[k + 1]) / 2, 1e-12) << k;
  }
}

TEST(CsvProfile, PeriodInsideTheFileUsesOnlyThatPart) {
  const CsvProfile profile = read_csv_profile(profile_path("good_hourly.csv"));
  const auto evening = resample_to_intervals(profile, kStart + 20 * 3600, 3600.0, 4);
  ASSERT_EQ(evening.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(evening[k], profile.power_kw[20 + k]);
}

TEST(CsvProfile, OffsetMayChangeAtDaylightSavingTime) {
  // 2026-03-29: 01:00+01:00 is followed by 03:00+02:00, one hour later.
  const CsvProfile profile = read_csv_profile(profile_path("dst_switch.csv"));
  EXPECT_EQ(profile.step_s, 3600);
  EXPECT_EQ(profile.time_unix_s.front(), 1774738800);  // 2026-03-29T00:00:00+01:00
  EXPECT_EQ(profile.line.front(), 4);
}

TEST(CsvProfileErrors, EmptyFile) {
  EXPECT_THAT(error_of("empty.csv"), AllOf(HasSubstr("empty.csv: the file is empty"),
                                           HasSubstr("expected a header line \"timestamp,<name>_<unit>\"")));
}

TEST(CsvProfileErrors, BadHeaderOrUnknownUnit) {
  EXPECT_THAT(error_of("bad_header.csv"),
              AllOf(HasSubstr("bad_header.csv:2: header: expected the header \"timestamp,<name>_<unit>\""),
                    HasSubstr("unit kw, w or mw"), HasSubstr("got \"timestamp,load_kwh\"")));
}

TEST(CsvProfileErrors, WrongColumnCount) {
  EXPECT_THAT(error_of("wrong_column_count.csv"),
              AllOf(HasSubstr("wrong_column_count.csv:5: row: expected 2 columns (timestamp,load_kw), got 3")));
}

TEST(CsvProfileErrors, GarbledRow) {
  EXPECT_THAT(error_of("garbled_row.csv"),
              HasSubstr("garbled_row.csv:8: load_kw: expected a decimal number, got \"0.4x2\""));
  EXPECT_THAT(error_of("garbled_timestamp.csv"),
              AllOf(HasSubstr("garbled_timestamp.csv:8: timestamp: expected an ISO-8601 timestamp with an offset"),
                    HasSubstr("got \"2026-06-21 05:00\"")));
}

TEST(CsvProfileErrors, NegativePower) {
  EXPECT_THAT(error_of("negative.csv"), HasSubstr("negative.csv:9: load_kw: expected a power >= 0, got \"-0.2\""));
}

TEST(CsvProfileErrors, NonIncreasingTimestamp) {
  EXPECT_THAT(error_of("not_increasing.csv"),
              AllOf(HasSubstr("not_increasing.csv:7: timestamp: expected a time after the previous row's "
                              "2026-06-21T03:00:00+02:00"),
                    HasSubstr("got \"2026-06-21T03:00:00+02:00\"")));
}

TEST(CsvProfileErrors, Gap) {
  EXPECT_THAT(error_of("gap.csv"),
              AllOf(HasSubstr("gap.csv:6: timestamp: expected a constant step of 1h"),
                    HasSubstr("got \"2026-06-21T04:00:00+02:00\", a step of 2h (a gap)")));
}

TEST(CsvProfileErrors, StepDoesNotFitTheInterval) {
  EXPECT_THAT(error_of("wrong_step.csv"),
              AllOf(HasSubstr("wrong_step.csv:4: timestamp: expected a time step that divides the market "
                              "interval (15min) or is a whole multiple of it"),
                    HasSubstr("got a step of 7min")));
}

TEST(CsvProfileErrors, DoesNotCoverThePeriod) {
  EXPECT_THAT(error_of("short.csv"),
              AllOf(HasSubstr("short.csv:23: timestamp: expected rows until the scenario end "
                              "2026-06-22T00:00:00+02:00"),
                    HasSubstr("covers until 2026-06-21T21:00:00+02:00")));
  EXPECT_THAT(error_of("late_start.csv"),
              AllOf(HasSubstr("late_start.csv:3: timestamp: expected the first row at or before the scenario "
                              "start 2026-06-21T00:00:00+02:00"),
                    HasSubstr("got \"2026-06-21T01:00:00+02:00\"")));
}

TEST(CsvProfileErrors, UnreadableFile) {
  EXPECT_THAT(error_of("no_such_file.csv"), HasSubstr("no_such_file.csv: cannot read: No such file or directory"));
  try {
    read_csv_profile(std::string(EBSIM_SOURCE_DIR) + "/tests/data/profiles");
    ADD_FAILURE() << "a directory was read";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("tests/data/profiles: cannot read: Is a directory"));
  }
}

TEST(CsvProfileErrors, FewerThanTwoRows) {
  EXPECT_THAT(error_of("one_row.csv"),
              HasSubstr("one_row.csv:3: rows: expected at least two rows (the first two set the time step), got 1"));
}

}  // namespace
}  // namespace ebsim::sim
