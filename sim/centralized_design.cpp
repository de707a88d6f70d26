#include <cmath>
#include <cstring>

#include "models/grid/zonal.hpp"
#include "models/market/exchange.hpp"
#include "models/market/security_check.hpp"
#include "sim/market_design.hpp"
#include "sim/market_design_registry.hpp"

namespace ebsim::sim {

void copy_name(char (&dst)[trace::kNameLength], const std::string& src) {
  std::memset(dst, 0, sizeof dst);
  std::memcpy(dst, src.data(), std::min(src.size(), sizeof dst - 1));
}

namespace {
/** /line_flows rows of one interval's final trades (see LineFlowRecord). */
void record_line_flows(trace::TraceWriter& writer, const grid::GridView& grid, const market::ClearedInterval& c) {
  const std::span<const market::Trade> trades(c.result.trades);
  if (grid.is_zonal()) {
    const grid::ZonalModel& zonal = grid.zonal();
    const std::vector<double> exports = market::zone_net_exports_mw(trades, grid);
    grid::TransferCheck transfers = grid::check_transfers(zonal, exports);
    if (!transfers.feasible) {
      // Show what the trades ask of the tie-lines (an overload), not the most they could carry:
      // the same transport with every capacity lifted.
      grid::ZonalModel uncapped = zonal;
      for (grid::TieLine& tie : uncapped.tie_lines) tie.capacity_mw = grid::kUnlimitedMw;
      transfers = grid::check_transfers(uncapped, exports);
    }
    for (std::size_t t = 0; t < zonal.tie_lines.size(); ++t) {
      const grid::TieLine& tie = zonal.tie_lines[t];
      const double limit = std::isinf(tie.capacity_mw) ? 0.0 : tie.capacity_mw;
      writer.add(trace::LineFlowRecord{c.interval, static_cast<std::uint32_t>(t), zonal.zones[tie.from_zone].id,
                                       zonal.zones[tie.to_zone].id, transfers.tie_line_flow_mw.at(t), limit});
    }
    return;
  }
  const std::vector<double> flows = market::trade_flows_mw(trades, grid);
  const grid::GridModel& model = grid.model();
  for (std::size_t b = 0; b < model.branches.size(); ++b) {
    const grid::Branch& branch = model.branches[b];
    writer.add(trace::LineFlowRecord{c.interval, static_cast<std::uint32_t>(b), branch.from_bus, branch.to_bus,
                                     flows.at(b), branch.rate_a_mva});
  }
}
}  // namespace

void record_settlement(trace::TraceWriter& writer, const Scenario& sc, const market::MarketTiming& timing,
                       const grid::GridView* grid, const market::ClearedInterval& c,
                       const market::IntervalSettlement& s, const std::vector<std::uint32_t>& objecting_node) {
  if (grid != nullptr) record_line_flows(writer, *grid, c);
  for (const market::Trade& t : c.result.trades)
    writer.add(trace::TradeRecord{c.interval, t.buy_order, t.sell_order, t.buyer, t.seller, t.quantity_kwh,
                                  t.price_per_kwh, t.seller_price_per_kwh});
  for (const market::SettlementLine& l : s.lines) {
    writer.add(trace::SettlementRecord{c.interval, l.participant, l.meter.load_kwh, l.meter.pv_kwh,
                                       l.meter.battery_charge_kwh, l.meter.battery_discharge_kwh, l.meter.soc_end_kwh,
                                       l.market_buy_kwh, l.market_sell_kwh, l.utility_import_kwh, l.utility_export_kwh,
                                       l.market_payment, l.fee_payment, l.utility_payment, l.total_payment});
  }
  for (std::size_t i = 0; i < c.security_iterations.size(); ++i) {
    const market::SecurityIteration& it = c.security_iterations[i];
    const grid::Branch& branch = sc.grid.model.branches.at(it.branch);
    const market::Trade& t = it.cancelled;
    writer.add(trace::SecurityCheckRecord{c.interval, it.iteration, static_cast<std::uint32_t>(it.branch),
                                          branch.from_bus, branch.to_bus, it.flow_mw, it.limit_mw, t.buy_order,
                                          t.sell_order, t.buyer, t.seller, t.quantity_kwh,
                                          static_cast<std::uint32_t>(c.security_iterations.size()),
                                          i < objecting_node.size() ? objecting_node[i] : 0xFFFFFFFFu});
  }
  trace::IntervalRecord r;
  r.interval = c.interval;
  r.delivery_start_s = timing.delivery_start_s(c.interval);
  r.delivery_start_unix_s = sc.start_unix_s + static_cast<std::int64_t>(std::llround(c.interval * timing.interval_s));
  r.gate_closure_s = c.gate_closure_s;
  r.bids = c.bids;
  r.offers = c.offers;
  r.rejected_late = c.rejected_late;
  r.rejected_other = c.rejected_other;
  r.trades = static_cast<std::uint32_t>(c.result.trades.size());
  r.has_price = c.result.has_price ? 1 : 0;
  r.clearing_price_per_kwh = c.result.has_price ? c.result.clearing_price_per_kwh : std::nan("");
  r.cleared_kwh = c.result.cleared_kwh;
  r.declared_welfare = c.result.declared_welfare;
  r.load_kwh = s.total_meter.load_kwh;
  r.pv_kwh = s.total_meter.pv_kwh;
  r.battery_charge_kwh = s.total_meter.battery_charge_kwh;
  r.battery_discharge_kwh = s.total_meter.battery_discharge_kwh;
  r.utility_import_kwh = s.utility_import_kwh;
  r.utility_export_kwh = s.utility_export_kwh;
  r.participants_paid = s.participants_paid;
  r.utility_received = s.utility_received;
  r.exchange_received = s.exchange_received;
  r.grid_party_sold_kwh = s.grid_party_sold_kwh;
  r.grid_party_bought_kwh = s.grid_party_bought_kwh;
  r.grid_party_received = s.grid_party_received;
  r.energy_imbalance_kwh = s.energy_imbalance_kwh;
  r.money_imbalance = s.money_imbalance;
  writer.add(r);
}


namespace {

/** SPEC §3 centralized: one exchange collects, clears and settles; its commit is final. */
class CentralizedDesign final : public DesignRun {
 public:
  explicit CentralizedDesign(const Scenario& sc) : exchange_node_(static_cast<NodeId>(sc.participant_count())) {}

  std::vector<std::string> roles() const override { return {"participant", "exchange"}; }

  void configure_participant(agents::AgentParams& params, const ParticipantGroup&) override {
    params.market_node = exchange_node_;
  }

  void add_market_nodes(RunContext& run) override {
    const Scenario& sc = run.scenario;
    market::ExchangeParams xp;
    xp.timing = run.timing;
    xp.tariffs = {sc.utility.retail_per_kwh, sc.utility.feed_in_per_kwh, sc.market.exchange_fee_per_kwh};
    xp.ack_bytes = sc.network.sizes.ack_bytes;
    xp.result_bytes = sc.network.sizes.result_bytes;
    xp.result_per_trade_bytes = sc.network.sizes.result_per_trade_bytes;
    xp.settlement_bytes = sc.network.sizes.settlement_bytes;
    xp.seed = sc.seed;
    xp.grid = run.grid;
    xp.security_check = sc.grid.security_check;
    xp.interval_label = run.interval_label;
    std::vector<NodeId> participant_nodes(run.participants.size());
    for (NodeId i = 0; i < participant_nodes.size(); ++i) participant_nodes[i] = i;
    const auto& participants = run.participants;
    auto exchange = std::make_unique<market::Exchange>(
        xp, run.rule, std::move(participant_nodes),
        [&participants](ParticipantId p, IntervalIndex k) -> const market::MeterReading& {
          return participants[p]->meter(k);
        });
    exchange->settled.connect([&run](const market::ClearedInterval& c, const market::IntervalSettlement& s) {
      record_settlement(run.writer, run.scenario, run.timing, run.grid, c, s);
    });
    const NodeId id = run.runtime.add_node(std::move(exchange), run.platform.exchange, "exchange", 0, 1);
    if (id != exchange_node_) throw std::logic_error("centralized design: the exchange is not the node after the participants");
  }

  void finish(RunContext&) override {}

  void fill_metadata(trace::RunMetadata& metadata) const override { metadata.market_design = "centralized"; }

 private:
  NodeId exchange_node_;
};

}  // namespace

std::unique_ptr<DesignRun> make_centralized_design(const Scenario& scenario) {
  return std::make_unique<CentralizedDesign>(scenario);
}

namespace {
const MarketDesignRegistration kRegistration{
    "centralized",
    {.settles_case_units = true, .build_platform = build_centralized_platform, .make_run = make_centralized_design}};
}  // namespace

}  // namespace ebsim::sim
