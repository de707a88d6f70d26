#include "models/market/nodal.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "models/grid/dc_opf.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/case_units.hpp"
#include "models/market/pay_as_clear.hpp"  // kQuantityTolerance_kwh

namespace ebsim::market {

namespace {

/** One admitted order placed on the grid, and what it cleared (rule steps 2, 4 and 5). */
struct PlacedOrder {
  const Order* order = nullptr;
  std::size_t bus_position = 0;  // in GridModel::buses
  double cleared_kwh = 0.0;
  double price_per_kwh = 0.0;    // what it pays (buy) or receives (sell) per kWh
};

/** Sort a side by (bus position, order id): the rule's deterministic order (steps 2 and 6). */
void sort_by_bus(std::vector<PlacedOrder>& side) {
  std::sort(side.begin(), side.end(), [](const PlacedOrder& a, const PlacedOrder& b) {
    return std::make_tuple(a.bus_position, a.order->id) < std::make_tuple(b.bus_position, b.order->id);
  });
}

/** The admissible orders of one side, sorted by (bus position, order id). */
std::vector<PlacedOrder> place(std::span<const Order> orders, const grid::GridView& grid) {
  std::vector<PlacedOrder> placed;
  for (const Order& order : orders) {
    if (!is_admissible(order)) continue;
    if (order.participant >= grid.participant_count()) {
      throw std::invalid_argument("nodal: participant " + std::to_string(order.participant) + " has no bus");
    }
    placed.push_back(PlacedOrder{&order, grid.model().bus_index(grid.bus_of(order.participant)), 0.0, 0.0});
  }
  sort_by_bus(placed);
  return placed;
}

/** What the case's own units did in the OPF, as the grid party's orders (rule step 3b): one per
 * in-service generator with output and one per bus with fixed load, on the side its energy goes
 * (a generator's output sells, a bus's Pd + Gs buys; a negative value flips the side). The
 * quantity is the energy of the interval, the limit price the LMP of the unit's bus, so that the
 * unit trades exactly at its bus's price and declared_welfare counts it at that price. */
std::vector<Order> case_unit_orders(const grid::GridModel& model, const grid::DcOpfResult& opf, double interval_h,
                                    IntervalIndex interval) {
  std::vector<Order> orders;
  auto add = [&](OrderId id, std::size_t bus_position, double kwh, Side positive_side) {
    if (std::abs(kwh) <= kQuantityTolerance_kwh) return;
    const Side side = kwh > 0.0 ? positive_side : (positive_side == Side::kBuy ? Side::kSell : Side::kBuy);
    orders.push_back(Order{id, kGridParty, interval, side, std::abs(kwh), opf.lmp_per_mwh[bus_position] / 1000.0,
                           0.0, 0.0});
  };
  for (std::size_t g = 0; g < model.generators.size(); ++g) {
    const grid::Generator& generator = model.generators[g];
    if (!generator.in_service) continue;
    add(case_generator_order(g), model.bus_index(generator.bus), opf.pg_mw[g] * interval_h * 1000.0, Side::kSell);
  }
  for (std::size_t b = 0; b < model.buses.size(); ++b) {
    const grid::Bus& bus = model.buses[b];
    if (bus.type == grid::BusType::kIsolated) continue;  // out of the DC model: its load is not served
    add(case_load_order(bus.id), b, (bus.pd_mw + bus.gs_mw) * interval_h * 1000.0, Side::kBuy);
  }
  return orders;
}

/** The network alone: a copy of `model` whose own loads and generators are all zero (rule step 3). */
grid::GridModel network_only(const grid::GridModel& model) {
  grid::GridModel copy = model;
  for (grid::Bus& bus : copy.buses) bus.pd_mw = bus.gs_mw = 0.0;
  for (grid::Generator& generator : copy.generators) generator.pg_mw = generator.pmin_mw = generator.pmax_mw = 0.0;
  return copy;
}

/** Take `excess_kwh` of solver residue off the last orders of `side`. */
void trim(std::vector<PlacedOrder>& side, double excess_kwh) {
  for (auto it = side.rbegin(); it != side.rend() && excess_kwh > 0.0; ++it) {
    const double take_kwh = std::min(it->cleared_kwh, excess_kwh);
    it->cleared_kwh -= take_kwh;
    excess_kwh -= take_kwh;
  }
}

}  // namespace

ClearingResult Nodal::clear(const OrderBook& book, const grid::GridView* view, Rng& /*rng*/) const {
  if (view == nullptr) throw std::invalid_argument("nodal: needs a grid (scenario key grid)");
  ClearingResult result;
  std::vector<PlacedOrder> buys = place(book.bids, *view);
  std::vector<PlacedOrder> sells = place(book.offers, *view);
  // With the case's units the OPF runs every interval: the case's loads are served even when
  // the participants' orders are all on one side (or absent).
  const bool with_case_units = params_.include_case_units;
  if (!with_case_units && (buys.empty() || sells.empty())) return result;

  // Rule steps 2 and 3: the orders as MW and $/MWh at their buses, cleared by the DC-OPF.
  const double mw_per_kwh = 1.0 / (view->interval_h() * 1000.0);
  std::vector<grid::BusOrder> bus_orders;
  bus_orders.reserve(buys.size() + sells.size());
  for (const auto* side : {&buys, &sells}) {
    for (const PlacedOrder& placed : *side) {
      bus_orders.push_back(grid::BusOrder{view->bus_of(placed.order->participant), side == &buys,
                                          placed.order->quantity_kwh * mw_per_kwh,
                                          placed.order->limit_price_per_kwh * 1000.0});
    }
  }
  const grid::GridModel& model = view->model();
  const grid::DcOpfResult opf = grid::solve_dc_opf(with_case_units ? model : network_only(model), bus_orders);
  if (!opf.optimal) {
    throw std::runtime_error("nodal: the DC-OPF of interval " + std::to_string(book.interval) +
                             " has no optimum (" + opf.status + ")");
  }

  // Rule steps 4 and 5: quantities back to kWh, prices per kWh.
  std::size_t next = 0;
  double bought_kwh = 0.0, sold_kwh = 0.0;
  for (auto* side : {&buys, &sells}) {
    const bool is_buy = side == &buys;
    for (PlacedOrder& placed : *side) {
      const Order& order = *placed.order;
      double kwh = std::clamp(opf.order_cleared_mw[next++] / mw_per_kwh, 0.0, order.quantity_kwh);
      if (kwh <= kQuantityTolerance_kwh) kwh = 0.0;
      placed.cleared_kwh = kwh;
      (is_buy ? bought_kwh : sold_kwh) += kwh;
      const double lmp_per_kwh = opf.lmp_per_mwh[placed.bus_position] / 1000.0;
      placed.price_per_kwh = is_buy ? std::min(lmp_per_kwh, order.limit_price_per_kwh)
                                    : std::max(lmp_per_kwh, order.limit_price_per_kwh);
    }
  }
  // Rule step 3b: the case's units join the cleared orders as the grid party's, at their buses' LMPs.
  std::vector<Order> case_orders;  // owns the grid party's orders; PlacedOrder points into it
  if (with_case_units) {
    case_orders = case_unit_orders(model, opf, view->interval_h(), book.interval);
    for (const Order& order : case_orders) {
      const std::size_t bus_position = model.bus_index(trade_side_bus(kGridParty, order.id, *view));
      const bool is_buy = order.side == Side::kBuy;
      (is_buy ? buys : sells).push_back(PlacedOrder{&order, bus_position, order.quantity_kwh, order.limit_price_per_kwh});
      (is_buy ? bought_kwh : sold_kwh) += order.quantity_kwh;
    }
    sort_by_bus(buys);
    sort_by_bus(sells);
  }
  if (bought_kwh > sold_kwh) trim(buys, bought_kwh - sold_kwh);
  if (sold_kwh > bought_kwh) trim(sells, sold_kwh - bought_kwh);
  std::erase_if(buys, [](const PlacedOrder& p) { return p.cleared_kwh <= kQuantityTolerance_kwh; });
  std::erase_if(sells, [](const PlacedOrder& p) { return p.cleared_kwh <= kQuantityTolerance_kwh; });

  // Rule step 6: pair cleared buys and sells greedily, each in (bus position, order id) order.
  std::size_t b = 0, s = 0;
  double buy_left_kwh = buys.empty() ? 0.0 : buys[0].cleared_kwh;
  double sell_left_kwh = sells.empty() ? 0.0 : sells[0].cleared_kwh;
  while (b < buys.size() && s < sells.size()) {
    const Order& bid = *buys[b].order;
    const Order& offer = *sells[s].order;
    const double quantity_kwh = std::min(buy_left_kwh, sell_left_kwh);
    result.trades.push_back(Trade{bid.id, offer.id, bid.participant, offer.participant, quantity_kwh,
                                  buys[b].price_per_kwh, sells[s].price_per_kwh});
    result.cleared_kwh += quantity_kwh;
    result.declared_welfare += (bid.limit_price_per_kwh - offer.limit_price_per_kwh) * quantity_kwh;
    buy_left_kwh -= quantity_kwh;
    sell_left_kwh -= quantity_kwh;
    if (buy_left_kwh <= kQuantityTolerance_kwh && ++b < buys.size()) buy_left_kwh = buys[b].cleared_kwh;
    if (sell_left_kwh <= kQuantityTolerance_kwh && ++s < sells.size()) sell_left_kwh = sells[s].cleared_kwh;
  }
  set_volume_weighted_price(result);
  return result;
}

namespace {
const ClearingRuleRegistration kRegistration(std::string(Nodal::kName), [](const ClearingRuleParams& params) {
  return std::make_unique<Nodal>(NodalParams{params.nodal_includes_case_units});
});
}  // namespace

}  // namespace ebsim::market
