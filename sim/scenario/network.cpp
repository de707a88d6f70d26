// network: the SimGrid network model, the backbone and exchange links, and message sizes.
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kNetworkKeys[]{"model",         "backbone",           "exchange",
                                          "message_sizes", "max_parallel_sends", "uncontended_below"};
constexpr std::string_view kMessageSizeKeys[]{"bid", "ack", "result", "result_per_trade", "settlement"};
}  // namespace

NetworkSpec read_network(const Value& value) {
  NetworkSpec network;
  const MapView map(value, kNetworkKeys);
  if (auto model = map.find("model")) network.model = model->choice({"CM02", "LV08"});
  if (auto backbone = map.find("backbone")) network.backbone = read_link(*backbone, network.backbone);
  if (auto exchange = map.find("exchange")) network.exchange = read_link(*exchange, network.exchange);
  if (auto parallel = map.find("max_parallel_sends")) {
    const std::int64_t limit = parallel->integer("an integer in [1, 100000]");
    parallel->require(limit >= 1 && limit <= 100000, "an integer in [1, 100000]");
    network.max_parallel_sends = static_cast<std::uint32_t>(limit);
  }
  network.uncontended_below_bytes = read_size(map, "uncontended_below", network.uncontended_below_bytes, true);
  if (auto sizes_value = map.find("message_sizes")) {
    const MapView sizes(*sizes_value, kMessageSizeKeys);
    MessageSizes& out = network.sizes;
    out.bid_bytes = read_size(sizes, "bid", out.bid_bytes, false);
    out.ack_bytes = read_size(sizes, "ack", out.ack_bytes, false);
    out.result_bytes = read_size(sizes, "result", out.result_bytes, false);
    out.result_per_trade_bytes = read_size(sizes, "result_per_trade", out.result_per_trade_bytes, true);
    out.settlement_bytes = read_size(sizes, "settlement", out.settlement_bytes, false);
  }
  return network;
}

}  // namespace ebsim::sim::scenario_sections
