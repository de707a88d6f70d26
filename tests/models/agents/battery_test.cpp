#include "models/agents/battery.hpp"

#include <gtest/gtest.h>

#include "models/core/rng.hpp"

namespace ebsim::agents {
namespace {

constexpr double kTol = 1e-12;

/** 10 kWh, 4 kW, 90 % one-way. Over a half-hour interval the power limit is 4 kW * 0.5 h = 2 kWh. */
BatteryParams battery() {
  BatteryParams p;
  p.capacity_kwh = 10.0;
  p.power_kw = 4.0;
  p.efficiency = 0.9;
  return p;
}
constexpr double kHalfHour = 0.5;

// ---- charging ---------------------------------------------------------------------------

TEST(Battery, ChargeLimitedBySurplus) {
  // Surplus 1 kWh < power limit 2 kWh < room (10 - 2) / 0.9 = 8.9 kWh: charge = 1.
  // Stored: 1 * 0.9 = 0.9 -> soc 2 + 0.9 = 2.9.
  const BatteryStep s = self_consumption_step(battery(), 2.0, -1.0, kHalfHour);
  EXPECT_NEAR(s.charge_kwh, 1.0, kTol);
  EXPECT_EQ(s.discharge_kwh, 0.0);
  EXPECT_NEAR(s.soc_end_kwh, 2.9, kTol);
}

TEST(Battery, ChargeLimitedByPowerTimesInterval) {
  // Surplus 5 kWh, power limit 4 kW * 0.5 h = 2 kWh, room 8.9 kWh: charge = 2.
  // Stored: 2 * 0.9 = 1.8 -> soc 2 + 1.8 = 3.8.
  const BatteryStep s = self_consumption_step(battery(), 2.0, -5.0, kHalfHour);
  EXPECT_NEAR(s.charge_kwh, 2.0, kTol);
  EXPECT_EQ(s.discharge_kwh, 0.0);
  EXPECT_NEAR(s.soc_end_kwh, 3.8, kTol);
  // Same surplus over a quarter hour: limit 4 * 0.25 = 1 kWh; soc 2 + 0.9 = 2.9.
  const BatteryStep q = self_consumption_step(battery(), 2.0, -5.0, 0.25);
  EXPECT_NEAR(q.charge_kwh, 1.0, kTol);
  EXPECT_NEAR(q.soc_end_kwh, 2.9, kTol);
}

TEST(Battery, ChargeLimitedByRemainingCapacityOverEfficiency) {
  // soc 9.1: room 0.9 kWh stored = 0.9 / 0.9 = 1 kWh at the meter; surplus 5, power 2: charge = 1.
  // soc -> 9.1 + 1 * 0.9 = 10 = capacity (full, not beyond).
  const BatteryStep s = self_consumption_step(battery(), 9.1, -5.0, kHalfHour);
  EXPECT_NEAR(s.charge_kwh, 1.0, kTol);
  EXPECT_NEAR(s.soc_end_kwh, 10.0, kTol);
  EXPECT_LE(s.soc_end_kwh, 10.0);
  // A full battery takes nothing.
  const BatteryStep full = self_consumption_step(battery(), 10.0, -5.0, kHalfHour);
  EXPECT_EQ(full.charge_kwh, 0.0);
  EXPECT_EQ(full.soc_end_kwh, 10.0);
}

// ---- discharging ------------------------------------------------------------------------

TEST(Battery, DischargeLimitedByDeficit) {
  // Deficit 1 kWh < power 2 < stored*eff 5 * 0.9 = 4.5: deliver 1, drawing 1 / 0.9 from storage.
  // soc 5 - 1.111... = 3.888...
  const BatteryStep s = self_consumption_step(battery(), 5.0, 1.0, kHalfHour);
  EXPECT_NEAR(s.discharge_kwh, 1.0, kTol);
  EXPECT_EQ(s.charge_kwh, 0.0);
  EXPECT_NEAR(s.soc_end_kwh, 5.0 - 1.0 / 0.9, kTol);
  EXPECT_NEAR(s.soc_end_kwh, 3.8888888888888889, kTol);
}

TEST(Battery, DischargeLimitedByPower) {
  // Deficit 5, power 2, stored*eff 4.5: deliver 2; soc 5 - 2 / 0.9 = 2.777...
  const BatteryStep s = self_consumption_step(battery(), 5.0, 5.0, kHalfHour);
  EXPECT_NEAR(s.discharge_kwh, 2.0, kTol);
  EXPECT_NEAR(s.soc_end_kwh, 2.7777777777777778, kTol);
}

TEST(Battery, DischargeLimitedByStoredEnergyTimesEfficiency) {
  // soc 1: it can deliver 1 * 0.9 = 0.9 kWh; deficit 5, power 2: deliver 0.9, soc -> 0.
  const BatteryStep s = self_consumption_step(battery(), 1.0, 5.0, kHalfHour);
  EXPECT_NEAR(s.discharge_kwh, 0.9, kTol);
  EXPECT_NEAR(s.soc_end_kwh, 0.0, kTol);
  EXPECT_GE(s.soc_end_kwh, 0.0);
  // An empty battery delivers nothing.
  const BatteryStep empty = self_consumption_step(battery(), 0.0, 5.0, kHalfHour);
  EXPECT_EQ(empty.discharge_kwh, 0.0);
  EXPECT_EQ(empty.soc_end_kwh, 0.0);
}

TEST(Battery, ZeroNetLoadMovesNothing) {
  const BatteryStep s = self_consumption_step(battery(), 4.0, 0.0, kHalfHour);
  EXPECT_EQ(s.charge_kwh, 0.0);
  EXPECT_EQ(s.discharge_kwh, 0.0);
  EXPECT_EQ(s.soc_end_kwh, 4.0);
}

TEST(Battery, OneWayEfficiencyAppliesBothWays) {
  // Efficiency 0.9 is one-way: charging 1 kWh at the meter stores 0.9 kWh ...
  const BatteryStep in = self_consumption_step(battery(), 0.0, -1.0, kHalfHour);
  EXPECT_NEAR(in.charge_kwh, 1.0, kTol);
  EXPECT_NEAR(in.soc_end_kwh, 0.9, kTol);
  // ... and delivering 0.9 kWh at the meter takes 0.9 / 0.9 = 1 kWh out of storage.
  const BatteryStep out = self_consumption_step(battery(), 1.0, 0.9, kHalfHour);
  EXPECT_NEAR(out.discharge_kwh, 0.9, kTol);
  EXPECT_NEAR(out.soc_end_kwh, 0.0, kTol);
  // Round trip: 1 kWh in, 0.9 stored, 0.81 back out (0.9^2) empties it.
  const BatteryStep back = self_consumption_step(battery(), in.soc_end_kwh, 5.0, kHalfHour);
  EXPECT_NEAR(back.discharge_kwh, 0.81, kTol);
  EXPECT_NEAR(back.soc_end_kwh, 0.0, kTol);
}

// ---- invariants over random operation ---------------------------------------------------

TEST(Battery, RandomStepsKeepSocInRangeAndConserveEnergy) {
  // Net loads uniform in [-3, 3] kWh per quarter hour against a 5 kWh / 3 kW battery at 0.85:
  // the power limit (0.75 kWh) and both capacity bounds all bind many times in 20 000 steps.
  BatteryParams p;
  p.capacity_kwh = 5.0;
  p.power_kw = 3.0;
  p.efficiency = 0.85;
  const double h = 0.25;
  Rng rng(7, "battery-test");
  const double initial_kwh = 2.5;
  double soc = initial_kwh, charged = 0.0, discharged = 0.0;
  int hit_full = 0, hit_empty = 0;
  for (int i = 0; i < 20000; ++i) {
    const double net = rng.uniform(-3.0, 3.0);
    const BatteryStep s = self_consumption_step(p, soc, net, h);
    ASSERT_GE(s.soc_end_kwh, 0.0) << "step " << i;
    ASSERT_LE(s.soc_end_kwh, p.capacity_kwh) << "step " << i;
    ASSERT_GE(s.charge_kwh, 0.0);
    ASSERT_GE(s.discharge_kwh, 0.0);
    ASSERT_TRUE(s.charge_kwh == 0.0 || s.discharge_kwh == 0.0) << "charges and discharges at once, step " << i;
    ASSERT_LE(s.charge_kwh, p.power_kw * h + kTol);
    ASSERT_LE(s.discharge_kwh, p.power_kw * h + kTol);
    // Never more than the household has (surplus) or needs (deficit).
    if (net < 0) {
      ASSERT_LE(s.charge_kwh, -net + kTol);
    } else {
      ASSERT_LE(s.discharge_kwh, net + kTol);
    }
    charged += s.charge_kwh;
    discharged += s.discharge_kwh;
    soc = s.soc_end_kwh;
    hit_full += soc >= p.capacity_kwh - 1e-9;
    hit_empty += soc <= 1e-9;
  }
  EXPECT_GT(hit_full, 0) << "the sequence should exercise the capacity limit";
  EXPECT_GT(hit_empty, 0) << "the sequence should exercise the empty limit";
  // Storage balance: soc_end = soc_0 + eta * sum(charge) - sum(discharge) / eta. The only
  // slack is rounding (each step ~1e-15 of a few kWh, and the clamps at 0 and capacity
  // absorb at most that much), so 1e-9 over 20 000 steps is generous yet catches any
  // efficiency applied the wrong way (an error of order 0.1 kWh per cycle).
  EXPECT_NEAR(soc, initial_kwh + p.efficiency * charged - discharged / p.efficiency, 1e-9);
}

}  // namespace
}  // namespace ebsim::agents
