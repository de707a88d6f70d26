#include "models/core/units.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ebsim::units {
namespace {

using ::testing::HasSubstr;

/** The UnitError message for `text`, or "" if it parsed. */
template <typename Parse>
std::string error_of(Parse parse, std::string_view text) {
  try {
    parse(text);
  } catch (const UnitError& error) {
    return error.what();
  }
  return "";
}

// Expected values are worked by hand from the unit definitions in units.hpp.

TEST(Units, DurationsConvertToSeconds) {
  EXPECT_DOUBLE_EQ(parse_duration_s("15min"), 900.0);        // 15 * 60
  EXPECT_DOUBLE_EQ(parse_duration_s("1d"), 86400.0);         // 24 * 3600
  EXPECT_DOUBLE_EQ(parse_duration_s("2h"), 7200.0);
  EXPECT_DOUBLE_EQ(parse_duration_s("30ms"), 0.03);
  EXPECT_DOUBLE_EQ(parse_duration_s("0.5s"), 0.5);
  EXPECT_DOUBLE_EQ(parse_duration_s("5 min"), 300.0);        // one space is allowed
  EXPECT_DOUBLE_EQ(parse_duration_s("0min"), 0.0);           // zero parses; ranges are the caller's
}

TEST(Units, RatesAreBitsPerSecondStoredAsBytesPerSecond) {
  EXPECT_DOUBLE_EQ(parse_rate_bytes_per_s("10Mbps"), 1.25e6);  // 10e6 bit/s / 8
  EXPECT_DOUBLE_EQ(parse_rate_bytes_per_s("1Gbps"), 125e6);
  EXPECT_DOUBLE_EQ(parse_rate_bytes_per_s("64kbps"), 8000.0);
  EXPECT_DOUBLE_EQ(parse_rate_bytes_per_s("800bps"), 100.0);
}

TEST(Units, SizesUseDecimalPrefixes) {
  EXPECT_DOUBLE_EQ(parse_size_bytes("400B"), 400.0);
  EXPECT_DOUBLE_EQ(parse_size_bytes("1kB"), 1000.0);  // not 1024
  EXPECT_DOUBLE_EQ(parse_size_bytes("1.5MB"), 1.5e6);
  EXPECT_DOUBLE_EQ(parse_size_bytes("2GB"), 2e9);
}

TEST(Units, PowerAndEnergyConvertToKilo) {
  EXPECT_DOUBLE_EQ(parse_power_kw("500W"), 0.5);
  EXPECT_DOUBLE_EQ(parse_power_kw("5kW"), 5.0);
  EXPECT_DOUBLE_EQ(parse_power_kw("1.2MW"), 1200.0);
  EXPECT_DOUBLE_EQ(parse_energy_kwh("13.5kWh"), 13.5);
  EXPECT_DOUBLE_EQ(parse_energy_kwh("250Wh"), 0.25);
  EXPECT_DOUBLE_EQ(parse_energy_kwh("2MWh"), 2000.0);
}

TEST(Units, PricesArePerKwhAndMayBeNegative) {
  EXPECT_DOUBLE_EQ(parse_price_per_kwh("0.30/kWh"), 0.30);
  EXPECT_DOUBLE_EQ(parse_price_per_kwh("300/MWh"), 0.3);  // 300 per 1000 kWh
  EXPECT_DOUBLE_EQ(parse_price_per_kwh("-50/MWh"), -0.05);
  EXPECT_DOUBLE_EQ(parse_price_per_kwh("0/kWh"), 0.0);
  EXPECT_FALSE(std::signbit(parse_price_per_kwh("-0/kWh")));
}

TEST(Units, ErrorMessageSaysWhatWasExpected) {
  EXPECT_EQ(error_of(parse_duration_s, "15"),
            "expected a duration such as \"15min\" (units: ms, s, min, h, d), got \"15\"");
  EXPECT_EQ(error_of(parse_rate_bytes_per_s, "10MB"),
            "expected a data rate such as \"10Mbps\" (units: bps, kbps, Mbps, Gbps), got \"10MB\"");
  EXPECT_EQ(error_of(parse_size_bytes, "1KiB"),
            "expected a data size such as \"400B\" (units: B, kB, MB, GB), got \"1KiB\"");
  EXPECT_EQ(error_of(parse_power_kw, "5KW"), "expected a power such as \"5kW\" (units: W, kW, MW), got \"5KW\"");
  EXPECT_EQ(error_of(parse_energy_kwh, "kWh"),
            "expected an energy such as \"13.5kWh\" (units: Wh, kWh, MWh), got \"kWh\"");
  EXPECT_EQ(error_of(parse_price_per_kwh, "0.30"),
            "expected a price such as \"0.30/kWh\" (units: /kWh, /MWh), got \"0.30\"");
}

TEST(Units, RejectsMissingUnit) {
  EXPECT_THAT(error_of(parse_duration_s, "15"), HasSubstr("got \"15\""));
  EXPECT_THAT(error_of(parse_power_kw, "5 "), HasSubstr("got \"5 \""));
}

TEST(Units, RejectsUnknownOrMiscasedUnit) {
  for (const char* text : {"5KW", "5kw", "5 kilowatt", "5Kw", "5VA"}) {
    EXPECT_THAT(error_of(parse_power_kw, text), HasSubstr("expected a power")) << text;
  }
  EXPECT_NE(error_of(parse_duration_s, "15m"), "");    // "m" is not minutes
  EXPECT_NE(error_of(parse_duration_s, "15MIN"), "");
  EXPECT_NE(error_of(parse_rate_bytes_per_s, "10mbps"), "");
  EXPECT_NE(error_of(parse_price_per_kwh, "0.3/kwh"), "");
}

TEST(Units, RejectsTrailingJunkAndExtraSpaces) {
  for (const char* text : {"15min5", "15minx", "15min ", " 15min", "15  min", "15\tmin", "15min/h"}) {
    EXPECT_NE(error_of(parse_duration_s, text), "") << text;
  }
}

TEST(Units, RejectsEmptyAndNonDecimalNumbers) {
  for (const char* text : {"", "min", ".5min", "5.min", "1e3s", "+5s", "0x10s", "1,5s", "5..0s"}) {
    EXPECT_NE(error_of(parse_duration_s, text), "") << text;
  }
}

TEST(Units, RejectsNegativeValuesExceptPrices) {
  EXPECT_NE(error_of(parse_duration_s, "-5min"), "");
  EXPECT_NE(error_of(parse_rate_bytes_per_s, "-1Mbps"), "");
  EXPECT_NE(error_of(parse_size_bytes, "-1B"), "");
  EXPECT_NE(error_of(parse_power_kw, "-5kW"), "");
  EXPECT_NE(error_of(parse_energy_kwh, "-1kWh"), "");
  EXPECT_EQ(error_of(parse_price_per_kwh, "-0.05/kWh"), "");
  EXPECT_NE(error_of(parse_price_per_kwh, "--1/kWh"), "");
}

TEST(Units, RejectsNanAndInfinity) {
  for (const char* text : {"nanW", "infW", "inf kW", "NaN kW", "infinity kW", ".infkW"}) {
    EXPECT_NE(error_of(parse_power_kw, text), "") << text;
  }
  // A number too large for a double is rejected rather than becoming infinity.
  EXPECT_NE(error_of(parse_power_kw, std::string(400, '9') + "MW"), "");
}

TEST(Units, FormatDurationIsCompactAndReparses) {
  EXPECT_EQ(format_duration(900), "15min");
  EXPECT_EQ(format_duration(86400), "1d");
  EXPECT_EQ(format_duration(3600), "1h");
  EXPECT_EQ(format_duration(5400), "90min");
  EXPECT_EQ(format_duration(90), "90s");
  EXPECT_EQ(format_duration(0.25), "250ms");
  EXPECT_EQ(format_duration(1.5), "1500ms");
  EXPECT_EQ(format_duration(0.0005), "0.5ms");
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(-60), "-1min");
  for (double seconds : {900.0, 86400.0, 5400.0, 0.25, 1.5, 0.0005, 7.0, 123456.0}) {
    EXPECT_DOUBLE_EQ(parse_duration_s(format_duration(seconds)), seconds) << seconds;
  }
}

}  // namespace
}  // namespace ebsim::units
