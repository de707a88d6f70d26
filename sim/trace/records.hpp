#pragma once
/** Rows of the HDF5 trace, one struct per dataset. Plain data with fixed layout:
 * each maps field-for-field onto an HDF5 compound type (sim/trace/table_specs.cpp),
 * and docs/trace-format.md documents every column. Units are in the names.
 * Payments: positive means the participant pays; currency units (Scenario::currency). */
#include <cstdint>

namespace ebsim::trace {

inline constexpr int kNameLength = 48;  // fixed-length, NUL-padded names in the trace

/** /groups: one row per participant group of the scenario. */
struct GroupRecord {
  std::uint32_t group = 0;
  char name[kNameLength] = {};
  std::uint8_t type = 0;             // 0 prosumer, 1 consumer
  std::uint32_t count = 0;
  std::uint8_t strategy = 0;         // 0 truthful, 1 zero_intelligence
};

/** /participants: one row per participant. */
struct ParticipantRecord {
  std::uint32_t participant = 0;
  std::uint32_t group = 0;
  std::uint32_t node = 0;            // runtime node id
  double pv_peak_kw = 0.0;           // 0 without PV
  double battery_capacity_kwh = 0.0; // 0 without battery
  double battery_power_kw = 0.0;
  double access_latency_s = 0.0;
  double access_bandwidth_bytes_per_s = 0.0;
};

/** /orders: every order sent, admitted or not. */
struct OrderRecord {
  std::uint64_t order = 0;
  std::uint32_t interval = 0;
  std::uint32_t participant = 0;
  std::uint8_t side = 0;             // 0 buy (bid), 1 sell (offer)
  std::uint8_t status = 0;           // market::OrderStatus
  double quantity_kwh = 0.0;
  double limit_price_per_kwh = 0.0;
  double submitted_s = 0.0;          // simulated time sent
  double arrived_s = 0.0;            // simulated time received by the market
  double matched_kwh = 0.0;          // quantity traded locally
  double result_received_s = -1.0;   // when the participant received its result (-1: none, e.g. late)
};

/** /trades: every local trade. */
struct TradeRecord {
  std::uint32_t interval = 0;
  std::uint64_t buy_order = 0;
  std::uint64_t sell_order = 0;
  std::uint32_t buyer = 0;
  std::uint32_t seller = 0;
  double quantity_kwh = 0.0;
  double price_per_kwh = 0.0;         // what the buyer pays per kWh
  double seller_price_per_kwh = 0.0;  // what the seller receives per kWh (differs only under nodal)
};

/** /intervals: one row per delivery interval: market result and totals. */
struct IntervalRecord {
  std::uint32_t interval = 0;
  double delivery_start_s = 0.0;     // simulated time delivery starts
  std::int64_t delivery_start_unix_s = 0;
  double gate_closure_s = 0.0;       // simulated time the book closed
  std::uint32_t bids = 0;            // admitted buy orders
  std::uint32_t offers = 0;          // admitted sell orders
  std::uint32_t rejected_late = 0;
  std::uint32_t rejected_other = 0;
  std::uint32_t trades = 0;
  std::uint8_t has_price = 0;
  double clearing_price_per_kwh = 0.0;  // NaN when nothing cleared
  double cleared_kwh = 0.0;
  double declared_welfare = 0.0;     // currency
  double load_kwh = 0.0;
  double pv_kwh = 0.0;
  double battery_charge_kwh = 0.0;
  double battery_discharge_kwh = 0.0;
  double utility_import_kwh = 0.0;   // sold by the utility to participants
  double utility_export_kwh = 0.0;   // bought by the utility from participants
  double participants_paid = 0.0;    // sum of participants' total payments
  double utility_received = 0.0;     // the utility's net revenue
  double exchange_received = 0.0;    // the exchange's net revenue (fees)
  double energy_imbalance_kwh = 0.0; // checked invariant: |.| must be ~0
  double money_imbalance = 0.0;      // checked invariant: |.| must be ~0
};

/** /settlement: one row per participant and interval. */
struct SettlementRecord {
  std::uint32_t interval = 0;
  std::uint32_t participant = 0;
  double load_kwh = 0.0;
  double pv_kwh = 0.0;
  double battery_charge_kwh = 0.0;     // drawn at the meter
  double battery_discharge_kwh = 0.0;  // delivered at the meter
  double soc_end_kwh = 0.0;
  double market_buy_kwh = 0.0;
  double market_sell_kwh = 0.0;
  double utility_import_kwh = 0.0;
  double utility_export_kwh = 0.0;
  double market_payment = 0.0;   // purchases minus sales at the market price
  double fee_payment = 0.0;      // exchange fees
  double utility_payment = 0.0;  // imports at retail minus exports at feed-in
  double total_payment = 0.0;
};

/** /security_checks: one row per iteration of the grid security check (grid.security_check:
 * cancel_last) that found an overloaded branch and cancelled a trade; no rows without overloads. */
struct SecurityCheckRecord {
  std::uint32_t interval = 0;
  std::uint32_t iteration = 0;          // 0, 1, ... within the interval
  std::uint32_t branch = 0;             // 0-based row of the case file's branch matrix
  std::int64_t from_bus = 0;            // the branch's external bus numbers
  std::int64_t to_bus = 0;
  double flow_mw = 0.0;                 // the trades' flow on it before this cancellation (from -> to)
  double limit_mw = 0.0;                // its RATE_A
  std::uint64_t buy_order = 0;          // the cancelled trade
  std::uint64_t sell_order = 0;
  std::uint32_t buyer = 0;
  std::uint32_t seller = 0;
  double quantity_kwh = 0.0;
  std::uint32_t cancelled_in_interval = 0;  // trades the check cancelled in this interval (same in each of its rows)
};

/** /messages: one row per message type. */
struct MessageStatRecord {
  char type[kNameLength] = {};
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  double mean_transfer_s = 0.0;   // send to delivery, mean
  double max_transfer_s = 0.0;
};

}  // namespace ebsim::trace
