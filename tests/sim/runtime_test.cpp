/** The runtime on a real SimGrid engine: every message sent is delivered exactly once, also
 * when several couriers fan out at the same instant and have to create new couriers while
 * the others are doing the same (each s4u call yields to other actors).
 *
 * One SimGrid engine per process: ctest runs each test in its own process
 * (gtest_discover_tests); keep engine tests to one per file-level fixture-free TEST. */
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "sim/runtime.hpp"

namespace ebsim::sim {
namespace {

namespace sg4 = simgrid::s4u;

/** Node 0 starts two relays at once; each relay, on the go message, sends one message to
 * every sink (a burst that needs many new couriers while the other relay's burst does too). */
class Relay final : public Node {
 public:
  Relay(std::vector<NodeId> targets, bool starter) : targets_(std::move(targets)), starter_(starter) {}
  void on_start(NodeContext& ctx) override {
    if (!starter_) return;
    for (NodeId t : targets_) ctx.send(t, Message{MessageType::kBid, kNoNode, kNoNode, 100.0, 0.0, nullptr});
  }
  void on_message(NodeContext& ctx, const Message&) override {
    ++received;
    if (starter_) return;
    for (NodeId t : targets_) ctx.send(t, Message{MessageType::kResult, kNoNode, kNoNode, 100.0, 0.0, nullptr});
  }
  void on_timer(NodeContext&, TimerId, std::uint64_t) override {}
  int received = 0;

 private:
  std::vector<NodeId> targets_;
  bool starter_;
};

TEST(Runtime, ConcurrentBurstsDeliverEveryMessageExactlyOnce) {
  int argc = 1;
  char name[] = "runtime_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);
  sg4::Engine::set_config("network/model:CM02");
  auto* zone = sg4::create_star_zone("test");
  auto host = [&](const std::string& n) {
    sg4::Host* h = zone->create_host(n, 1e9)->seal();
    sg4::Link* l = zone->create_link(n + "-link", 1e8)->set_latency(1e-3)->seal();
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(l)}, true);
    return h;
  };
  sg4::Host* control = zone->create_host("control", 1e9)->seal();
  constexpr int kRelays = 3, kSinks = 60;
  std::vector<sg4::Host*> hosts;
  for (int i = 0; i < 1 + kRelays + kSinks; ++i) hosts.push_back(host("h" + std::to_string(i)));
  zone->seal();

  RuntimeOptions options;
  options.max_parallel_sends = 1000;  // all of a burst on the wire at once: the most couriers
  Runtime runtime(options, control);
  std::vector<NodeId> relays, sinks;
  for (int r = 0; r < kRelays; ++r) relays.push_back(static_cast<NodeId>(1 + r));
  for (int s = 0; s < kSinks; ++s) sinks.push_back(static_cast<NodeId>(1 + kRelays + s));
  std::vector<Relay*> nodes;
  auto add = [&](std::unique_ptr<Relay> n, int i) {
    nodes.push_back(n.get());
    runtime.add_node(std::move(n), hosts[i], "node", i);
  };
  add(std::make_unique<Relay>(relays, true), 0);
  for (int r = 0; r < kRelays; ++r) add(std::make_unique<Relay>(sinks, false), 1 + r);
  for (int s = 0; s < kSinks; ++s) add(std::make_unique<Relay>(std::vector<NodeId>{}, false), 1 + kRelays + s);

  runtime.run();

  ASSERT_FALSE(runtime.failure().has_value());
  for (int r = 0; r < kRelays; ++r) EXPECT_EQ(nodes[1 + r]->received, 1) << "relay " << r;
  for (int s = 0; s < kSinks; ++s) EXPECT_EQ(nodes[1 + kRelays + s]->received, kRelays) << "sink " << s;
  const auto& stats = runtime.message_stats();
  EXPECT_EQ(stats[static_cast<int>(MessageType::kBid)].count, static_cast<std::uint64_t>(kRelays));
  EXPECT_EQ(stats[static_cast<int>(MessageType::kResult)].count, static_cast<std::uint64_t>(kRelays * kSinks));
  EXPECT_EQ(runtime.events(), static_cast<std::uint64_t>(1 + kRelays + kSinks + kRelays + kRelays * kSinks));
}

}  // namespace
}  // namespace ebsim::sim
