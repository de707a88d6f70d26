// The scenario schema: one function per YAML section, each with its table of allowed keys.
// The format is documented for users in scenarios/README.md; keep the two in step.
#include "sim/scenario.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "models/core/units.hpp"
#include "models/market/clearing_rule.hpp"
#include "models/market/fixed_price.hpp"
#include "models/market/nodal.hpp"
#include "models/p2p/contract_mode.hpp"
#include "models/p2p/leader_election.hpp"
#include "sim/csv_profile.hpp"
#include "sim/grid_file.hpp"
#include "sim/scenario_text.hpp"
#include "sim/scenario_yaml.hpp"

namespace ebsim::sim {
namespace {

using scenario_yaml::MapView;
using scenario_yaml::Value;

constexpr std::uint64_t kMaxParticipants = 10'000'000;

constexpr std::array<std::string_view, 15> kTopKeys{
    "name", "description", "seed", "start",   "duration",   "currency",     "site",
    "market", "utility",   "network", "grid", "consortium", "p2p", "faults", "participants"};
constexpr std::array<std::string_view, 17> kP2pKeys{
    "consensus", "block_interval", "peers", "light_share", "miners", "fee", "transaction_size", "max_block_size", "tx_relay_interval", "block_relay",
    "contract", "confirmations", "hash_rate_hps", "joules_per_hash", "tail_blocks", "double_spend", "selfish_mining"};
constexpr std::array<std::string_view, 3> kP2pMinerKeys{"count", "shares", "network"};
constexpr std::array<std::string_view, 3> kP2pDoubleSpendKeys{"q", "z", "trials"};
constexpr std::array<std::string_view, 3> kP2pSelfishMiningKeys{"alpha", "gamma", "blocks"};
constexpr std::array<std::string_view, 11> kConsortiumKeys{
    "management_nodes", "mesh", "rotation", "agreement", "crypto", "chain_sync", "query_delay", "query_spread", "query_retry",
    "timeouts", "message_sizes"};
constexpr std::array<std::string_view, 2> kManagementNodeKeys{"name", "network"};
constexpr std::array<std::string_view, 2> kRotationKeys{"order", "period"};
constexpr std::array<std::string_view, 2> kCryptoKeys{"suite", "mode"};
constexpr std::array<std::string_view, 5> kTimeoutKeys{"bundle_wait", "vote_wait", "failover", "max_dispute_rounds",
                                                       "max_security_rounds"};
constexpr std::array<std::string_view, 7> kConsortiumSizeKeys{"signature", "envelope", "bundle_per_order",
                                                              "proposal_per_trade", "header", "query", "control"};
constexpr std::array<std::string_view, 4> kFaultKeys{"crashes", "byzantine", "misreports", "links"};
constexpr std::array<std::string_view, 3> kCrashKeys{"node", "at", "duration"};
constexpr std::array<std::string_view, 4> kByzantineKeys{"node", "behaviour", "from", "until"};
constexpr std::array<std::string_view, 3> kMisreportKeys{"node", "from", "until"};
constexpr std::array<std::string_view, 5> kLinkFaultKeys{"between", "from", "until", "loss", "extra_delay"};
constexpr std::array<std::string_view, 5> kGridKeys{"file", "zones", "tie_lines", "security_check", "case_units"};
constexpr std::array<std::string_view, 2> kTieLineKeys{"between", "capacity"};
constexpr std::array<std::string_view, 1> kSiteKeys{"latitude"};
constexpr std::array<std::string_view, 7> kMarketKeys{"design", "clearing", "interval", "gate_closure",
                                                      "bid_window", "exchange_fee", "fixed_price"};
constexpr std::array<std::string_view, 2> kUtilityKeys{"retail_tariff", "feed_in_tariff"};
constexpr std::array<std::string_view, 6> kNetworkKeys{"model", "backbone", "exchange", "message_sizes",
                                                      "max_parallel_sends", "uncontended_below"};
constexpr std::array<std::string_view, 2> kLinkKeys{"latency", "bandwidth"};
constexpr std::array<std::string_view, 5> kMessageSizeKeys{"bid", "ack", "result", "result_per_trade",
                                                           "settlement"};
constexpr std::array<std::string_view, 11> kGroupKeys{"name",    "type",     "count",   "load", "pv",
                                                      "battery", "strategy", "network", "bus",  "zone",
                                                      "management_node"};
// Keys of both profile kinds; the ones of the other kind are rejected as "does not apply".
constexpr std::array<std::string_view, 5> kLoadKeys{"profile", "daily_energy", "noise", "file", "scale"};
constexpr std::array<std::string_view, 5> kPvKeys{"profile", "peak_power", "noise", "file", "scale"};
constexpr std::array<std::string_view, 5> kBatteryKeys{"capacity", "power", "efficiency", "initial_soc",
                                                       "share"};
constexpr std::array<std::string_view, 3> kStrategyKeys{"type", "price_min", "price_max"};

constexpr std::string_view kNameForm = "a name of letters, digits, '_' and '-'";
constexpr std::string_view kTimeForm = "an ISO-8601 time with an offset such as \"2026-06-21T00:00:00+02:00\"";

/** What the participant sections need to know from the rest of the scenario. */
struct GroupContext {
  std::filesystem::path scenario_dir;  // CSV paths are relative to the scenario file
  std::int64_t start_unix_s = 0;
  double interval_s = 0.0;
  std::uint32_t intervals = 0;
  UtilitySpec utility;                 // zero-intelligence price defaults
  const GridSpec* grid = nullptr;      // the scenario's grid: groups then need a bus in it
  const ConsortiumSpec* consortium = nullptr;  // consortium design: groups name their management node
};

bool is_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool is_currency(std::string_view text) {
  return text.size() == 3 && std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/** "15min" for messages about a related value; "15min, the default" if it was not written. */
std::string shown(double seconds, bool written) {
  return units::format_duration(seconds) + (written ? "" : ", the default");
}

std::string shown_price(double price_per_kwh, bool written) {
  char text[64];
  std::snprintf(text, sizeof text, "%g/kWh", price_per_kwh);
  return std::string(text) + (written ? "" : ", the default");
}

// ---- Leaf readers ----------------------------------------------------------------------------

double fraction(const Value& value, std::string_view expected) {
  const double x = value.number(expected);
  value.require(x >= 0.0 && x <= 1.0, expected);
  return x;
}

/** A share of the group in [0, 1]; the common optional-with-default pattern for numbers. */
double optional_fraction(const MapView& map, std::string_view key, double fallback) {
  const auto value = map.find(key);
  return value ? fraction(*value, "a number in [0, 1]") : fallback;
}

LinkSpec read_link(const Value& value, LinkSpec link) {
  const MapView map(value, kLinkKeys);
  if (auto latency = map.find("latency")) link.latency_s = latency->quantity(units::parse_duration_s);
  if (auto bandwidth = map.find("bandwidth")) {
    link.bandwidth_bytes_per_s = bandwidth->quantity(units::parse_rate_bytes_per_s);
    bandwidth->require(link.bandwidth_bytes_per_s > 0, "a data rate > 0");
  }
  return link;
}

double read_size(const MapView& map, std::string_view key, double fallback, bool may_be_zero) {
  const auto value = map.find(key);
  if (!value) return fallback;
  const double bytes = value->quantity(units::parse_size_bytes);
  value->require(may_be_zero || bytes > 0, "a data size > 0");
  return bytes;
}

// ---- Top-level sections ----------------------------------------------------------------------

SiteSpec read_site(const Value& value) {
  SiteSpec site;
  const MapView map(value, kSiteKeys);
  if (auto latitude = map.find("latitude")) {
    constexpr std::string_view kExpected = "a latitude in degrees in [-90, 90]";
    site.latitude_deg = latitude->number(kExpected);
    latitude->require(site.latitude_deg >= -90 && site.latitude_deg <= 90, kExpected);
  }
  return site;
}

MarketSpec read_market(const Value& value) {
  MarketSpec market;
  const MapView map(value, kMarketKeys);
  if (auto design = map.find("design")) {
    const std::string d = design->choice({"centralized", "consortium", "p2p"});
    market.design = d == "consortium" ? MarketDesign::kConsortium
                    : d == "p2p"      ? MarketDesign::kP2p
                                      : MarketDesign::kCentralized;
  }
  if (auto clearing = map.find("clearing")) {
    market.clearing_rule = clearing->choice(market::ClearingRuleRegistry::instance().names());
  }
  // Rule parameters: each key is required by the rule that uses it and an error with any other.
  if (market.clearing_rule == market::FixedPrice::kName) {
    const Value price = map.required("fixed_price", "a price such as \"0.20/kWh\" with clearing: fixed_price");
    market.clearing_params.fixed_price_per_kwh = price.quantity(units::parse_price_per_kwh);
  } else {
    map.reject("fixed_price", "clearing: " + market.clearing_rule, "clearing: fixed_price");
  }
  const auto interval = map.find("interval");
  if (interval) {
    market.interval_s = interval->quantity(units::parse_duration_s);
    interval->require(market.interval_s > 0, "a duration > 0");
  }
  const auto gate_closure = map.find("gate_closure");
  if (gate_closure) market.gate_closure_s = gate_closure->quantity(units::parse_duration_s);
  if (market.gate_closure_s >= market.interval_s) {
    // Point at the value that was written: the other one may be a default.
    if (gate_closure) {
      gate_closure->fail("a duration >= 0 and < market.interval (" + shown(market.interval_s, interval.has_value()) + ")");
    }
    interval->fail("a duration > market.gate_closure (" + shown(market.gate_closure_s, false) + ")");
  }
  if (auto bid_window = map.find("bid_window")) {
    market.bid_window_s = bid_window->quantity(units::parse_duration_s);
    bid_window->require(market.bid_window_s > 0, "a duration > 0");
  }
  if (auto fee = map.find("exchange_fee")) {
    market.exchange_fee_per_kwh = fee->quantity(units::parse_price_per_kwh);
    fee->require(market.exchange_fee_per_kwh >= 0, "a price >= 0");
  }
  return market;
}

UtilitySpec read_utility(const Value& value) {
  UtilitySpec utility;
  const MapView map(value, kUtilityKeys);
  const auto retail = map.find("retail_tariff");
  if (retail) utility.retail_per_kwh = retail->quantity(units::parse_price_per_kwh);
  const auto feed_in = map.find("feed_in_tariff");
  if (feed_in) utility.feed_in_per_kwh = feed_in->quantity(units::parse_price_per_kwh);
  if (utility.feed_in_per_kwh > utility.retail_per_kwh) {
    // A feed-in above retail would let anyone buy from the utility and sell back at a profit.
    if (feed_in) {
      feed_in->fail("a price <= utility.retail_tariff (" + shown_price(utility.retail_per_kwh, retail.has_value()) + ")");
    }
    retail->fail("a price >= utility.feed_in_tariff (" + shown_price(utility.feed_in_per_kwh, false) + ")");
  }
  return utility;
}

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

/** grid.zones and grid.tie_lines: the zonal model, and its mirror as a GridModel (GridSpec). */
void read_zonal_grid(const MapView& map, GridSpec& grid) {
  constexpr std::string_view kZonesForm = "a non-empty list of zone names (letters, digits, '_' and '-')";
  const Value zones = map.required("zones", kZonesForm);
  if (!zones.node().IsSequence() || zones.node().size() == 0) zones.fail(kZonesForm);
  std::vector<std::string> names;
  const std::vector<YAML::Node> items = scenario_yaml::elements(zones.node());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value item(zones.origin(), items[i], zones.key() + "[" + std::to_string(i) + "]");
    const std::string name = item.text(kNameForm);
    item.require(is_name(name), kNameForm);
    if (std::find(names.begin(), names.end(), name) != names.end()) item.fail("a name not used by an earlier zone");
    names.push_back(name);
  }
  grid.zonal = true;
  for (std::size_t z = 0; z < names.size(); ++z) {
    grid.zonal_model.zones.push_back(grid::Zone{static_cast<int>(z + 1), names[z]});
  }
  std::optional<Value> ties = map.find("tie_lines");
  if (ties) {
    constexpr std::string_view kTiesForm = "a list of tie-lines ({between: [ZONE, ZONE], capacity: 2MW})";
    if (!ties->node().IsSequence()) ties->fail(kTiesForm);
    const std::vector<YAML::Node> lines = scenario_yaml::elements(ties->node());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const Value item(ties->origin(), lines[i], ties->key() + "[" + std::to_string(i) + "]");
      const MapView tie_map(item, kTieLineKeys);
      constexpr std::string_view kBetween = "a list of two different names from grid.zones";
      const Value between = tie_map.required("between", kBetween);
      if (!between.node().IsSequence() || between.node().size() != 2) between.fail(kBetween);
      const std::vector<YAML::Node> ends = scenario_yaml::elements(between.node());
      std::size_t zone[2] = {0, 0};
      for (std::size_t e = 0; e < 2; ++e) {
        const Value end(ties->origin(), ends[e], between.key() + "[" + std::to_string(e) + "]");
        const std::string name = end.choice(names);
        zone[e] = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
      }
      if (zone[0] == zone[1]) between.fail(kBetween, "the same zone twice");
      constexpr std::string_view kCapacity = "a power >= 0 such as 2MW or 500kW, or unlimited";
      const Value capacity = tie_map.required("capacity", kCapacity);
      double capacity_mw = grid::kUnlimitedMw;
      if (!(capacity.node().IsScalar() && capacity.node().Scalar() == "unlimited")) {
        if (!capacity.node().IsScalar()) capacity.fail(kCapacity);
        double kw = 0.0;
        try {
          kw = capacity.quantity(units::parse_power_kw);
        } catch (const InputError&) {
          capacity.fail(kCapacity);  // the same position and key, naming `unlimited` too
        }
        capacity.require(std::isfinite(kw) && kw >= 0.0, kCapacity);
        capacity_mw = kw / 1000.0;
      }
      grid.zonal_model.tie_lines.push_back(grid::TieLine{zone[0], zone[1], capacity_mw});
    }
  }
  // Every pair of zones must be joined (a tie-line with capacity 0 for a border that carries nothing):
  // otherwise a trade between them could not be checked against any tie-line.
  const std::vector<int> component = grid::zone_components(grid.zonal_model);
  for (std::size_t z = 1; z < component.size(); ++z) {
    if (component[z] != 0) {
      const std::string expected = "tie-lines joining every zone to every other, directly or through others "
                                   "(capacity: 0MW for a border that carries nothing)";
      const std::string got = "no path from zone " + names[0] + " to zone " + names[z];
      if (ties) ties->fail(expected, got);
      map.required("tie_lines", expected).fail(expected, got);
    }
  }
  // The mirror: zones as buses, tie-lines as branches, for the trace's branch and bus columns.
  grid.model.name = "zones";
  for (const grid::Zone& zone : grid.zonal_model.zones) {
    grid::Bus bus;
    bus.id = zone.id;
    bus.area = zone.id;
    grid.model.buses.push_back(bus);
  }
  for (const grid::TieLine& tie : grid.zonal_model.tie_lines) {
    grid::Branch branch;
    branch.from_bus = grid.zonal_model.zones[tie.from_zone].id;
    branch.to_bus = grid.zonal_model.zones[tie.to_zone].id;
    branch.rate_a_mva = std::isinf(tie.capacity_mw) ? 0.0 : tie.capacity_mw;
    grid.model.branches.push_back(branch);
  }
  grid.model.index_buses();
}

GridSpec read_grid(const Value& value, const std::filesystem::path& scenario_dir) {
  constexpr std::string_view kExpected = "a path to a MATPOWER case file, relative to the scenario file";
  GridSpec grid;
  const MapView map(value, kGridKeys);
  if (map.find("zones")) {
    map.reject("file", "grid.zones (a zonal grid)", "bus-branch grids, without zones and tie_lines");
    map.reject("case_units", "grid.zones (a zonal grid, which has no generators or loads of its own)",
               "bus-branch grids: grid: {file: ...} with market.clearing: nodal");
    read_zonal_grid(map, grid);
    grid.present = true;
  } else {
    map.reject("tie_lines", "no grid.zones", "zonal grids: grid: {zones: [...], tie_lines: [...]}");
    const Value file = map.required(
        "file", std::string(kExpected) + " (or zones: [...] and tie_lines: [...] for a zonal grid)");
    const std::string name = file.text(kExpected);
    file.require(!name.empty(), kExpected);
    grid.present = true;
    grid.file_path = (scenario_dir / name).lexically_normal().string();
    try {
      grid.model = load_grid_file(grid.file_path);
    } catch (const InputError& error) {
      throw InputError(std::string(error.what()) + " (the grid named by " + file.key() + " at " + file.where() + ")");
    }
    if (auto units = map.find("case_units")) grid.case_units = units->choice({"exclude", "include"}) == "include";
  }
  if (auto check = map.find("security_check")) {
    const std::string option = check->choice({"none", "cancel_last", "reopen"});
    if (option == "cancel_last") {
      grid.security_check = market::SecurityCheck::kCancelLast;
      grid.security_option = consensus::SecurityOption::kCancelLast;
    } else if (option == "reopen") {
      grid.security_check = market::SecurityCheck::kCancelLast;
      grid.security_option = consensus::SecurityOption::kReopen;
    }
  }
  return grid;
}

// ---- Consortium design and faults ------------------------------------------------------------

double read_duration(const Value& value, bool positive) {
  const double seconds = value.quantity(units::parse_duration_s);
  value.require(positive ? seconds > 0 : seconds >= 0, positive ? "a duration > 0" : "a duration >= 0");
  return seconds;
}

/** The index of the management node named by `value`. */
std::uint32_t management_node_index(const Value& value, const ConsortiumSpec& consortium) {
  std::vector<std::string> names;
  for (const auto& node : consortium.management_nodes) names.push_back(node.name);
  const std::string name = value.choice(names);
  return static_cast<std::uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

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

// ---- Peer-to-peer design -----------------------------------------------------------------------

/** A positive plain number (p2p.hash_rate_hps, ...). */
double positive_number(const Value& value) {
  const double x = value.number("a number > 0");
  value.require(x > 0, "a number > 0");
  return x;
}

std::uint32_t bounded_integer(const Value& value, std::int64_t low, std::int64_t high) {
  const std::string expected = "an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]";
  const std::int64_t x = value.integer(expected);
  value.require(x >= low && x <= high, expected);
  return static_cast<std::uint32_t>(x);
}

P2pSpec read_p2p(const Value& value) {
  P2pSpec p2p;
  const MapView map(value, kP2pKeys);
  if (auto consensus = map.find("consensus")) {
    p2p.consensus = consensus->choice(p2p::LeaderElectionRegistry::instance().names());
  }
  if (auto interval = map.find("block_interval")) p2p.block_interval_s = read_duration(*interval, true);
  if (auto peers = map.find("peers")) p2p.peers = bounded_integer(*peers, 1, 1000);
  if (auto light = map.find("light_share")) {
    p2p.light_share = light->number("a share in [0, 1]");
    light->require(p2p.light_share >= 0 && p2p.light_share <= 1, "a share in [0, 1]");
  }
  if (auto miners = map.find("miners")) {
    const MapView m(*miners, kP2pMinerKeys);
    const auto count = m.find("count");
    const auto shares = m.find("shares");
    if (!count && !shares) m.required("count", "a number of miners in [1, 10000] (or a shares list)");
    std::uint32_t n = count ? bounded_integer(*count, 1, 10000) : 0;
    if (shares) {
      constexpr std::string_view kExpected = "a non-empty list of hash (or stake) shares > 0, one per miner";
      if (!shares->node().IsSequence() || shares->node().size() == 0) shares->fail(kExpected);
      const std::vector<YAML::Node> items = scenario_yaml::elements(shares->node());
      if (count && items.size() != n) {
        shares->fail("a list of " + std::to_string(n) + " shares (miners.count)", std::to_string(items.size()) + " shares");
      }
      std::vector<double> weights;
      double total = 0.0;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const Value item(value.origin(), items[i], shares->key() + "[" + std::to_string(i) + "]");
        weights.push_back(positive_number(item));
        total += weights.back();
      }
      for (double& w : weights) w /= total;  // relative weights
      p2p.miner_shares = std::move(weights);
    } else {
      p2p.miner_shares.assign(n, 1.0 / n);
    }
    if (auto network = m.find("network")) p2p.miner_access = read_link(*network, p2p.miner_access);
  }
  if (auto fee = map.find("fee")) {
    p2p.fee = fee->number("an amount >= 0 in the scenario currency");
    fee->require(p2p.fee >= 0, "an amount >= 0 in the scenario currency");
  }
  p2p.transaction_bytes = read_size(map, "transaction_size", p2p.transaction_bytes, false);
  p2p.max_block_bytes = read_size(map, "max_block_size", p2p.max_block_bytes, false);
  if (auto limit = map.find("max_block_size")) {
    limit->require(p2p.max_block_bytes >= 80.0 + p2p.transaction_bytes,
                   "a size that holds the 80-byte header and at least one transaction");
  }
  if (auto relay = map.find("tx_relay_interval")) p2p.tx_relay_interval_s = read_duration(*relay, false);
  if (auto relay = map.find("block_relay")) p2p.compact_blocks = relay->choice({"full", "compact"}) == "compact";
  if (auto contract = map.find("contract")) {
    p2p.contract = contract->choice(p2p::ContractModeRegistry::instance().names());
  }
  if (auto z = map.find("confirmations")) p2p.confirmations = bounded_integer(*z, 1, 1000);
  if (auto rate = map.find("hash_rate_hps")) p2p.hash_rate_hps = positive_number(*rate);
  if (auto joules = map.find("joules_per_hash")) p2p.joules_per_hash = positive_number(*joules);
  if (auto tail = map.find("tail_blocks")) p2p.tail_blocks = bounded_integer(*tail, 0, 1000);
  if (auto ds = map.find("double_spend")) {
    const MapView d(*ds, kP2pDoubleSpendKeys);
    P2pDoubleSpendSpec& out = p2p.double_spend;
    out.present = true;
    const Value q = d.required("q", "a list of attacker hash shares in (0, 0.5)");
    const Value z = d.required("z", "a list of confirmation counts in [0, 100]");
    for (const auto& [list, expected] : {std::pair{&q, "a non-empty list of attacker hash shares in (0, 0.5)"},
                                         std::pair{&z, "a non-empty list of confirmation counts in [0, 100]"}}) {
      if (!list->node().IsSequence() || list->node().size() == 0) list->fail(expected);
    }
    const std::vector<YAML::Node> qs = scenario_yaml::elements(q.node());
    for (std::size_t i = 0; i < qs.size(); ++i) {
      const Value item(value.origin(), qs[i], q.key() + "[" + std::to_string(i) + "]");
      const double x = item.number("an attacker hash share in (0, 0.5)");
      item.require(x > 0 && x < 0.5, "an attacker hash share in (0, 0.5)");
      out.attacker_shares.push_back(x);
    }
    const std::vector<YAML::Node> zs = scenario_yaml::elements(z.node());
    for (std::size_t i = 0; i < zs.size(); ++i) {
      const Value item(value.origin(), zs[i], z.key() + "[" + std::to_string(i) + "]");
      out.confirmations.push_back(bounded_integer(item, 0, 100));
    }
    if (auto trials = d.find("trials")) {
      const std::int64_t n = trials->integer("an integer in [1, 100000000]");
      trials->require(n >= 1 && n <= 100'000'000, "an integer in [1, 100000000]");
      out.trials = static_cast<std::uint64_t>(n);
    }
  }
  if (auto sm = map.find("selfish_mining")) {
    const MapView m(*sm, kP2pSelfishMiningKeys);
    P2pSelfishMiningSpec& out = p2p.selfish_mining;
    out.present = true;
    // A list of numbers in (lo, hi) or [lo, hi]; `expected` says which.
    const auto read_shares = [&](const Value& list, const char* expected, bool closed) {
      if (!list.node().IsSequence() || list.node().size() == 0) list.fail(expected);
      std::vector<double> values;
      const std::vector<YAML::Node> items = scenario_yaml::elements(list.node());
      for (std::size_t i = 0; i < items.size(); ++i) {
        const Value item(value.origin(), items[i], list.key() + "[" + std::to_string(i) + "]");
        const double x = item.number(expected);
        item.require(closed ? (x >= 0 && x <= 1) : (x > 0 && x < 0.5), expected);
        values.push_back(x);
      }
      return values;
    };
    out.pool_shares = read_shares(m.required("alpha", "a list of pool hash shares in (0, 0.5)"),
                                  "a non-empty list of pool hash shares in (0, 0.5)", false);
    if (auto gamma = m.find("gamma")) out.gammas = read_shares(*gamma, "a non-empty list of shares in [0, 1]", true);
    if (auto blocks = m.find("blocks")) {
      const std::int64_t n = blocks->integer("an integer in [1000, 100000000]");
      blocks->require(n >= 1000 && n <= 100'000'000, "an integer in [1000, 100000000]");
      out.blocks = static_cast<std::uint64_t>(n);
    }
  }
  return p2p;
}

/** What fault times are measured from: the scenario start, which is simulated time `offset_s`
 * (the first market opens one interval before the start). */
struct FaultClock {
  double offset_s = 0.0;
  double end_s = 0.0;  // simulated end of the run
  double at(const Value& value) const { return offset_s + read_duration(value, false); }
};

/** Periods [from, until): `until` after `from`. */
std::pair<double, double> read_period(const MapView& map, const FaultClock& clock) {
  const Value from = map.required("from", "a duration after the scenario start, such as \"10h\"");
  const Value until = map.required("until", "a duration after the scenario start, later than from");
  const double from_s = clock.at(from);
  const double until_s = clock.at(until);
  until.require(until_s > from_s, "a duration after the scenario start, later than from");
  return {from_s, until_s};
}

template <std::size_t N>
std::vector<MapView> fault_items(const MapView& faults, std::string_view key, const std::array<std::string_view, N>& keys) {
  std::vector<MapView> out;
  const auto list = faults.find(key);
  if (!list) return out;
  if (!list->node().IsSequence()) list->fail("a list of mappings");
  const std::vector<YAML::Node> items = scenario_yaml::elements(list->node());
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.emplace_back(Value(list->origin(), items[i], list->key() + "[" + std::to_string(i) + "]"), std::span(keys));
  }
  return out;
}

FaultsSpec read_faults(const Value& value, const ConsortiumSpec& consortium, const std::vector<ParticipantGroup>& groups,
                       const FaultClock& clock) {
  FaultsSpec faults;
  const MapView map(value, kFaultKeys);
  constexpr std::string_view kNodeExpected = "the name of a management node";
  for (const MapView& item : fault_items(map, "crashes", kCrashKeys)) {
    consensus::CrashFault crash;
    crash.node = management_node_index(item.required("node", kNodeExpected), consortium);
    crash.at_s = clock.at(item.required("at", "a duration after the scenario start, such as \"10h\""));
    crash.duration_s = read_duration(item.required("duration", "a duration > 0 such as \"30min\""), true);
    faults.crashes.push_back(crash);
  }
  for (const MapView& item : fault_items(map, "byzantine", kByzantineKeys)) {
    consensus::ByzantineFault fault;
    fault.node = management_node_index(item.required("node", kNodeExpected), consortium);
    if (auto behaviour = item.find("behaviour")) {
      fault.behaviour = behaviour->choice({"favour_own_area", "drop_other_areas"}) == "drop_other_areas"
                            ? consensus::ByzantineFault::Behaviour::kDropOtherAreas
                            : consensus::ByzantineFault::Behaviour::kFavourOwnArea;
    }
    std::tie(fault.from_s, fault.until_s) = read_period(item, clock);
    faults.byzantine.push_back(fault);
  }
  for (const MapView& item : fault_items(map, "misreports", kMisreportKeys)) {
    consensus::MisreportFault fault;
    fault.node = management_node_index(item.required("node", kNodeExpected), consortium);
    std::tie(fault.from_s, fault.until_s) = read_period(item, clock);
    faults.misreports.push_back(fault);
  }
  std::vector<std::string> endpoints;
  for (const auto& node : consortium.management_nodes) endpoints.push_back(node.name);
  for (const auto& group : groups) endpoints.push_back(group.name);
  for (const MapView& item : fault_items(map, "links", kLinkFaultKeys)) {
    LinkFaultSpec fault;
    const std::string expected = "a list of two names: management nodes or participant groups";
    const Value between = item.required("between", expected);
    if (!between.node().IsSequence() || between.node().size() != 2) between.fail(expected);
    const std::vector<YAML::Node> ends = scenario_yaml::elements(between.node());
    fault.a = Value(between.origin(), ends[0], between.key() + "[0]").choice(endpoints);
    fault.b = Value(between.origin(), ends[1], between.key() + "[1]").choice(endpoints);
    if (fault.a == fault.b) between.fail(expected, "the same name twice");
    std::tie(fault.from_s, fault.until_s) = read_period(item, clock);
    if (auto loss = item.find("loss")) fault.loss = fraction(*loss, "a probability in [0, 1]");
    if (auto delay = item.find("extra_delay")) fault.extra_delay_s = read_duration(*delay, false);
    if (fault.loss == 0.0 && fault.extra_delay_s == 0.0) {
      item.required("between", "").fail_key("a link fault with loss > 0 or extra_delay > 0", "neither");
    }
    faults.links.push_back(std::move(fault));
  }
  return faults;
}

// ---- Participant groups ----------------------------------------------------------------------

enum class ProfileRole { kLoad, kPv };

/** Read a CSV profile named under `file`; CSV errors keep their own file:line and say where
 * in the scenario the CSV was named. */
std::vector<double> read_csv_power(const Value& file, double scale, const GroupContext& context,
                                   std::string& resolved_path) {
  const std::string name = file.text("a path to a CSV file, relative to the scenario file");
  file.require(!name.empty(), "a path to a CSV file, relative to the scenario file");
  resolved_path = (context.scenario_dir / name).lexically_normal().string();
  try {
    return load_csv_profile_kw(resolved_path, context.start_unix_s, context.interval_s, context.intervals, scale);
  } catch (const InputError& error) {
    throw InputError(std::string(error.what()) + " (the CSV named by " + file.key() + " at " + file.where() + ")");
  }
}

ProfileSpec read_profile(const Value& value, ProfileRole role, const GroupContext& context) {
  const bool is_load = role == ProfileRole::kLoad;
  const MapView map(value, is_load ? std::span(kLoadKeys) : std::span(kPvKeys));
  const std::string_view size_key = is_load ? "daily_energy" : "peak_power";
  ProfileSpec profile;
  const std::string kind = map.required("profile", "one of synthetic, csv").choice({"synthetic", "csv"});
  if (kind == "synthetic") {
    map.reject("file", "profile: synthetic", "profile: csv");
    map.reject("scale", "profile: synthetic", "profile: csv");
    profile.kind = ProfileSpec::Kind::kSynthetic;
    if (is_load) {
      profile.daily_energy_kwh = map.required(size_key, "an energy such as \"10kWh\"").quantity(units::parse_energy_kwh);
    } else {
      profile.peak_power_kw = map.required(size_key, "a power such as \"5kW\"").quantity(units::parse_power_kw);
    }
    profile.noise = optional_fraction(map, "noise", is_load ? 0.1 : 0.2);
    return profile;
  }
  map.reject(size_key, "profile: csv", "profile: synthetic");
  map.reject("noise", "profile: csv", "profile: synthetic");
  profile.kind = ProfileSpec::Kind::kCsv;
  double scale = 1.0;
  if (auto scale_value = map.find("scale")) {
    scale = scale_value->number("a number > 0");
    scale_value->require(scale > 0, "a number > 0");
  }
  const Value file = map.required("file", "a path to a CSV file, relative to the scenario file");
  profile.csv_power_kw = read_csv_power(file, scale, context, profile.csv_path);
  return profile;
}

BatterySpec read_battery(const Value& value) {
  BatterySpec battery;
  const MapView map(value, kBatteryKeys);
  battery.present = true;
  const Value capacity = map.required("capacity", "an energy > 0 such as \"13.5kWh\"");
  battery.capacity_kwh = capacity.quantity(units::parse_energy_kwh);
  capacity.require(battery.capacity_kwh > 0, "an energy > 0");
  const Value power = map.required("power", "a power > 0 such as \"5kW\"");
  battery.power_kw = power.quantity(units::parse_power_kw);
  power.require(battery.power_kw > 0, "a power > 0");
  if (auto efficiency = map.find("efficiency")) {
    battery.efficiency = efficiency->number("a number in (0, 1]");
    efficiency->require(battery.efficiency > 0 && battery.efficiency <= 1, "a number in (0, 1]");
  }
  battery.initial_soc = optional_fraction(map, "initial_soc", battery.initial_soc);
  battery.share = optional_fraction(map, "share", battery.share);
  return battery;
}

StrategySpec read_strategy(const Value& value, const UtilitySpec& utility) {
  StrategySpec strategy;
  const MapView map(value, kStrategyKeys);
  const std::string type =
      map.required("type", "one of truthful, zero_intelligence").choice({"truthful", "zero_intelligence"});
  if (type == "truthful") {
    map.reject("price_min", "type: truthful", "type: zero_intelligence");
    map.reject("price_max", "type: truthful", "type: zero_intelligence");
    return strategy;
  }
  strategy.kind = StrategySpec::Kind::kZeroIntelligence;
  // Without limits, agents bid between what the utility pays and what it charges.
  strategy.price_min_per_kwh = utility.feed_in_per_kwh;
  strategy.price_max_per_kwh = utility.retail_per_kwh;
  const auto price_min = map.find("price_min");
  if (price_min) strategy.price_min_per_kwh = price_min->quantity(units::parse_price_per_kwh);
  const auto price_max = map.find("price_max");
  if (price_max) strategy.price_max_per_kwh = price_max->quantity(units::parse_price_per_kwh);
  if (strategy.price_max_per_kwh < strategy.price_min_per_kwh) {
    if (price_max) {
      price_max->fail("a price >= price_min (" + shown_price(strategy.price_min_per_kwh, price_min.has_value()) +
                      ", the utility feed-in tariff if not given)");
    }
    price_min->fail("a price <= price_max (" + shown_price(strategy.price_max_per_kwh, false) +
                    ": the utility retail tariff)");
  }
  return strategy;
}

/** "participants[<name>]" when the item has a usable name, else "participants[<index>]". */
std::string group_key(const YAML::Node& item, std::size_t index) {
  if (item.IsMap()) {
    for (const auto& pair : item) {
      if (pair.first.IsScalar() && pair.first.Scalar() == "name" && pair.second.IsScalar() &&
          is_name(pair.second.Scalar())) {
        return "participants[" + pair.second.Scalar() + "]";
      }
    }
  }
  return "participants[" + std::to_string(index) + "]";
}

ParticipantGroup read_group(const Value& value, const GroupContext& context) {
  ParticipantGroup group;
  const MapView map(value, kGroupKeys);
  const Value name = map.required("name", kNameForm);
  group.name = name.text(kNameForm);
  // Names address groups in --set; an all-digit name would read as a list index.
  const bool only_digits =
      std::all_of(group.name.begin(), group.name.end(), [](char c) { return c >= '0' && c <= '9'; });
  name.require(is_name(group.name) && !only_digits,
               std::string(kNameForm) + ", not only digits");

  const std::string type = map.required("type", "one of prosumer, consumer").choice({"prosumer", "consumer"});
  group.type = type == "prosumer" ? ParticipantType::kProsumer : ParticipantType::kConsumer;
  if (group.type == ParticipantType::kConsumer) {
    map.reject("pv", "type: consumer", "type: prosumer");
    map.reject("battery", "type: consumer", "type: prosumer");
  }

  const Value count = map.required("count", "an integer >= 1");
  const std::int64_t members = count.integer("an integer >= 1");
  count.require(members >= 1, "an integer >= 1");
  count.require(static_cast<std::uint64_t>(members) <= kMaxParticipants,
                "at most " + std::to_string(kMaxParticipants) + " participants");
  group.count = static_cast<std::uint32_t>(members);

  group.load = read_profile(map.required("load", "a mapping with profile: synthetic or csv"), ProfileRole::kLoad, context);
  if (auto pv = map.find("pv")) group.pv = read_profile(*pv, ProfileRole::kPv, context);
  if (auto battery = map.find("battery")) group.battery = read_battery(*battery);
  if (auto strategy = map.find("strategy")) group.strategy = read_strategy(*strategy, context.utility);
  group.access = LinkSpec{0.020, 10e6 / 8};  // 20ms, 10Mbps: a household broadband line
  if (auto network = map.find("network")) group.access = read_link(*network, group.access);
  if (context.grid && context.grid->zonal) {
    std::vector<std::string> names;
    for (const grid::Zone& zone : context.grid->zonal_model.zones) names.push_back(zone.name);
    map.reject("bus", "a zonal grid (grid.zones)", "bus-branch grids: grid: {file: ...}; use zone: NAME");
    const Value zone = map.required("zone", "the name of a zone in grid.zones (every group needs one with a zonal grid)");
    const std::string name = zone.choice(names);
    group.zone = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  } else if (context.grid) {
    map.reject("zone", "a bus-branch grid (grid.file)", "zonal grids: grid: {zones: [...]}; use bus: NUMBER");
    const std::string expected = "the number of a bus in " + context.grid->file_path;
    const Value bus = map.required("bus", expected + " (every group needs one with a top-level grid)");
    const std::int64_t number = bus.integer(expected);
    const auto& buses = context.grid->model.buses;
    bus.require(std::any_of(buses.begin(), buses.end(), [&](const grid::Bus& b) { return b.id == number; }),
                expected);
    group.bus = static_cast<int>(number);
  } else {
    map.reject("bus", "no top-level grid", "scenarios with grid: {file: ...}");
    map.reject("zone", "no top-level grid", "scenarios with grid: {zones: [...]}");
  }
  if (context.consortium != nullptr && !context.consortium->management_nodes.empty()) {
    const auto& nodes = context.consortium->management_nodes;
    std::vector<std::string> names;
    for (const auto& node : nodes) names.push_back(node.name);
    if (auto node = map.find("management_node")) {
      const std::string name = node->choice(names);
      group.management_node = static_cast<std::uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
    } else if (nodes.size() > 1) {
      map.required("management_node", "the name of the management node that admits the group (one of consortium.management_nodes)");
    }
  } else {
    map.reject("management_node", "no consortium section", "scenarios with a consortium section");
  }
  return group;
}

std::vector<ParticipantGroup> read_groups(const Value& value, const GroupContext& context) {
  constexpr std::string_view kExpected = "a non-empty list of participant groups";
  if (!value.node().IsSequence() || value.node().size() == 0) value.fail(kExpected);
  std::vector<ParticipantGroup> groups;
  std::uint64_t total = 0;
  const std::vector<YAML::Node> items = scenario_yaml::elements(value.node());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value item(value.origin(), items[i], group_key(items[i], i));
    ParticipantGroup group = read_group(item, context);
    const MapView map(item, kGroupKeys);
    for (std::size_t j = 0; j < groups.size(); ++j) {
      if (groups[j].name == group.name) {
        map.required("name", "").fail("a name not used by an earlier group (participants[" + std::to_string(j) +
                                      "] has it)");
      }
    }
    total += group.count;
    if (total > kMaxParticipants) {
      map.required("count", "").fail("a count that keeps the total over all groups at most " +
                                     std::to_string(kMaxParticipants) + " (it would be " +
                                     std::to_string(total) + ")");
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

// ---- The whole scenario ----------------------------------------------------------------------

Scenario read_scenario(const Value& root, const std::string& path) {
  Scenario scenario;
  const MapView top(root, kTopKeys);

  const Value name = top.required("name", kNameForm);
  scenario.name = name.text(kNameForm);
  name.require(is_name(scenario.name), kNameForm);
  if (auto description = top.find("description")) scenario.description = description->text("a text");
  if (auto seed = top.find("seed")) scenario.seed = seed->unsigned_integer("an integer >= 0");

  const Value start = top.required("start", kTimeForm);
  scenario.start_iso = start.text(kTimeForm);
  const auto start_time = parse_iso8601(scenario.start_iso);
  if (!start_time) start.fail(kTimeForm);
  scenario.start_unix_s = start_time->unix_s;
  scenario.utc_offset_s = start_time->utc_offset_s;

  if (auto currency = top.find("currency")) {
    scenario.currency = currency->text("a currency code of 3 capital letters such as EUR");
    currency->require(is_currency(scenario.currency), "a currency code of 3 capital letters such as EUR");
  }
  if (auto site = top.find("site")) scenario.site = read_site(*site);
  if (auto market = top.find("market")) scenario.market = read_market(*market);
  if (auto utility = top.find("utility")) scenario.utility = read_utility(*utility);
  if (auto network = top.find("network")) scenario.network = read_network(*network);

  const Value duration = top.required("duration", "a duration such as \"1d\"");
  scenario.duration_s = duration.quantity(units::parse_duration_s);
  duration.require(scenario.duration_s > 0, "a duration > 0");
  const double intervals = scenario.duration_s / scenario.market.interval_s;
  const bool whole = std::fabs(intervals - std::round(intervals)) <= 1e-9 * intervals;
  duration.require(whole && intervals <= std::numeric_limits<std::uint32_t>::max(),
                   "a whole multiple of market.interval (" +
                       units::format_duration(scenario.market.interval_s) + ")");

  const std::filesystem::path scenario_dir = std::filesystem::path(path).parent_path();
  if (auto grid = top.find("grid")) scenario.grid = read_grid(*grid, scenario_dir);
  if (scenario.market.clearing_rule == market::Nodal::kName && !scenario.grid.present) {
    MapView(*top.find("market"), kMarketKeys)
        .required("clearing", "")
        .fail("a rule that needs no grid: clearing: nodal needs a top-level grid: {file: ...}");
  }
  if (scenario.market.clearing_rule == market::Nodal::kName && scenario.grid.zonal) {
    MapView(*top.find("market"), kMarketKeys)
        .required("clearing", "")
        .fail("a rule that runs on zones: clearing: nodal needs a bus-branch grid: {file: ...}, not grid.zones");
  }

  if (scenario.grid.case_units) {
    // Only the nodal OPF can dispatch the case's generators and serve its loads; and only the
    // centralized exchange can settle the grid party, which has no keys to sign ledger trades.
    const Value units = MapView(*top.find("grid"), kGridKeys).required("case_units", "");
    if (scenario.market.clearing_rule != market::Nodal::kName) {
      units.fail("exclude: case_units: include needs market.clearing: nodal (only the nodal OPF dispatches "
                 "the case's generators and serves its loads)",
                 "include with market.clearing: " + scenario.market.clearing_rule);
    }
    if (scenario.market.design != MarketDesign::kCentralized) {
      units.fail("exclude: case_units: include needs market.design: centralized (the grid party that owns the "
                 "case's units has no keys to sign ledger trades)",
                 "include with market.design: " + std::string(market_design_name(scenario.market.design)));
    }
    scenario.market.clearing_params.nodal_includes_case_units = true;
  }

  const bool consortium = scenario.market.design == MarketDesign::kConsortium;
  if (auto section = top.find("consortium")) {
    // Read and checked even when unused, so one file can run under both designs for comparison.
    scenario.consortium = read_consortium(*section);
    if (!consortium) {
      scenario.notes.push_back(section->where_key() +
                               ": consortium: not used with market.design: centralized (participants trade at one exchange)");
    }
  } else if (consortium) {
    top.required("consortium", "a consortium section (management_nodes, ...) with market.design: consortium");
  }
  const bool p2p = scenario.market.design == MarketDesign::kP2p;
  if (auto section = top.find("p2p")) {
    scenario.p2p = read_p2p(*section);
    if (!p2p) {
      scenario.notes.push_back(section->where_key() + ": p2p: not used with market.design: " +
                               std::string(market_design_name(scenario.market.design)));
    }
  }
  const auto contract = p2p ? p2p::ContractModeRegistry::instance().create(scenario.p2p.contract) : nullptr;
  if (const auto need = contract ? contract->requirement() : std::nullopt;
      need && scenario.market.clearing_rule != need->clearing_rule) {
    MapView(*top.find("p2p"), kP2pKeys)
        .required("contract", "")
        .fail("call: contract: " + scenario.p2p.contract + " is " + std::string(need->because) +
                  ", so it needs market.clearing: " + std::string(need->clearing_rule),
              scenario.p2p.contract + " with market.clearing: " + scenario.market.clearing_rule);
  }
  if (p2p && scenario.grid.security_check != market::SecurityCheck::kNone) {
    MapView(*top.find("grid"), kGridKeys)
        .required("security_check", "")
        .fail("none: the p2p market contract runs no grid security check");
  }
  if (scenario.grid.security_option == consensus::SecurityOption::kReopen && !consortium) {
    MapView(*top.find("grid"), kGridKeys)
        .required("security_check", "")
        .fail("none or cancel_last: reopen (option B) needs market.design: consortium");
  }

  GroupContext context;
  context.scenario_dir = scenario_dir;
  context.grid = scenario.grid.present ? &scenario.grid : nullptr;
  context.consortium = scenario.consortium.management_nodes.empty() ? nullptr : &scenario.consortium;
  context.start_unix_s = scenario.start_unix_s;
  context.interval_s = scenario.market.interval_s;
  context.intervals = scenario.interval_count();
  context.utility = scenario.utility;
  scenario.groups = read_groups(top.required("participants", "a non-empty list of participant groups"), context);
  if (auto faults = top.find("faults")) {
    if (scenario.consortium.management_nodes.empty()) {
      top.reject("faults", "no consortium section", "scenarios with a consortium section");
    }
    if (!consortium) {
      scenario.notes.push_back(faults->where_key() + ": faults: not used with market.design: centralized");
    }
    FaultClock clock;
    clock.offset_s = scenario.market.interval_s;
    scenario.faults = read_faults(*faults, scenario.consortium, scenario.groups, clock);
  }
  return scenario;
}

}  // namespace

std::string_view market_design_name(MarketDesign design) {
  switch (design) {
    case MarketDesign::kCentralized: return "centralized";
    case MarketDesign::kConsortium: return "consortium";
    case MarketDesign::kP2p: return "p2p";
  }
  return "unknown";
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       std::optional<std::uint64_t> seed) {
  scenario_yaml::Origin origin(path);
  YAML::Node root = scenario_yaml::parse_scenario_file(path);
  for (const std::string& text : overrides) scenario_yaml::apply_override(root, text, origin);
  if (seed) scenario_yaml::apply_seed(root, *seed, origin);

  Scenario scenario = read_scenario(Value(origin, root, ""), path);
  scenario.source_path = path;
  scenario.yaml_as_run = scenario_yaml::emit(root);
  return scenario;
}

}  // namespace ebsim::sim
