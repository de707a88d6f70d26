#pragma once
// The market outcome of a trace, for end-to-end tests that compare designs or modes: the same
// population and orders must give the same trades whatever carried them.
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "sim/trace/records.hpp"
#include "sim/trace/trace_reader.hpp"

namespace ebsim::test {

using TradeKey = std::tuple<std::uint64_t, std::uint64_t, double, double>;  // buy order, sell order, kWh, price

/** Every trade of `trace` as (buy order, sell order, kWh, buyer's price per kWh), sorted. */
inline std::vector<TradeKey> market_outcome(const std::string& trace) {
  std::vector<TradeKey> trades;
  for (const auto& t : trace::read_table<trace::TradeRecord>(trace))
    trades.emplace_back(t.buy_order, t.sell_order, t.quantity_kwh, t.price_per_kwh);
  std::sort(trades.begin(), trades.end());
  return trades;
}

}  // namespace ebsim::test
