// consortium: the consortium design's management nodes, rotation, agreement, crypto and timing.
#include <algorithm>

#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kConsortiumKeys[]{"management_nodes", "mesh",         "rotation",    "agreement",
                                             "crypto",           "chain_sync",   "query_delay", "query_spread",
                                             "query_retry",      "timeouts",     "message_sizes"};
constexpr std::string_view kManagementNodeKeys[]{"name", "network"};
constexpr std::string_view kRotationKeys[]{"order", "period"};
constexpr std::string_view kCryptoKeys[]{"suite", "mode"};
constexpr std::string_view kTimeoutKeys[]{"bundle_wait", "vote_wait", "failover", "max_dispute_rounds",
                                          "max_security_rounds"};
constexpr std::string_view kConsortiumSizeKeys[]{"signature", "envelope", "bundle_per_order", "proposal_per_trade",
                                                 "header",    "query",    "control"};

ConsortiumSpec read_consortium(const Value& value) {
  ConsortiumSpec consortium;
  const MapView map(value, kConsortiumKeys);
  const Value nodes = map.required("management_nodes", "a non-empty list of management nodes ({name: ...})");
  if (!nodes.node().IsSequence() || nodes.node().size() == 0) nodes.fail("a non-empty list of management nodes");
  const std::vector<YAML::Node> items = scenario_yaml::elements(nodes.node());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value item(value.origin(), items[i], nodes.key() + "[" + std::to_string(i) + "]");
    const MapView node_map(item, kManagementNodeKeys);
    ManagementNodeSpec node;
    const Value name = node_map.required("name", kNameForm);
    node.name = name.text(kNameForm);
    name.require(is_name(node.name), kNameForm);
    for (const auto& earlier : consortium.management_nodes) {
      if (earlier.name == node.name) name.fail("a name not used by an earlier management node");
    }
    if (auto network = node_map.find("network")) node.access = read_link(*network, node.access);
    consortium.management_nodes.push_back(std::move(node));
  }
  if (consortium.management_nodes.size() > 64) nodes.fail("at most 64 management nodes");
  if (auto mesh = map.find("mesh")) consortium.mesh = read_link(*mesh, consortium.mesh);
  for (std::uint32_t m = 0; m < consortium.management_nodes.size(); ++m) consortium.rotation_order.push_back(m);
  if (auto rotation = map.find("rotation")) {
    const MapView rotation_map(*rotation, kRotationKeys);
    if (auto order = rotation_map.find("order")) {
      const std::string expected = "a list naming every management node once, in rotation order";
      if (!order->node().IsSequence()) order->fail(expected);
      const std::vector<YAML::Node> names = scenario_yaml::elements(order->node());
      std::vector<std::uint32_t> rotation_order;
      for (std::size_t i = 0; i < names.size(); ++i) {
        const Value item(value.origin(), names[i], order->key() + "[" + std::to_string(i) + "]");
        const std::uint32_t m = management_node_index(item, consortium);
        if (std::find(rotation_order.begin(), rotation_order.end(), m) != rotation_order.end()) item.fail(expected, "a repeated name");
        rotation_order.push_back(m);
      }
      if (rotation_order.size() != consortium.management_nodes.size()) order->fail(expected);
      consortium.rotation_order = std::move(rotation_order);
    }
    if (auto period = rotation_map.find("period")) {
      const std::string p = period->choice({"interval", "hour", "day", "month"});
      consortium.rotation_period = p == "interval" ? RotationPeriod::kInterval
                                   : p == "hour"   ? RotationPeriod::kHour
                                   : p == "day"    ? RotationPeriod::kDay
                                                   : RotationPeriod::kMonth;
    }
  }
  if (auto agreement = map.find("agreement")) {
    consortium.agreement = agreement->choice({"rotating_primary", "pbft"}) == "pbft"
                               ? consensus::AgreementProtocol::kPbft
                               : consensus::AgreementProtocol::kRotatingPrimary;
  }
  if (auto crypto = map.find("crypto")) {
    const MapView crypto_map(*crypto, kCryptoKeys);
    if (auto suite = crypto_map.find("suite")) {
      consortium.suite = *ledger::parse_suite(suite->choice({"sha256-ed25519", "sm3-sm2"}));
    }
    if (auto mode = crypto_map.find("mode")) {
      consortium.crypto_mode = mode->choice({"real", "modeled"}) == "modeled" ? consensus::CryptoMode::kModeled
                                                                             : consensus::CryptoMode::kReal;
    }
  }
  if (auto sync = map.find("chain_sync")) {
    const std::string s = sync->choice({"full", "headers", "none"});
    consortium.sync = s == "full" ? consensus::ChainSync::kFull
                      : s == "headers" ? consensus::ChainSync::kHeaders
                                       : consensus::ChainSync::kNone;
  }
  if (auto delay = map.find("query_delay")) consortium.query_delay_s = read_duration(*delay, false);
  if (auto spread = map.find("query_spread")) consortium.query_spread_s = read_duration(*spread, false);
  if (auto retry = map.find("query_retry")) consortium.query_retry_s = read_duration(*retry, true);
  if (auto timeouts = map.find("timeouts")) {
    const MapView t(*timeouts, kTimeoutKeys);
    auto& out = consortium.timeouts;
    if (auto v = t.find("bundle_wait")) out.bundle_wait_s = read_duration(*v, true);
    if (auto v = t.find("vote_wait")) out.vote_wait_s = read_duration(*v, true);
    if (auto v = t.find("failover")) out.failover_s = read_duration(*v, true);
    for (auto [key, field] : {std::pair{"max_dispute_rounds", &out.max_dispute_rounds},
                              std::pair{"max_security_rounds", &out.max_security_rounds}}) {
      if (auto v = t.find(key)) {
        const std::int64_t rounds = v->integer("an integer in [1, 1000]");
        v->require(rounds >= 1 && rounds <= 1000, "an integer in [1, 1000]");
        *field = static_cast<std::uint32_t>(rounds);
      }
    }
  }
  if (auto sizes_value = map.find("message_sizes")) {
    const MapView sizes(*sizes_value, kConsortiumSizeKeys);
    auto& out = consortium.sizes;
    out.signature_bytes = read_size(sizes, "signature", out.signature_bytes, false);
    out.envelope_bytes = read_size(sizes, "envelope", out.envelope_bytes, true);
    out.bundle_per_order_bytes = read_size(sizes, "bundle_per_order", out.bundle_per_order_bytes, false);
    out.proposal_per_trade_bytes = read_size(sizes, "proposal_per_trade", out.proposal_per_trade_bytes, false);
    out.header_bytes = read_size(sizes, "header", out.header_bytes, false);
    out.query_bytes = read_size(sizes, "query", out.query_bytes, false);
    out.control_bytes = read_size(sizes, "control", out.control_bytes, false);
  }
  return consortium;
}

}  // namespace

void read_consortium_section(const std::optional<Value>& section, const MapView& top, Scenario& scenario) {
  const bool consortium = scenario.market.design == "consortium";
  if (section) {
    // Read and checked even when unused, so one file can run under both designs for comparison.
    scenario.consortium = read_consortium(*section);
    if (!consortium) {
      scenario.notes.push_back(section->where_key() +
                               ": consortium: not used with market.design: centralized (participants trade at one exchange)");
    }
  } else if (consortium) {
    top.required("consortium", "a consortium section (management_nodes, ...) with market.design: consortium");
  }
}

}  // namespace ebsim::sim::scenario_sections
