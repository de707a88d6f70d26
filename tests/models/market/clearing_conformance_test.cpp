// The conformance suite of the clearing seam (ARCHITECTURE.md house style 11): EVERY rule in
// ClearingRuleRegistry, so a newly registered rule is covered without touching this file (except
// for its parameters, below), runs on many seeded random books and must keep the contract of
// ClearingRule:
//  - energy balance: no order is matched beyond its quantity; sum bought == sum sold == cleared_kwh;
//  - limits: a buyer never pays above its bid limit (price_per_kwh), a seller never receives below
//    its offer limit (seller_price_per_kwh);
//  - determinism: the same book twice, and the same book with its vectors shuffled, give the
//    identical result (bit for bit), given the same rng state;
//  - declared welfare is what the trades declare, and never above the pay_as_clear optimum
//    (pay_as_clear maximises it; clearing_properties_test.cpp checks that by brute force);
//  - trades have a positive finite quantity and name a real bid and offer and their owners;
//  - the reported figures agree with the trades (has_price, cleared_kwh, price within the trades').
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "models/core/rng.hpp"
#include "models/grid/grid_view.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/pay_as_clear.hpp"

namespace ebsim::market {
namespace {

/** Parameters for fixed_price at `price_per_kwh`. */
ClearingRuleParams fixed(double price_per_kwh) {
  ClearingRuleParams params;
  params.fixed_price_per_kwh = price_per_kwh;
  return params;
}

/** Parameters for nodal with the case's own units. */
ClearingRuleParams with_case_units() {
  ClearingRuleParams params;
  params.nodal_includes_case_units = true;
  return params;
}

/** Parameter sets each rule is tested with. A rule registered without an entry here fails
 * ClearingConformance.EveryRegisteredRuleHasParameters and every conformance test of its own:
 * add an entry (an empty ClearingRuleParams for a rule without parameters). */
const std::map<std::string, std::vector<ClearingRuleParams>>& rule_params() {
  static const std::map<std::string, std::vector<ClearingRuleParams>> table{
      {"pay_as_clear", {ClearingRuleParams{}}},
      {"pay_as_bid", {ClearingRuleParams{}}},
      {"cda", {ClearingRuleParams{}}},
      {"posted_price", {ClearingRuleParams{}}},
      // A price level of the random books (ties with limits), one between levels, one below and
      // one above every limit, and a negative one.
      {"fixed_price", {fixed(0.20), fixed(0.1234), fixed(-1.0), fixed(5.0), fixed(-0.03)}},
      // With the case's units included: the conformance grid has none, so the books alone clear
      // (nodal_case_units_test.cpp covers grids that have some).
      {"nodal", {ClearingRuleParams{}, with_case_units()}},
  };
  return table;
}

/** The grid a grid-aware rule clears on (nullptr for the others): three buses in a triangle of
 * equal lines, the 1-3 line rated 0.01 MW (10 kWh orders over 15 min are 0.04 MW, so it often
 * binds), and the books' participants 0..6 spread over the buses (1, 2, 3, 1, 2, 3, 1). */
const grid::GridView* rule_grid(const std::string& name) {
  if (name != "nodal") return nullptr;
  static const grid::GridView view = [] {
    grid::GridModel model;
    model.name = "triangle";
    for (int id = 1; id <= 3; ++id) {
      grid::Bus bus;
      bus.id = id;
      bus.type = id == 1 ? grid::BusType::kReference : grid::BusType::kPQ;
      model.buses.push_back(bus);
    }
    for (const auto& [from, to, rate_mw] : {std::tuple{1, 2, 0.0}, std::tuple{2, 3, 0.0}, std::tuple{1, 3, 0.01}}) {
      grid::Branch line;
      line.from_bus = from;
      line.to_bus = to;
      line.x_pu = 0.1;
      line.rate_a_mva = rate_mw;
      model.branches.push_back(line);
    }
    model.index_buses();
    return grid::GridView(model, {1, 2, 3, 1, 2, 3, 1}, 0.25);
  }();
  return &view;
}

constexpr double kTol_kwh = 1e-9;

/** Price levels for small books: few, so that equal prices (within and across sides) are common. */
constexpr double kPriceLevels_per_kwh[] = {0.10, 0.15, 0.20, 0.25, 0.30};

Order make_order(OrderId id, Side side, double price_per_kwh, double quantity_kwh, double arrived_s) {
  return Order{id, static_cast<ParticipantId>(id % 7), 0, side, quantity_kwh, price_per_kwh, arrived_s, arrived_s};
}

/** At most 4 bids and 4 offers (either side may be empty), prices from 5 levels, arrivals from
 * 3 instants (ties in price and time are common), quantities from a few values. Ids unique. */
OrderBook small_book(Rng& rng) {
  OrderBook book;
  OrderId next_id = 1;
  const auto bid_count = rng.below(5), offer_count = rng.below(5);
  for (std::uint64_t k = 0; k < bid_count + offer_count; ++k) {
    const double price_per_kwh = kPriceLevels_per_kwh[rng.below(std::size(kPriceLevels_per_kwh))];
    const double quantity_kwh = 0.5 * static_cast<double>(1 + rng.below(6));
    const auto arrived_s = static_cast<double>(rng.below(3));
    book.add(make_order(next_id++, k < bid_count ? Side::kBuy : Side::kSell, price_per_kwh, quantity_kwh,
                        arrived_s));
  }
  return book;
}

/** Up to `max_orders` orders with real-valued quantities, prices (a quarter on a grid, to tie,
 * some negative) and arrival times (a quarter on whole seconds, to tie). Ids unique. */
OrderBook large_book(Rng& rng, std::uint64_t max_orders) {
  OrderBook book;
  const auto order_count = 1 + rng.below(max_orders);
  const double buy_share = rng.uniform(0.1, 0.9);
  for (std::uint64_t k = 0; k < order_count; ++k) {
    const double price_per_kwh =
        rng.below(4) == 0 ? 0.05 * static_cast<double>(rng.below(8)) : rng.uniform(-0.05, 0.40);
    const double quantity_kwh = rng.uniform(0.001, 10.0);
    const double arrived_s = rng.below(4) == 0 ? static_cast<double>(rng.below(5)) : rng.uniform(0.0, 900.0);
    book.add(make_order(3 * k + 5, rng.uniform() < buy_share ? Side::kBuy : Side::kSell, price_per_kwh,
                        quantity_kwh, arrived_s));
  }
  return book;
}

/** Fisher-Yates with the project's Rng (std::shuffle's output is implementation-defined). */
void shuffle(std::vector<Order>& orders, Rng& rng) {
  for (std::size_t k = orders.size(); k > 1; --k) std::swap(orders[k - 1], orders[rng.below(k)]);
}

void expect_identical(const ClearingResult& a, const ClearingResult& b, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (std::size_t k = 0; k < a.trades.size(); ++k) {
    EXPECT_EQ(a.trades[k].buy_order, b.trades[k].buy_order) << "trade " << k;
    EXPECT_EQ(a.trades[k].sell_order, b.trades[k].sell_order) << "trade " << k;
    EXPECT_EQ(a.trades[k].buyer, b.trades[k].buyer) << "trade " << k;
    EXPECT_EQ(a.trades[k].seller, b.trades[k].seller) << "trade " << k;
    EXPECT_EQ(a.trades[k].quantity_kwh, b.trades[k].quantity_kwh) << "trade " << k;  // bit for bit
    EXPECT_EQ(a.trades[k].price_per_kwh, b.trades[k].price_per_kwh) << "trade " << k;
    EXPECT_EQ(a.trades[k].seller_price_per_kwh, b.trades[k].seller_price_per_kwh) << "trade " << k;
  }
  EXPECT_EQ(a.has_price, b.has_price);
  EXPECT_EQ(a.clearing_price_per_kwh, b.clearing_price_per_kwh);
  EXPECT_EQ(a.cleared_kwh, b.cleared_kwh);
  EXPECT_EQ(a.declared_welfare, b.declared_welfare);
}

/** Every contract check that looks at one result of one book. */
void expect_contract(const OrderBook& book, const ClearingResult& r, double optimum_welfare) {
  std::map<OrderId, const Order*> bids, offers;
  for (const Order& o : book.bids) bids[o.id] = &o;
  for (const Order& o : book.offers) offers[o.id] = &o;
  std::map<OrderId, double> bought_kwh, sold_kwh;
  double sum_kwh = 0.0, welfare = 0.0, scale_kwh = 1.0;
  double lowest_per_kwh = std::numeric_limits<double>::infinity(), highest_per_kwh = -lowest_per_kwh;
  for (std::size_t k = 0; k < r.trades.size(); ++k) {
    const Trade& t = r.trades[k];
    SCOPED_TRACE("trade " + std::to_string(k));
    EXPECT_GT(t.quantity_kwh, 0.0);
    EXPECT_TRUE(std::isfinite(t.quantity_kwh) && std::isfinite(t.price_per_kwh) &&
                std::isfinite(t.seller_price_per_kwh));
    const auto bid = bids.find(t.buy_order);
    const auto offer = offers.find(t.sell_order);
    ASSERT_NE(bid, bids.end()) << "buy_order " << t.buy_order << " is not a bid of the book";
    ASSERT_NE(offer, offers.end()) << "sell_order " << t.sell_order << " is not an offer of the book";
    EXPECT_EQ(t.buyer, bid->second->participant);
    EXPECT_EQ(t.seller, offer->second->participant);
    // Exact: a buyer pays at most its limit, a seller receives at least its limit.
    EXPECT_LE(t.price_per_kwh, bid->second->limit_price_per_kwh) << "buyer pays above its limit";
    EXPECT_GE(t.seller_price_per_kwh, offer->second->limit_price_per_kwh) << "seller receives below its limit";
    bought_kwh[t.buy_order] += t.quantity_kwh;
    sold_kwh[t.sell_order] += t.quantity_kwh;
    sum_kwh += t.quantity_kwh;
    scale_kwh += t.quantity_kwh;
    welfare += (bid->second->limit_price_per_kwh - offer->second->limit_price_per_kwh) * t.quantity_kwh;
    lowest_per_kwh = std::min(lowest_per_kwh, t.price_per_kwh);
    highest_per_kwh = std::max(highest_per_kwh, t.price_per_kwh);
  }
  for (const auto& [id, kwh] : bought_kwh) {
    EXPECT_LE(kwh, bids[id]->quantity_kwh * (1 + kTol_kwh) + kTol_kwh) << "bid " << id << " over-filled";
  }
  for (const auto& [id, kwh] : sold_kwh) {
    EXPECT_LE(kwh, offers[id]->quantity_kwh * (1 + kTol_kwh) + kTol_kwh) << "offer " << id << " over-filled";
  }
  double total_bought_kwh = 0.0, total_sold_kwh = 0.0;
  for (const auto& [id, kwh] : bought_kwh) total_bought_kwh += kwh;
  for (const auto& [id, kwh] : sold_kwh) total_sold_kwh += kwh;
  EXPECT_NEAR(total_bought_kwh, total_sold_kwh, kTol_kwh * scale_kwh);
  EXPECT_NEAR(total_bought_kwh, r.cleared_kwh, kTol_kwh * scale_kwh);
  EXPECT_NEAR(sum_kwh, r.cleared_kwh, kTol_kwh * scale_kwh);

  EXPECT_NEAR(r.declared_welfare, welfare, 1e-9 * scale_kwh) << "declared_welfare is not what the trades declare";
  EXPECT_LE(r.declared_welfare, optimum_welfare + 1e-9) << "welfare above the pay_as_clear optimum";

  EXPECT_EQ(r.has_price, !r.trades.empty());
  if (r.trades.empty()) {
    EXPECT_EQ(r.cleared_kwh, 0.0);
    EXPECT_EQ(r.declared_welfare, 0.0);
  } else {
    EXPECT_GE(r.clearing_price_per_kwh, lowest_per_kwh);
    EXPECT_LE(r.clearing_price_per_kwh, highest_per_kwh);
  }
}

/** One rule under test: its name and one of its parameter sets. */
struct RuleCase {
  std::string name;
  std::size_t params_index = 0;
};

/** How gtest names a case in its output: "fixed_price, parameter set 2". */
void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name << ", parameter set " << c.params_index; }

std::vector<RuleCase> registered_rule_cases() {
  std::vector<RuleCase> cases;
  for (const std::string& name : ClearingRuleRegistry::instance().names()) {
    const auto entry = rule_params().find(name);
    const std::size_t variants = entry == rule_params().end() ? 1 : entry->second.size();
    for (std::size_t k = 0; k < variants; ++k) cases.push_back(RuleCase{name, k});
  }
  return cases;
}

class ClearingConformanceTest : public ::testing::TestWithParam<RuleCase> {
 protected:
  void SetUp() override {
    const RuleCase& c = GetParam();
    const auto entry = rule_params().find(c.name);
    ASSERT_NE(entry, rule_params().end())
        << "clearing rule '" << c.name << "' is registered but has no parameters in rule_params() of "
        << "tests/models/market/clearing_conformance_test.cpp: add an entry";
    rule_ = ClearingRuleRegistry::instance().create(c.name, entry->second.at(c.params_index));
    ASSERT_NE(rule_, nullptr);
    grid_ = rule_grid(c.name);
  }

  /** The rule's result with a fresh rng in a fixed state (same state -> same result). */
  ClearingResult clear(const OrderBook& book) const {
    Rng rng(99, "clearing", book.interval);
    return rule_->clear(book, grid_, rng);
  }

  /** Every check on one book: contract, repeatability, independence of the books' order. */
  void check_book(const OrderBook& book, Rng& shuffle_rng, const std::string& what) {
    SCOPED_TRACE(what);
    const ClearingResult r = clear(book);
    const double optimum = clear_uniform_price(book.bids, book.offers).declared_welfare;
    expect_contract(book, r, optimum);
    expect_identical(r, clear(book), "the same book again");
    OrderBook shuffled = book;
    shuffle(shuffled.bids, shuffle_rng);
    shuffle(shuffled.offers, shuffle_rng);
    expect_identical(r, clear(shuffled), "the book shuffled");
  }

  std::unique_ptr<ClearingRule> rule_;
  const grid::GridView* grid_ = nullptr;  // rule_grid(name)
};

TEST_P(ClearingConformanceTest, NameIsTheRegisteredName) { EXPECT_EQ(rule_->name(), GetParam().name); }

TEST_P(ClearingConformanceTest, SmallBooksWithManyTies) {
  Rng rng(2026, "conformance/small");
  for (int n = 0; n < 2000 && !HasFatalFailure(); ++n) {
    const OrderBook book = small_book(rng);
    check_book(book, rng, "small book " + std::to_string(n));
    if (HasFailure()) break;  // one failing book is enough to read
  }
}

TEST_P(ClearingConformanceTest, LargeRealValuedBooks) {
  Rng rng(2026, "conformance/large");
  for (int n = 0; n < 200 && !HasFatalFailure(); ++n) {
    const OrderBook book = large_book(rng, 300);
    check_book(book, rng, "large book " + std::to_string(n));
    if (HasFailure()) break;
  }
}

TEST_P(ClearingConformanceTest, EmptyAndOneSidedBooksClearNothing) {
  OrderBook empty;
  OrderBook only_bids, only_offers;
  only_bids.add(make_order(1, Side::kBuy, 0.30, 2.0, 0.0));
  only_offers.add(make_order(2, Side::kSell, 0.10, 2.0, 0.0));
  for (const OrderBook* book : {&empty, &only_bids, &only_offers}) {
    const ClearingResult r = clear(*book);
    EXPECT_TRUE(r.trades.empty());
    EXPECT_FALSE(r.has_price);
    EXPECT_EQ(r.cleared_kwh, 0.0);
    EXPECT_EQ(r.declared_welfare, 0.0);
  }
}

std::string case_name(const ::testing::TestParamInfo<RuleCase>& info) {
  return info.param.name + "_" + std::to_string(info.param.params_index);
}

INSTANTIATE_TEST_SUITE_P(ClearingConformance, ClearingConformanceTest, ::testing::ValuesIn(registered_rule_cases()),
                         case_name);

TEST(ClearingConformance, EveryRegisteredRuleHasParameters) {
  const auto names = ClearingRuleRegistry::instance().names();
  for (const std::string& name : names) {
    EXPECT_TRUE(rule_params().contains(name))
        << "clearing rule '" << name << "' is registered but has no entry in rule_params(): add one";
  }
  // And the rules this suite was written for are registered (a lost registration is caught).
  for (const char* name : {"pay_as_clear", "pay_as_bid", "fixed_price", "cda", "posted_price", "nodal"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name << " is not registered";
  }
}

TEST(ClearingConformance, EveryTableEntryBuildsItsRule) {
  // A stale entry (a rule renamed or removed) or parameters its factory rejects fail here.
  for (const auto& [name, variants] : rule_params()) {
    for (const ClearingRuleParams& params : variants) {
      EXPECT_NE(ClearingRuleRegistry::instance().create(name, params), nullptr) << name;
    }
  }
}

}  // namespace
}  // namespace ebsim::market
