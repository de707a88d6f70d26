#include "models/market/cda.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "models/market/pay_as_clear.hpp"  // kQuantityTolerance_kwh

namespace ebsim::market {
namespace {

/** One admitted order in the arrival sequence. */
struct Arrival {
  const Order* order;
  bool is_bid;
  std::size_t position;  // in its side's vector: the last tie-break
};

/** Rule step 2. */
bool arrives_before(const Arrival& a, const Arrival& b) {
  constexpr double kLast = std::numeric_limits<double>::infinity();
  const double a_s = std::isnan(a.order->arrived_s) ? kLast : a.order->arrived_s;
  const double b_s = std::isnan(b.order->arrived_s) ? kLast : b.order->arrived_s;
  return std::make_tuple(a_s, a.order->id, !a.is_bid, a.position) <
         std::make_tuple(b_s, b.order->id, !b.is_bid, b.position);
}

}  // namespace

ClearingResult clear_continuous(std::span<const Order> bids, std::span<const Order> offers) {
  std::vector<Arrival> sequence;
  sequence.reserve(bids.size() + offers.size());
  for (std::size_t i = 0; i < bids.size(); ++i) {
    if (is_admissible(bids[i])) sequence.push_back(Arrival{&bids[i], true, i});
  }
  for (std::size_t i = 0; i < offers.size(); ++i) {
    if (is_admissible(offers[i])) sequence.push_back(Arrival{&offers[i], false, i});
  }
  std::sort(sequence.begin(), sequence.end(), arrives_before);

  // Resting orders as (priority price, sequence number): the set's first element is the best
  // (price-time priority; the priority price is the limit for offers and its negation for bids).
  using Book = std::set<std::pair<double, std::size_t>>;
  Book resting_bids, resting_offers;
  std::vector<double> left_kwh(sequence.size(), 0.0);  // what a resting order has left, by sequence number

  ClearingResult result;
  for (std::size_t seq = 0; seq < sequence.size(); ++seq) {
    const Order& incoming = *sequence[seq].order;
    const bool is_bid = sequence[seq].is_bid;
    Book& opposite = is_bid ? resting_offers : resting_bids;
    double incoming_left_kwh = incoming.quantity_kwh;
    while (incoming_left_kwh > 0.0 && !opposite.empty()) {
      const auto best = opposite.begin();
      const std::size_t r = best->second;
      const Order& resting = *sequence[r].order;
      const bool crosses = is_bid ? resting.limit_price_per_kwh <= incoming.limit_price_per_kwh
                                  : resting.limit_price_per_kwh >= incoming.limit_price_per_kwh;
      if (!crosses) break;
      const double quantity_kwh = std::min(incoming_left_kwh, left_kwh[r]);
      append_trade(result, is_bid ? incoming : resting, is_bid ? resting : incoming, quantity_kwh,
                   resting.limit_price_per_kwh);
      incoming_left_kwh -= quantity_kwh;
      left_kwh[r] -= quantity_kwh;
      if (left_kwh[r] <= kQuantityTolerance_kwh) opposite.erase(best);
      if (incoming_left_kwh <= kQuantityTolerance_kwh) incoming_left_kwh = 0.0;
    }
    if (incoming_left_kwh > 0.0) {  // the remainder (or, untouched, the whole order) rests
      left_kwh[seq] = incoming_left_kwh;
      (is_bid ? resting_bids : resting_offers)
          .emplace((is_bid ? -1.0 : 1.0) * incoming.limit_price_per_kwh, seq);
    }
  }
  set_volume_weighted_price(result);
  return result;
}

ClearingResult Cda::clear(const OrderBook& book, const grid::GridView* /*grid*/, Rng& /*rng*/) const {
  return clear_continuous(book.bids, book.offers);
}

namespace {
const ClearingRuleRegistration kRegistration(std::string(Cda::kName), [](const ClearingRuleParams&) {
  return std::make_unique<Cda>();
});
}  // namespace

}  // namespace ebsim::market
