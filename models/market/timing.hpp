#pragma once
/** The market timeline. Simulated time 0 is when the market for the first delivery
 * interval opens, one interval before the scenario start:
 *
 *   market for k opens      k * interval           (orders sent in [open, open + bid_window))
 *   gate closure of k       (k+1) * interval - gate_closure
 *   delivery of k           [(k+1) * interval, (k+2) * interval)
 *   settlement of k         (k+2) * interval       (after metering the delivery)
 */
#include <cstdint>

#include "models/core/ids.hpp"

namespace ebsim::market {

struct MarketTiming {
  double interval_s = 900.0;
  double gate_closure_s = 300.0;
  double bid_window_s = 480.0;
  std::uint32_t intervals = 96;

  double market_open_s(IntervalIndex k) const { return k * interval_s; }
  double delivery_start_s(IntervalIndex k) const { return (k + 1.0) * interval_s; }
  double gate_closure_time_s(IntervalIndex k) const { return delivery_start_s(k) - gate_closure_s; }
  double delivery_end_s(IntervalIndex k) const { return (k + 2.0) * interval_s; }
  double interval_h() const { return interval_s / 3600.0; }
};

}  // namespace ebsim::market
