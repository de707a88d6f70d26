#include "models/market/security_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>

#include "models/grid/dc_network.hpp"
#include "models/grid/grid_view.hpp"
#include "models/grid/zonal.hpp"
#include "models/market/case_units.hpp"

namespace ebsim::market {

namespace {

/** Flows per unit of each trade, computed once: for every trade, the MW on each GridModel
 * branch when it delivers 1 MW from its seller's bus to its buyer's bus. */
class TradeFlowModel {
 public:
  TradeFlowModel(std::span<const Trade> trades, const grid::GridView& grid)
      : branch_count_(grid.model().branches.size()), mw_per_kwh_(1.0 / (grid.interval_h() * 1000.0)) {
    const grid::GridModel& model = grid.model();
    const grid::DcNetwork network = grid::build_dc_network(model);
    std::map<std::size_t, Eigen::MatrixXd> ptdf_by_slack;  // one per island a seller sits in
    unit_flows_.reserve(trades.size());
    for (const Trade& trade : trades) {
      // trade_side_bus: the grid party's trades (nodal with the case's units) sit at their unit's bus.
      const std::size_t seller_bus = model.bus_index(trade_side_bus(trade.seller, trade.sell_order, grid));
      const std::size_t buyer_bus = model.bus_index(trade_side_bus(trade.buyer, trade.buy_order, grid));
      const std::size_t slack = network.reference_buses.at(network.bus_island.at(seller_bus));
      auto it = ptdf_by_slack.find(slack);
      if (it == ptdf_by_slack.end()) it = ptdf_by_slack.emplace(slack, grid::ptdf(model, slack)).first;
      const Eigen::MatrixXd& factors = it->second;
      std::vector<double> unit(branch_count_, 0.0);
      for (std::size_t row = 0; row < network.branch_index.size(); ++row) {
        unit[network.branch_index[row]] = factors(row, seller_bus) - factors(row, buyer_bus);
      }
      unit_flows_.push_back(std::move(unit));
    }
  }

  /** Branch flows (MW) of the trades at `positions` (positions into the constructor's trades). */
  std::vector<double> flows_mw(std::span<const Trade> trades, std::span<const std::size_t> positions) const {
    std::vector<double> flows(branch_count_, 0.0);
    for (std::size_t p : positions) {
      const double mw = trades[p].quantity_kwh * mw_per_kwh_;
      for (std::size_t b = 0; b < branch_count_; ++b) flows[b] += unit_flows_[p][b] * mw;
    }
    return flows;
  }

  /** MW on `branch` per MW traded by the trade at `position`. */
  double unit_flow(std::size_t position, std::size_t branch) const { return unit_flows_[position][branch]; }

 private:
  std::size_t branch_count_;
  double mw_per_kwh_;
  std::vector<std::vector<double>> unit_flows_;
};

/** The branch whose flow exceeds its RATE_A by the largest ratio, or npos if none does. */
std::size_t most_overloaded(const grid::GridModel& model, const std::vector<double>& flows_mw,
                            const std::vector<bool>* only = nullptr) {
  constexpr double kRelativeTolerance = 1e-9;
  std::size_t worst = std::numeric_limits<std::size_t>::max();
  double worst_ratio = 1.0;
  for (std::size_t b = 0; b < model.branches.size(); ++b) {
    if (only != nullptr && !(*only)[b]) continue;
    const double limit_mw = model.branches[b].rate_a_mva;
    if (!(limit_mw > 0.0) || !grid::in_dc_network(model, b)) continue;
    const double ratio = std::abs(flows_mw[b]) / limit_mw;
    if (ratio > 1.0 + kRelativeTolerance && ratio > worst_ratio) {
      worst = b;
      worst_ratio = ratio;
    }
  }
  return worst;
}

/** When a trade was declared: its later order's arrival (NaN and unknown orders as +inf) and id,
 * then the other order's id. Larger = declared later. */
using DeclarationKey = std::tuple<double, OrderId, OrderId>;

DeclarationKey declaration_key(const Trade& trade, const std::unordered_map<OrderId, double>& arrived_s) {
  const auto arrival = [&](OrderId id) {
    const auto it = arrived_s.find(id);
    if (it == arrived_s.end() || std::isnan(it->second)) return std::numeric_limits<double>::infinity();
    return it->second;
  };
  const double buy_s = arrival(trade.buy_order);
  const double sell_s = arrival(trade.sell_order);
  const bool buy_later = std::make_tuple(buy_s, trade.buy_order) > std::make_tuple(sell_s, trade.sell_order);
  return buy_later ? DeclarationKey{buy_s, trade.buy_order, trade.sell_order}
                   : DeclarationKey{sell_s, trade.sell_order, trade.buy_order};
}

/** When each order arrived (the declaration time the checks cancel by), by id. */
std::unordered_map<OrderId, double> arrival_times(std::span<const Order> bids, std::span<const Order> offers) {
  std::unordered_map<OrderId, double> arrived_s;  // lookups only
  for (const auto side : {bids, offers}) {
    for (const Order& order : side) arrived_s[order.id] = order.arrived_s;
  }
  return arrived_s;
}

/** 0, 1, ..., n - 1: every trade's position. */
std::vector<std::size_t> all_positions(std::size_t n) {
  std::vector<std::size_t> positions(n);
  for (std::size_t p = 0; p < n; ++p) positions[p] = p;
  return positions;
}

/** Among the standing trades (`kept`, positions in `trades`) that `eligible` accepts, the index in
 * `kept` of the one declared last (equal keys: the later position); kept.size() if none. */
template <typename Eligible>
std::size_t last_declared(std::span<const Trade> trades, const std::vector<std::size_t>& kept,
                          const std::unordered_map<OrderId, double>& arrived_s, Eligible&& eligible) {
  std::size_t last = kept.size();
  for (std::size_t k = 0; k < kept.size(); ++k) {
    if (!eligible(kept[k])) continue;
    if (last == kept.size() ||
        declaration_key(trades[kept[k]], arrived_s) >= declaration_key(trades[kept[last]], arrived_s))
      last = k;
  }
  return last;
}

/** The trades at positions `kept`, in order. */
std::vector<Trade> trades_at(std::span<const Trade> trades, const std::vector<std::size_t>& kept) {
  std::vector<Trade> out;
  out.reserve(kept.size());
  for (std::size_t p : kept) out.push_back(trades[p]);
  return out;
}

}  // namespace

std::vector<double> zone_net_exports_mw(std::span<const Trade> trades, const grid::GridView& grid) {
  const double mw_per_kwh = 1.0 / (grid.interval_h() * 1000.0);
  std::vector<double> exports(grid.zonal().zones.size(), 0.0);
  for (const Trade& trade : trades) {
    const std::size_t seller_zone = grid.zone_of(trade.seller);
    const std::size_t buyer_zone = grid.zone_of(trade.buyer);
    if (seller_zone == buyer_zone) continue;  // adds nothing to either zone's net export
    exports[seller_zone] += trade.quantity_kwh * mw_per_kwh;
    exports[buyer_zone] -= trade.quantity_kwh * mw_per_kwh;
  }
  return exports;
}

namespace {

/** The congestion of one transfer check, as reported per tie-line (see SecurityIteration). */
std::vector<TieLineCongestion> congestions_of(const grid::ZonalModel& zonal, const std::vector<double>& exports,
                                              const grid::TransferCheck& check) {
  std::vector<TieLineCongestion> out;
  if (check.feasible) return out;
  double cut_transfer_mw = 0.0, cut_capacity_mw = 0.0;
  for (std::size_t z = 0; z < exports.size(); ++z)
    if (check.exporter_side[z]) cut_transfer_mw += exports[z];
  for (std::size_t t : check.congested_tie_lines) cut_capacity_mw += zonal.tie_lines[t].capacity_mw;
  for (std::size_t t : check.congested_tie_lines) {
    const bool forward = check.exporter_side[zonal.tie_lines[t].from_zone];
    out.push_back(TieLineCongestion{t, forward ? cut_transfer_mw : -cut_transfer_mw, cut_capacity_mw});
  }
  return out;
}

}  // namespace

std::vector<TieLineCongestion> congested_tie_lines(std::span<const Trade> trades, const grid::GridView& grid) {
  const std::vector<double> exports = zone_net_exports_mw(trades, grid);
  return congestions_of(grid.zonal(), exports, grid::check_transfers(grid.zonal(), exports));
}

std::vector<double> trade_flows_mw(std::span<const Trade> trades, const grid::GridView& grid) {
  return TradeFlowModel(trades, grid).flows_mw(trades, all_positions(trades.size()));
}

namespace {

/** The zonal counterpart of cancel_last below: the same loop over the tie-lines' transfer check. */
SecurityCheckResult cancel_last_zonal(std::span<const Trade> trades, std::span<const Order> bids,
                                      std::span<const Order> offers, const grid::GridView& grid,
                                      const std::vector<bool>* only) {
  SecurityCheckResult result;
  const std::unordered_map<OrderId, double> arrived_s = arrival_times(bids, offers);
  const grid::ZonalModel& zonal = grid.zonal();
  std::vector<std::size_t> kept = all_positions(trades.size());  // the trades still standing, in order
  for (std::uint32_t iteration = 0; !kept.empty(); ++iteration) {
    const std::vector<double> exports = zone_net_exports_mw(trades_at(trades, kept), grid);
    const grid::TransferCheck check = grid::check_transfers(zonal, exports);
    if (check.feasible) break;
    const std::vector<TieLineCongestion> congested = congestions_of(zonal, exports, check);
    const auto watched = std::find_if(congested.begin(), congested.end(), [&](const TieLineCongestion& c) {
      return only == nullptr || (*only)[c.tie_line];
    });
    if (watched == congested.end()) break;  // nothing (watched) is congested: disconnected zones, or not ours
    // The trade declared last among those that carry energy out of the exporting side of the cut
    // (cancelling one that carries energy into it would only make things worse). The exporting
    // side exports more than the cut carries, so at least one trade crosses it outwards.
    const std::size_t last = last_declared(trades, kept, arrived_s, [&](std::size_t p) {
      return check.exporter_side[grid.zone_of(trades[p].seller)] && !check.exporter_side[grid.zone_of(trades[p].buyer)];
    });
    if (last == kept.size()) break;  // unreachable: an infeasible cut has a trade crossing it outwards
    result.iterations.push_back(
        SecurityIteration{iteration, watched->tie_line, watched->transfer_mw, watched->capacity_mw, trades[kept[last]]});
    kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(last));
  }
  result.kept = trades_at(trades, kept);
  return result;
}

SecurityCheckResult cancel_last(std::span<const Trade> trades, std::span<const Order> bids,
                                std::span<const Order> offers, const grid::GridView& grid,
                                const std::vector<bool>* only) {
  SecurityCheckResult result;
  const std::unordered_map<OrderId, double> arrived_s = arrival_times(bids, offers);
  const TradeFlowModel flow_model(trades, grid);
  std::vector<std::size_t> kept = all_positions(trades.size());  // the trades still standing, in order

  for (std::uint32_t iteration = 0;; ++iteration) {
    const std::vector<double> flows = flow_model.flows_mw(trades, kept);
    const std::size_t branch = most_overloaded(grid.model(), flows, only);
    if (branch == std::numeric_limits<std::size_t>::max() || kept.empty()) break;
    // The trade declared last among those that push flow in the overload's direction on
    // this branch (cancelling one that relieves it would only make things worse); equal keys
    // go to the later position. Some trade must add to an overload, so one is always found.
    const std::size_t last = last_declared(trades, kept, arrived_s, [&](std::size_t p) {
      return flow_model.unit_flow(p, branch) * flows[branch] > 0.0;
    });
    if (last == kept.size()) break;  // unreachable: an overload has a contributing trade
    result.iterations.push_back(
        SecurityIteration{iteration, branch, flows[branch], grid.model().branches[branch].rate_a_mva, trades[kept[last]]});
    kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(last));
  }
  result.kept = trades_at(trades, kept);
  return result;
}

}  // namespace

SecurityCheckResult security_check(std::span<const Trade> trades, std::span<const Order> bids,
                                   std::span<const Order> offers, const grid::GridView& grid, SecurityCheck mode) {
  switch (mode) {
    case SecurityCheck::kNone: {
      SecurityCheckResult result;
      result.kept.assign(trades.begin(), trades.end());
      return result;
    }
    case SecurityCheck::kCancelLast:
      break;
  }
  if (grid.is_zonal()) return cancel_last_zonal(trades, bids, offers, grid, nullptr);
  return cancel_last(trades, bids, offers, grid, nullptr);
}

SecurityCheckResult security_check_on(std::span<const Trade> trades, std::span<const Order> bids,
                                      std::span<const Order> offers, const grid::GridView& grid,
                                      std::span<const std::size_t> branches) {
  std::vector<bool> only(grid.is_zonal() ? grid.zonal().tie_lines.size() : grid.model().branches.size(), false);
  for (std::size_t b : branches) {
    if (b < only.size()) only[b] = true;
  }
  if (grid.is_zonal()) return cancel_last_zonal(trades, bids, offers, grid, &only);
  return cancel_last(trades, bids, offers, grid, &only);
}

}  // namespace ebsim::market
