// Baseline for docs/performance.md: the message pattern of one centralized-market day,
// in plain SimGrid S4U, with none of ebsim's models, runtime or trace.
//
// Same platform shape (star: participant access links; exchange link + backbone), same
// message sizes, same timeline (orders at a uniform time in the bid window, an ack per
// order, results at gate closure, a statement per participant after delivery) and the
// same per-sender concurrency limit (16) as ebsim's runtime. Here every participant is
// its own actor and the exchange sends from one actor with at most 16 comms in flight.
//
//   ebsim_bench_bare_simgrid PARTICIPANTS [INTERVALS=96]   every participant orders every interval
//   ebsim_bench_bare_simgrid --replay TRACE.h5             exactly the orders of an ebsim trace:
//       same senders, send times, result sizes (trades per order); default timing (15 min,
//       gate closure 5 min) and links (20 ms / 10 Mbps) as in bench/scenarios/.
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <unordered_map>

#include "sim/trace/trace_reader.hpp"
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace {
constexpr double kInterval = 900, kGateClosure = 300, kBidWindow = 480;
constexpr std::uint64_t kBid = 400, kAck = 120, kResult = 360, kStatement = 350;
constexpr std::uint64_t kResultBase = 300, kResultPerTrade = 60;
constexpr std::size_t kParallel = 16;
long long g_messages = 0;

/** Send sizes[i] bytes (or `size` if sizes is empty) from `from` to each host to[i], at most
 * kParallel at a time. */
void fan_out(sg4::Host* from, const std::vector<sg4::Host*>& to, std::uint64_t size,
             const std::vector<std::uint64_t>& sizes = {}) {
  std::vector<sg4::CommPtr> active;
  std::size_t next = 0;
  while (next < to.size() || !active.empty()) {
    while (active.size() < kParallel && next < to.size()) {
      active.push_back(sg4::Comm::sendto_async(from, to[next], sizes.empty() ? size : sizes[next]));
      ++next;
    }
    const auto done = static_cast<std::size_t>(sg4::Comm::wait_any(active));
    active.erase(active.begin() + static_cast<long>(done));
    ++g_messages;
  }
}
}  // namespace

int main(int argc, char** argv) {
  sg4::Engine engine(&argc, argv);
  xbt_log_control_set("root.thresh:warning");
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PARTICIPANTS [INTERVALS] | --replay TRACE.h5\n", argv[0]);
    return 2;
  }
  // Per participant: its order times, in order. Per interval: the bidders (by arrival) and
  // each one's result size.
  std::vector<std::vector<double>> send_times;
  std::vector<std::vector<int>> bidders;
  std::vector<std::vector<std::uint64_t>> result_sizes;
  int n = 0, intervals = 0;
  const bool replay = std::string(argv[1]) == "--replay";
  if (replay) {
    const std::string trace = argv[2];
    n = static_cast<int>(ebsim::trace::read_table<ebsim::trace::ParticipantRecord>(trace, {"participant"}).size());
    intervals = static_cast<int>(ebsim::trace::read_table<ebsim::trace::IntervalRecord>(trace, {"interval"}).size());
    std::unordered_map<std::uint64_t, std::uint64_t> trades_per_order;
    ebsim::trace::for_each_row<ebsim::trace::TradeRecord>(
        trace, [&](const ebsim::trace::TradeRecord& t) { ++trades_per_order[t.buy_order], ++trades_per_order[t.sell_order]; },
        {"buy_order", "sell_order"});
    send_times.resize(n);
    std::vector<std::vector<std::pair<double, int>>> arrivals(intervals);
    std::vector<std::map<int, std::uint64_t>> sizes_by_bidder(intervals);
    ebsim::trace::for_each_row<ebsim::trace::OrderRecord>(trace, [&](const ebsim::trace::OrderRecord& o) {
      send_times[o.participant].push_back(o.submitted_s);
      if (o.status != 0) return;
      const int who = static_cast<int>(o.participant);
      arrivals[o.interval].emplace_back(o.arrived_s, who);
      sizes_by_bidder[o.interval][who] = kResultBase + kResultPerTrade * trades_per_order[o.order];
    });
    bidders.resize(intervals);
    result_sizes.resize(intervals);
    for (int k = 0; k < intervals; ++k) {
      std::sort(arrivals[k].begin(), arrivals[k].end());
      for (const auto& [at, who] : arrivals[k]) {
        bidders[k].push_back(who);
        result_sizes[k].push_back(sizes_by_bidder[k][who]);
      }
    }
    for (auto& times : send_times) std::sort(times.begin(), times.end());
  } else {
    n = std::atoi(argv[1]);
    intervals = argc > 2 ? std::atoi(argv[2]) : 96;
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> window(0, kBidWindow);
    send_times.resize(n);
    for (auto& times : send_times)
      for (int k = 0; k < intervals; ++k) times.push_back(k * kInterval + window(rng));
  }
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("contexts/factory:raw");
  sg4::Engine::set_config("contexts/guard-size:0");
  sg4::Engine::set_config("contexts/stack-size:64");

  const auto wall_start = std::chrono::steady_clock::now();
  auto* zone = sg4::create_star_zone("bare");
  sg4::Host* exchange = zone->create_host("exchange", 1e10)->seal();
  auto* xlink = zone->create_link("exchange-access", 125e6)->set_latency(0.001)->seal();
  auto* backbone = zone->create_link("backbone", 125e6)->set_latency(0.005)->seal();
  zone->add_route(exchange->get_netpoint(), nullptr, nullptr, nullptr,
                  {sg4::LinkInRoute(xlink), sg4::LinkInRoute(backbone)}, true);
  std::vector<sg4::Host*> hosts;
  for (int i = 0; i < n; ++i) {
    sg4::Host* h = zone->create_host("p" + std::to_string(i), 1e9)->seal();
    auto* link = zone->create_link("p" + std::to_string(i) + "-access", 1.25e6)->set_latency(0.02)->seal();
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link)}, true);
    hosts.push_back(h);
  }
  zone->seal();

  for (int i = 0; i < n; ++i) {
    if (send_times[i].empty()) continue;
    sg4::Actor::create("p" + std::to_string(i), hosts[i], [i, exchange, &hosts, &send_times] {
      for (const double at : send_times[i]) {
        sg4::this_actor::sleep_until(at);
        sg4::Comm::sendto(hosts[i], exchange, kBid);  // the order
        sg4::Comm::sendto(exchange, hosts[i], kAck);  // the exchange's acknowledgement
        g_messages += 2;
      }
    });
  }
  sg4::Actor::create("exchange", exchange, [intervals, exchange, &hosts, &bidders, &result_sizes, replay] {
    for (int k = 0; k < intervals; ++k) {
      sg4::this_actor::sleep_until((k + 1) * kInterval - kGateClosure);
      if (replay) {
        std::vector<sg4::Host*> to;
        for (const int who : bidders[k]) to.push_back(hosts[who]);
        fan_out(exchange, to, 0, result_sizes[k]);
      } else {
        fan_out(exchange, hosts, kResult);
      }
      sg4::this_actor::sleep_until((k + 2) * kInterval);
      fan_out(exchange, hosts, kStatement);
    }
  });
  engine.run();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf("participants %d intervals %d messages %lld simulated %.1f s wall %.2f s (%.0f msg/s)\n", n, intervals,
              g_messages, sg4::Engine::get_clock(), wall_s, g_messages / wall_s);
  return 0;
}
