// Google Benchmark kernels (figures in docs/performance.md):
//   build/ebsim_bench_kernels --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/grid/dc_opf.hpp"
#include "models/grid/matpower.hpp"
#include "models/market/clearing_rule.hpp"

#include "models/agents/profiles.hpp"
#include "models/core/rng.hpp"
#include "models/market/pay_as_clear.hpp"
#include "models/market/settlement.hpp"
#include "models/p2p/mempool.hpp"

namespace {

using ebsim::Rng;
using ebsim::market::Order;
using ebsim::market::OrderBook;
using ebsim::market::Side;

/** n orders, half bids and half offers, prices U(0.05, 0.35) per kWh, quantities U(0, 2) kWh. */
OrderBook random_book(std::size_t n) {
  Rng rng(7, "bench/book");
  OrderBook book;
  for (std::size_t i = 0; i < n; ++i) {
    Order o;
    o.id = i + 1;
    o.participant = static_cast<ebsim::ParticipantId>(i);
    o.side = i % 2 ? Side::kSell : Side::kBuy;
    o.quantity_kwh = rng.uniform(0.01, 2.0);
    o.limit_price_per_kwh = rng.uniform(0.05, 0.35);
    o.arrived_s = rng.uniform(0.0, 600.0);
    book.add(o);
  }
  return book;
}

void BM_PayAsClear(benchmark::State& state) {
  const OrderBook book = random_book(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto result = ebsim::market::clear_uniform_price(book.bids, book.offers);
    benchmark::DoNotOptimize(result.trades.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PayAsClear)->RangeMultiplier(10)->Range(1000, 1000000)->Unit(benchmark::kMillisecond);

/** The floor for any price-ordered clearing: sort copies of both sides by limit price. */
void BM_SortOrdersByPrice(benchmark::State& state) {
  const OrderBook book = random_book(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::vector<Order> bids = book.bids, offers = book.offers;
    std::sort(bids.begin(), bids.end(),
              [](const Order& a, const Order& b) { return a.limit_price_per_kwh > b.limit_price_per_kwh; });
    std::sort(offers.begin(), offers.end(),
              [](const Order& a, const Order& b) { return a.limit_price_per_kwh < b.limit_price_per_kwh; });
    benchmark::DoNotOptimize(bids.data());
    benchmark::DoNotOptimize(offers.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SortOrdersByPrice)->RangeMultiplier(10)->Range(1000, 1000000)->Unit(benchmark::kMillisecond);

/** Any registered rule by name on the same random books (cda: orders per second matched on arrival). */
void BM_ClearingRule(benchmark::State& state, const char* rule_name) {
  const OrderBook book = random_book(static_cast<std::size_t>(state.range(0)));
  ebsim::market::ClearingRuleParams params;
  params.fixed_price_per_kwh = 0.20;
  const auto rule = ebsim::market::ClearingRuleRegistry::instance().create(rule_name, params);
  Rng rng(1, "bench/rule");
  for (auto _ : state) {
    auto result = rule->clear(book, nullptr, rng);
    benchmark::DoNotOptimize(result.trades.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK_CAPTURE(BM_ClearingRule, cda, "cda")->RangeMultiplier(10)->Range(1000, 1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClearingRule, pay_as_bid, "pay_as_bid")->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClearingRule, fixed_price, "fixed_price")->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClearingRule, posted_price, "posted_price")->Arg(1000000)->Unit(benchmark::kMillisecond);

/** One DC-OPF per market interval on a shipped IEEE case (read once, solved every iteration). */
void BM_DcOpf(benchmark::State& state, const char* case_name) {
  std::ifstream in(std::string(EBSIM_SOURCE_DIR) + "/scenarios/grids/" + case_name + ".m");
  std::stringstream text;
  text << in.rdbuf();
  const auto grid = ebsim::grid::parse_matpower(text.str(), case_name);
  for (auto _ : state) {
    auto result = ebsim::grid::solve_dc_opf(grid);
    if (!result.optimal) state.SkipWithError("DC-OPF not optimal");
    benchmark::DoNotOptimize(result.lmp_per_mwh.data());
  }
}
BENCHMARK_CAPTURE(BM_DcOpf, case118, "case118")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DcOpf, case300, "case300")->Unit(benchmark::kMillisecond);

void BM_SettleInterval(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const OrderBook book = random_book(n);
  const auto result = ebsim::market::clear_uniform_price(book.bids, book.offers);
  std::vector<ebsim::market::MeterReading> meters(n);
  Rng rng(3, "bench/meters");
  for (auto& m : meters) {
    m.load_kwh = rng.uniform(0.0, 2.0);
    m.pv_kwh = rng.uniform(0.0, 2.0);
  }
  const ebsim::market::Tariffs tariffs{0.30, 0.08, 0.005};
  for (auto _ : state) {
    auto s = ebsim::market::settle_interval(0, meters, result.trades, tariffs);
    benchmark::DoNotOptimize(s.lines.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SettleInterval)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMillisecond);

void BM_SyntheticDayProfiles(benchmark::State& state) {
  std::uint64_t member = 0;
  for (auto _ : state) {
    Rng load_rng(1, "load", member), pv_rng(1, "pv", member);
    ++member;
    auto load = ebsim::agents::synthetic_load_kw({}, 1782000000, 900, 96, load_rng);
    auto pv = ebsim::agents::synthetic_pv_kw({}, 1782000000, 900, 96, pv_rng);
    benchmark::DoNotOptimize(load.data());
    benchmark::DoNotOptimize(pv.data());
  }
}
BENCHMARK(BM_SyntheticDayProfiles);

/** A pool of n transactions with fees U(0, 0.001), 250 bytes, arrivals spread over 15 s. */
ebsim::p2p::Mempool random_pool(std::size_t n) {
  Rng rng(11, "bench/mempool");
  ebsim::p2p::Mempool pool;
  for (std::size_t i = 0; i < n; ++i) {
    auto tx = std::make_shared<ebsim::p2p::Transaction>();
    tx->id = i + 1;
    tx->fee = rng.uniform(0.0, 0.001);
    tx->size_bytes = 250.0;
    pool.add(tx, rng.uniform(0.0, 15.0));
  }
  return pool;
}

// Every gossip announcement makes a node look up each listed id (a p2p run's most frequent
// operation); ids half known, half not.
void BM_MempoolContains(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const ebsim::p2p::Mempool pool = random_pool(n);
  std::uint64_t id = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pool.contains(id));
    id = id % (2 * n) + 1;
  }
}
BENCHMARK(BM_MempoolContains)->RangeMultiplier(10)->Range(100, 100000);

// Building a block sorts the pool (only block makers do): the price of keeping no order per node.
void BM_MempoolSelectBlock(benchmark::State& state) {
  const ebsim::p2p::Mempool pool = random_pool(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto chosen = pool.select(1.0e6 - 80.0);
    benchmark::DoNotOptimize(chosen.data());
  }
}
BENCHMARK(BM_MempoolSelectBlock)->RangeMultiplier(10)->Range(100, 100000)->Unit(benchmark::kMicrosecond);

}  // namespace
