#include "models/market/settlement.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/core/invariant.hpp"
#include "models/market/case_units.hpp"

namespace ebsim::market {

IntervalSettlement settle_interval(IntervalIndex k, const std::vector<MeterReading>& meters,
                                   const std::vector<Trade>& trades, const Tariffs& tariffs) {
  IntervalSettlement s;
  s.interval = k;
  s.lines.resize(meters.size());
  for (ParticipantId i = 0; i < meters.size(); ++i) {
    s.lines[i].participant = i;
    s.lines[i].meter = meters[i];
  }
  for (const Trade& t : trades) {
    // The grid party (the case's own units under nodal clearing) is paid and pays like anyone,
    // fee included, but on its own account: it has no meter and no settlement line.
    if (t.buyer == kGridParty) {
      s.grid_party_bought_kwh += t.quantity_kwh;
      s.grid_party_received -= t.quantity_kwh * (t.price_per_kwh + tariffs.exchange_fee_per_kwh);
    } else {
      SettlementLine& buyer = s.lines.at(t.buyer);
      buyer.market_buy_kwh += t.quantity_kwh;
      buyer.market_payment += t.quantity_kwh * t.price_per_kwh;
    }
    if (t.seller == kGridParty) {
      s.grid_party_sold_kwh += t.quantity_kwh;
      s.grid_party_received += t.quantity_kwh * (t.seller_price_per_kwh - tariffs.exchange_fee_per_kwh);
    } else {
      SettlementLine& seller = s.lines.at(t.seller);
      seller.market_sell_kwh += t.quantity_kwh;
      seller.market_payment -= t.quantity_kwh * t.seller_price_per_kwh;
    }
    // The exchange stands between buyer and seller: it keeps the fees from both sides and
    // what the buyer pays beyond what the seller receives (nodal pricing's congestion rent;
    // zero under every rule where both sides trade at one price).
    s.exchange_received += 2.0 * tariffs.exchange_fee_per_kwh * t.quantity_kwh +
                           t.quantity_kwh * (t.price_per_kwh - t.seller_price_per_kwh);
  }
  for (SettlementLine& line : s.lines) {
    MeterReading& m = line.meter;
    if (m.dispatchable) {
      // The plant follows its market position: it produces what it sold, no more.
      const double produced_kwh = std::min(m.generation_kwh, line.market_sell_kwh);
      line.curtailed_kwh = m.generation_kwh - produced_kwh;
      m.generation_kwh = produced_kwh;
    }
    const double residual_kwh =
        m.load_kwh + m.battery_charge_kwh - m.pv_kwh - m.generation_kwh - m.battery_discharge_kwh;
    const double need_kwh = std::max(0.0, residual_kwh);
    const double surplus_kwh = std::max(0.0, -residual_kwh);
    line.utility_import_kwh = std::max(0.0, need_kwh - line.market_buy_kwh);
    line.utility_export_kwh = std::max(0.0, surplus_kwh - line.market_sell_kwh);
    line.energy_imbalance_kwh = (m.pv_kwh + m.generation_kwh + m.battery_discharge_kwh + line.utility_import_kwh +
                                 line.market_buy_kwh) -
                                (m.load_kwh + m.battery_charge_kwh + line.utility_export_kwh + line.market_sell_kwh);
    line.fee_payment = tariffs.exchange_fee_per_kwh * (line.market_buy_kwh + line.market_sell_kwh);
    line.utility_payment =
        line.utility_import_kwh * tariffs.retail_per_kwh - line.utility_export_kwh * tariffs.feed_in_per_kwh;
    line.total_payment = line.market_payment + line.fee_payment + line.utility_payment;

    s.total_meter.load_kwh += m.load_kwh;
    s.total_meter.pv_kwh += m.pv_kwh;
    s.total_meter.battery_charge_kwh += m.battery_charge_kwh;
    s.total_meter.battery_discharge_kwh += m.battery_discharge_kwh;
    s.total_meter.soc_end_kwh += m.soc_end_kwh;
    s.total_meter.generation_kwh += m.generation_kwh;
    s.curtailed_kwh += line.curtailed_kwh;
    s.utility_import_kwh += line.utility_import_kwh;
    s.utility_export_kwh += line.utility_export_kwh;
    s.market_buy_kwh += line.market_buy_kwh;
    s.market_sell_kwh += line.market_sell_kwh;
    s.participants_paid += line.total_payment;
  }
  s.utility_received = s.utility_import_kwh * tariffs.retail_per_kwh - s.utility_export_kwh * tariffs.feed_in_per_kwh;
  // Local trades move energy between participants and the grid party: they cancel in the total
  // only if every kWh bought was sold, which the balance below therefore also checks. The grid
  // party's units generate what it sells and consume what it buys, so its own sources - uses
  // (generation + purchases - load - sales) is zero by construction.
  const double bought_kwh = s.market_buy_kwh + s.grid_party_bought_kwh;
  const double sold_kwh = s.market_sell_kwh + s.grid_party_sold_kwh;
  const double case_generation_kwh = s.grid_party_sold_kwh, case_load_kwh = s.grid_party_bought_kwh;
  s.energy_imbalance_kwh = (s.total_meter.pv_kwh + s.total_meter.generation_kwh + s.total_meter.battery_discharge_kwh +
                            s.utility_import_kwh + case_generation_kwh + bought_kwh) -
                           (s.total_meter.load_kwh + s.total_meter.battery_charge_kwh + s.utility_export_kwh +
                            case_load_kwh + sold_kwh) +
                           (sold_kwh - bought_kwh);
  s.money_imbalance = s.participants_paid - s.utility_received - s.exchange_received - s.grid_party_received;
  return s;
}

void check_conservation(const IntervalSettlement& s, const std::string& label) {
  // Relative tolerance: rounding in sums of many doubles grows with the totals.
  const double energy_scale =
      1.0 + s.total_meter.load_kwh + s.total_meter.pv_kwh + s.total_meter.generation_kwh + s.market_buy_kwh +
      s.grid_party_bought_kwh;
  const double energy_tol = 1e-9 * energy_scale;
  std::ostringstream msg;
  msg.precision(12);
  for (const SettlementLine& line : s.lines) {
    if (std::abs(line.energy_imbalance_kwh) > energy_tol || !std::isfinite(line.energy_imbalance_kwh)) {
      msg << label << ": energy balance violated at participant " << line.participant << ": sources - uses = "
          << line.energy_imbalance_kwh << " kWh";
      throw InvariantViolation(msg.str());
    }
  }
  const double bought_minus_sold_kwh =
      s.market_buy_kwh + s.grid_party_bought_kwh - s.market_sell_kwh - s.grid_party_sold_kwh;
  if (std::abs(s.energy_imbalance_kwh) > energy_tol || std::abs(bought_minus_sold_kwh) > energy_tol) {
    msg << label << ": total energy balance violated: sources - uses = " << s.energy_imbalance_kwh
        << " kWh, local purchases - local sales = " << bought_minus_sold_kwh << " kWh";
    throw InvariantViolation(msg.str());
  }
  const double money_scale = 1.0 + std::abs(s.participants_paid) + std::abs(s.utility_received) +
                             std::abs(s.exchange_received) + std::abs(s.grid_party_received) + s.market_buy_kwh +
                             s.grid_party_bought_kwh;
  if (std::abs(s.money_imbalance) > 1e-9 * money_scale || !std::isfinite(s.money_imbalance)) {
    msg << label << ": money balance violated: participants paid " << s.participants_paid << ", utility received "
        << s.utility_received << ", exchange received " << s.exchange_received << ", grid party received "
        << s.grid_party_received << " (imbalance " << s.money_imbalance
        << ")";
    throw InvariantViolation(msg.str());
  }
}

}  // namespace ebsim::market
