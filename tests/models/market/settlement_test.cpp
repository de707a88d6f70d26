#include "models/market/settlement.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/core/invariant.hpp"

namespace ebsim::market {
namespace {

constexpr double kTol = 1e-12;

Tariffs tariffs() {
  Tariffs t;
  t.retail_per_kwh = 0.30;
  t.feed_in_per_kwh = 0.05;
  t.exchange_fee_per_kwh = 0.01;
  return t;
}

MeterReading meter(double load_kwh, double pv_kwh, double charge_kwh = 0.0, double discharge_kwh = 0.0,
                   double soc_end_kwh = 0.0) {
  return MeterReading{load_kwh, pv_kwh, charge_kwh, discharge_kwh, soc_end_kwh};
}

Trade trade(ParticipantId buyer, ParticipantId seller, double quantity_kwh, double price_per_kwh) {
  return Trade{100 + buyer, 200 + seller, buyer, seller, quantity_kwh, price_per_kwh, price_per_kwh};
}

/** The hand-worked interval:
 *   P0 seller: load 0.5, PV 3.0                         -> surplus 2.5 kWh
 *   P1 buyer:  load 1.0                                 -> need    1.0 kWh
 *   P2 battery owner: load 2.0, PV 0.4, discharge 0.6,
 *                     soc after 1.4                     -> need 2.0 - 0.4 - 0.6 = 1.0 kWh
 * Trades at 0.20/kWh: P1 buys 1.0 from P0, P2 buys 0.5 from P0. */
std::vector<MeterReading> three_meters() {
  return {meter(0.5, 3.0), meter(1.0, 0.0), meter(2.0, 0.4, 0.0, 0.6, 1.4)};
}
std::vector<Trade> two_trades() { return {trade(1, 0, 1.0, 0.20), trade(2, 0, 0.5, 0.20)}; }

TEST(Settlement, HandWorkedThreeParticipantInterval) {
  const IntervalSettlement s = settle_interval(7, three_meters(), two_trades(), tariffs());
  EXPECT_EQ(s.interval, 7u);
  ASSERT_EQ(s.lines.size(), 3u);

  // P0 sells 1.0 + 0.5 = 1.5 of its 2.5 surplus; exports the other 1.0 at feed-in.
  //   market  -1.5 * 0.20 = -0.30   fee 1.5 * 0.01 = 0.015   utility -1.0 * 0.05 = -0.05
  //   total   -0.30 + 0.015 - 0.05 = -0.335
  //   energy: sources PV 3.0 = uses load 0.5 + export 1.0 + sold 1.5
  const SettlementLine& p0 = s.lines[0];
  EXPECT_EQ(p0.participant, 0u);
  EXPECT_EQ(p0.meter.pv_kwh, 3.0);
  EXPECT_NEAR(p0.market_buy_kwh, 0.0, kTol);
  EXPECT_NEAR(p0.market_sell_kwh, 1.5, kTol);
  EXPECT_NEAR(p0.utility_import_kwh, 0.0, kTol);
  EXPECT_NEAR(p0.utility_export_kwh, 1.0, kTol);
  EXPECT_NEAR(p0.market_payment, -0.30, kTol);
  EXPECT_NEAR(p0.fee_payment, 0.015, kTol);
  EXPECT_NEAR(p0.utility_payment, -0.05, kTol);
  EXPECT_NEAR(p0.total_payment, -0.335, kTol);
  EXPECT_NEAR(p0.energy_imbalance_kwh, 0.0, kTol);

  // P1 buys its whole need 1.0 locally; nothing from the utility.
  //   market 1.0 * 0.20 = 0.20   fee 0.01   utility 0   total 0.21
  const SettlementLine& p1 = s.lines[1];
  EXPECT_EQ(p1.participant, 1u);
  EXPECT_NEAR(p1.market_buy_kwh, 1.0, kTol);
  EXPECT_NEAR(p1.market_sell_kwh, 0.0, kTol);
  EXPECT_NEAR(p1.utility_import_kwh, 0.0, kTol);
  EXPECT_NEAR(p1.utility_export_kwh, 0.0, kTol);
  EXPECT_NEAR(p1.market_payment, 0.20, kTol);
  EXPECT_NEAR(p1.fee_payment, 0.01, kTol);
  EXPECT_NEAR(p1.utility_payment, 0.0, kTol);
  EXPECT_NEAR(p1.total_payment, 0.21, kTol);
  EXPECT_NEAR(p1.energy_imbalance_kwh, 0.0, kTol);

  // P2 needs 1.0 after PV and battery; buys 0.5 locally and imports 0.5 at retail.
  //   market 0.5 * 0.20 = 0.10   fee 0.005   utility 0.5 * 0.30 = 0.15   total 0.255
  //   energy: PV 0.4 + discharge 0.6 + import 0.5 + bought 0.5 = 2.0 = load 2.0
  const SettlementLine& p2 = s.lines[2];
  EXPECT_EQ(p2.participant, 2u);
  EXPECT_EQ(p2.meter.battery_discharge_kwh, 0.6);
  EXPECT_EQ(p2.meter.soc_end_kwh, 1.4);
  EXPECT_NEAR(p2.market_buy_kwh, 0.5, kTol);
  EXPECT_NEAR(p2.market_sell_kwh, 0.0, kTol);
  EXPECT_NEAR(p2.utility_import_kwh, 0.5, kTol);
  EXPECT_NEAR(p2.utility_export_kwh, 0.0, kTol);
  EXPECT_NEAR(p2.market_payment, 0.10, kTol);
  EXPECT_NEAR(p2.fee_payment, 0.005, kTol);
  EXPECT_NEAR(p2.utility_payment, 0.15, kTol);
  EXPECT_NEAR(p2.total_payment, 0.255, kTol);
  EXPECT_NEAR(p2.energy_imbalance_kwh, 0.0, kTol);

  // Totals.
  EXPECT_NEAR(s.total_meter.load_kwh, 3.5, kTol);
  EXPECT_NEAR(s.total_meter.pv_kwh, 3.4, kTol);
  EXPECT_NEAR(s.total_meter.battery_charge_kwh, 0.0, kTol);
  EXPECT_NEAR(s.total_meter.battery_discharge_kwh, 0.6, kTol);
  EXPECT_NEAR(s.total_meter.soc_end_kwh, 1.4, kTol);
  EXPECT_NEAR(s.market_buy_kwh, 1.5, kTol);
  EXPECT_NEAR(s.market_sell_kwh, 1.5, kTol);
  // Utility: imports 0.5 (P2), exports 1.0 (P0): receives 0.5 * 0.30 - 1.0 * 0.05 = 0.10.
  EXPECT_NEAR(s.utility_import_kwh, 0.5, kTol);
  EXPECT_NEAR(s.utility_export_kwh, 1.0, kTol);
  EXPECT_NEAR(s.utility_received, 0.10, kTol);
  // Exchange: 0.01 from each side of 1.5 kWh traded = 2 * 0.01 * 1.5 = 0.03.
  EXPECT_NEAR(s.exchange_received, 0.03, kTol);
  // Participants: -0.335 + 0.21 + 0.255 = 0.13 = 0.10 + 0.03.
  EXPECT_NEAR(s.participants_paid, 0.13, kTol);
  EXPECT_NEAR(s.money_imbalance, 0.0, kTol);
  EXPECT_NEAR(s.energy_imbalance_kwh, 0.0, kTol);

  EXPECT_NO_THROW(check_conservation(s, "interval 7"));
}

// Nodal pricing: the buyer pays the LMP of its bus (0.30), the seller receives the LMP of its
// own (0.10); the exchange keeps the congestion rent 2.0 * (0.30 - 0.10) = 0.40 plus the fees.
TEST(Settlement, TwoPriceTradeLeavesTheCongestionRentWithTheExchange) {
  const std::vector<MeterReading> meters{meter(0.0, 2.0), meter(2.0, 0.0)};
  const std::vector<Trade> trades{Trade{101, 200, 1, 0, 2.0, 0.30, 0.10}};
  const IntervalSettlement s = settle_interval(3, meters, trades, tariffs());
  EXPECT_NEAR(s.lines[0].market_payment, -2.0 * 0.10, kTol);  // the seller receives its own LMP
  EXPECT_NEAR(s.lines[1].market_payment, 2.0 * 0.30, kTol);   // the buyer pays its own
  EXPECT_NEAR(s.lines[0].fee_payment, 2.0 * 0.01, kTol);
  EXPECT_NEAR(s.lines[1].fee_payment, 2.0 * 0.01, kTol);
  EXPECT_NEAR(s.exchange_received, 2.0 * (0.30 - 0.10) + 2.0 * 2.0 * 0.01, kTol);
  EXPECT_NEAR(s.utility_received, 0.0, kTol);
  EXPECT_NEAR(s.money_imbalance, 0.0, kTol);
  EXPECT_NO_THROW(check_conservation(s, "interval 3"));
}

TEST(Settlement, NoTradesSettlesEverythingWithTheUtility) {
  // Without trades: P0 exports 2.5 (-0.125), P1 imports 1.0 (0.30), P2 imports 1.0 (0.30).
  const IntervalSettlement s = settle_interval(0, three_meters(), {}, tariffs());
  EXPECT_NEAR(s.lines[0].utility_export_kwh, 2.5, kTol);
  EXPECT_NEAR(s.lines[0].total_payment, -0.125, kTol);
  EXPECT_NEAR(s.lines[1].total_payment, 0.30, kTol);
  EXPECT_NEAR(s.lines[2].total_payment, 0.30, kTol);
  EXPECT_NEAR(s.participants_paid, 0.475, kTol);
  EXPECT_NEAR(s.utility_received, 0.475, kTol);
  EXPECT_EQ(s.exchange_received, 0.0);
  EXPECT_NO_THROW(check_conservation(s, "interval 0"));
}

/** The message of the InvariantViolation that check_conservation throws ("" if none). */
std::string violation(const IntervalSettlement& s, const std::string& label) {
  try {
    check_conservation(s, label);
  } catch (const InvariantViolation& e) {
    return e.what();
  }
  return "";
}

TEST(Settlement, OverFilledBuyerBreaksConservation) {
  // P1 needs 1.0 but the (bad) trade gives it 1.5. Utility flows cannot be negative, so
  // P1's meter sees sources 1.5 (bought) against uses 1.0 (load): imbalance +0.5.
  // P0 still balances: sells 1.5 + 0.5 = 2.0 of 2.5, exports 0.5.
  const std::vector<Trade> trades = {trade(1, 0, 1.5, 0.20), trade(2, 0, 0.5, 0.20)};
  const IntervalSettlement s = settle_interval(3, three_meters(), trades, tariffs());
  EXPECT_NEAR(s.lines[0].energy_imbalance_kwh, 0.0, kTol);
  EXPECT_NEAR(s.lines[1].utility_import_kwh, 0.0, kTol);
  EXPECT_NEAR(s.lines[1].energy_imbalance_kwh, 0.5, kTol);
  EXPECT_THROW(check_conservation(s, "interval 3"), InvariantViolation);
  const std::string label = "2026-06-21T04:15:00+02:00 (interval 3)";
  const std::string what = violation(s, label);
  EXPECT_EQ(what.rfind(label, 0), 0u) << "message should start with the label: " << what;
  EXPECT_NE(what.find("participant 1"), std::string::npos) << what;
  EXPECT_NE(what.find("0.5"), std::string::npos) << "message should name the imbalance: " << what;
}

TEST(Settlement, BuyerInSurplusBreaksConservation) {
  // P0 (surplus 2.5) is the buyer of 0.4 from P1, which here has PV 1.0 and no load
  // (surplus 1.0: sells 0.4, exports 0.6, balanced). P0 exports its whole 2.5 surplus and
  // also receives 0.4: sources 3.0 + 0.4 vs uses 0.5 + 2.5 -> +0.4 at participant 0.
  const std::vector<MeterReading> meters = {meter(0.5, 3.0), meter(0.0, 1.0), meter(2.0, 0.4, 0.0, 0.6, 1.4)};
  const IntervalSettlement s = settle_interval(9, meters, {trade(0, 1, 0.4, 0.20)}, tariffs());
  EXPECT_NEAR(s.lines[0].utility_export_kwh, 2.5, kTol);
  EXPECT_NEAR(s.lines[0].energy_imbalance_kwh, 0.4, kTol);
  EXPECT_NEAR(s.lines[1].energy_imbalance_kwh, 0.0, kTol);
  const std::string what = violation(s, "day 2 interval 9");
  EXPECT_EQ(what.rfind("day 2 interval 9", 0), 0u) << what;
  EXPECT_NE(what.find("participant 0"), std::string::npos) << what;
}

TEST(Settlement, MessageNamesTheLabelPassedIn) {
  const std::vector<Trade> trades = {trade(1, 0, 1.5, 0.20)};
  const IntervalSettlement s = settle_interval(3, three_meters(), trades, tariffs());
  for (const std::string label : {"interval 3", "2026-01-01T00:45:00+01:00", "variant B / interval 42"}) {
    const std::string what = violation(s, label);
    EXPECT_EQ(what.rfind(label, 0), 0u) << "label '" << label << "' missing from: " << what;
  }
}

TEST(Settlement, MoneyImbalanceThrows) {
  // Energy balances, but someone's money went missing (a settlement altered by hand).
  IntervalSettlement s = settle_interval(7, three_meters(), two_trades(), tariffs());
  s.money_imbalance = 0.01;
  const std::string what = violation(s, "interval 7");
  EXPECT_EQ(what.rfind("interval 7: money balance violated", 0), 0u) << what;
}

TEST(Settlement, UnbalancedLocalTradesThrow) {
  // Local purchases 1.5 vs local sales 1.4 (totals altered by hand): the total check fires.
  IntervalSettlement s = settle_interval(7, three_meters(), two_trades(), tariffs());
  s.market_sell_kwh = 1.4;
  const std::string what = violation(s, "interval 7");
  EXPECT_EQ(what.rfind("interval 7: total energy balance violated", 0), 0u) << what;
}

}  // namespace
}  // namespace ebsim::market

namespace ebsim::market {
namespace {

/** A plant that could produce 10 kWh sells 6 kWh to a household (load 6 kWh) at 0.12/kWh;
 * tariffs retail 0.30, feed-in 0.05, fee 0.01. */
IntervalSettlement plant_interval(bool dispatchable) {
  MeterReading plant;
  plant.generation_kwh = 10.0;
  plant.dispatchable = dispatchable;
  return settle_interval(0, {plant, MeterReading{6.0, 0.0}}, {Trade{1, 2, 1, 0, 6.0, 0.12, 0.12}}, tariffs());
}

TEST(Settlement, DispatchablePlantProducesWhatItSoldAndCurtailsTheRest) {
  const IntervalSettlement s = plant_interval(true);
  const SettlementLine& plant = s.lines[0];
  // Produced 6 (what it sold), curtailed 10 - 6 = 4, nothing exported.
  EXPECT_NEAR(plant.meter.generation_kwh, 6.0, kTol);
  EXPECT_NEAR(plant.curtailed_kwh, 4.0, kTol);
  EXPECT_NEAR(plant.utility_export_kwh, 0.0, kTol);
  // Paid: -6 x 0.12 + fee 6 x 0.01 = -0.72 + 0.06 = -0.66.
  EXPECT_NEAR(plant.total_payment, -0.66, kTol);
  EXPECT_NEAR(plant.energy_imbalance_kwh, 0.0, kTol);
  EXPECT_NEAR(s.total_meter.generation_kwh, 6.0, kTol);
  EXPECT_NEAR(s.curtailed_kwh, 4.0, kTol);
  EXPECT_NO_THROW(check_conservation(s, "plant interval"));
}

TEST(Settlement, MustRunPlantExportsWhatTheMarketDidNotTake) {
  const IntervalSettlement s = plant_interval(false);
  const SettlementLine& plant = s.lines[0];
  // Produced all 10; the 4 not sold go to the utility at feed-in: 4 x 0.05 = 0.20.
  EXPECT_NEAR(plant.meter.generation_kwh, 10.0, kTol);
  EXPECT_NEAR(plant.curtailed_kwh, 0.0, kTol);
  EXPECT_NEAR(plant.utility_export_kwh, 4.0, kTol);
  EXPECT_NEAR(plant.total_payment, -0.66 - 0.20, kTol);
  EXPECT_NEAR(s.utility_received, -0.20, kTol);
  EXPECT_NO_THROW(check_conservation(s, "plant interval"));
}

TEST(Settlement, GenerationCountsInTheEnergyBalance) {
  // A plant meter that claims 10 kWh produced but whose energy goes nowhere cannot happen through
  // settle_interval; a corrupted line must still be caught by the check.
  IntervalSettlement s = plant_interval(false);
  s.lines[0].energy_imbalance_kwh = 0.5;
  EXPECT_THROW(check_conservation(s, "plant interval"), InvariantViolation);
}

}  // namespace
}  // namespace ebsim::market
