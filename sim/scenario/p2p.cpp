// p2p: the peer-to-peer design's public chain, miners, contract and Monte Carlo experiments.
#include "sim/scenario/sections.hpp"

#include "models/p2p/contract_mode.hpp"
#include "models/p2p/leader_election.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kP2pKeys[]{"consensus",     "block_interval",  "peers",          "light_share",
                                      "miners",        "fee",             "transaction_size", "max_block_size",
                                      "tx_relay_interval", "block_relay", "contract",       "confirmations",
                                      "hash_rate_hps", "joules_per_hash", "tail_blocks",    "double_spend",
                                      "selfish_mining"};
constexpr std::string_view kP2pMinerKeys[]{"count", "shares", "network"};
constexpr std::string_view kP2pDoubleSpendKeys[]{"q", "z", "trials"};
constexpr std::string_view kP2pSelfishMiningKeys[]{"alpha", "gamma", "blocks"};

/** p2p.miners: a count of equal miners, or their shares. */
void read_miners(const Value& miners, P2pSpec& p2p) {
  const MapView m(miners, kP2pMinerKeys);
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
      const Value item(miners.origin(), items[i], shares->key() + "[" + std::to_string(i) + "]");
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

/** p2p.double_spend: the (q, z) grid of the double-spend Monte Carlo. */
void read_double_spend(const Value& ds, P2pDoubleSpendSpec& out) {
  const MapView d(ds, kP2pDoubleSpendKeys);
  out.present = true;
  const Value q = d.required("q", "a list of attacker hash shares in (0, 0.5)");
  const Value z = d.required("z", "a list of confirmation counts in [0, 100]");
  for (const auto& [list, expected] : {std::pair{&q, "a non-empty list of attacker hash shares in (0, 0.5)"},
                                       std::pair{&z, "a non-empty list of confirmation counts in [0, 100]"}}) {
    if (!list->node().IsSequence() || list->node().size() == 0) list->fail(expected);
  }
  const std::vector<YAML::Node> qs = scenario_yaml::elements(q.node());
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const Value item(ds.origin(), qs[i], q.key() + "[" + std::to_string(i) + "]");
    const double x = item.number("an attacker hash share in (0, 0.5)");
    item.require(x > 0 && x < 0.5, "an attacker hash share in (0, 0.5)");
    out.attacker_shares.push_back(x);
  }
  const std::vector<YAML::Node> zs = scenario_yaml::elements(z.node());
  for (std::size_t i = 0; i < zs.size(); ++i) {
    const Value item(ds.origin(), zs[i], z.key() + "[" + std::to_string(i) + "]");
    out.confirmations.push_back(bounded_integer(item, 0, 100));
  }
  if (auto trials = d.find("trials")) {
    const std::int64_t n = trials->integer("an integer in [1, 100000000]");
    trials->require(n >= 1 && n <= 100'000'000, "an integer in [1, 100000000]");
    out.trials = static_cast<std::uint64_t>(n);
  }
}

/** p2p.selfish_mining: the (alpha, gamma) grid of the selfish-mining Monte Carlo. */
void read_selfish_mining(const Value& sm, P2pSelfishMiningSpec& out) {
  const MapView m(sm, kP2pSelfishMiningKeys);
  out.present = true;
  // A list of numbers in (lo, hi) or [lo, hi]; `expected` says which.
  const auto read_shares = [&](const Value& list, const char* expected, bool closed) {
    if (!list.node().IsSequence() || list.node().size() == 0) list.fail(expected);
    std::vector<double> values;
    const std::vector<YAML::Node> items = scenario_yaml::elements(list.node());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Value item(sm.origin(), items[i], list.key() + "[" + std::to_string(i) + "]");
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
  if (auto miners = map.find("miners")) read_miners(*miners, p2p);
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
  if (auto ds = map.find("double_spend")) read_double_spend(*ds, p2p.double_spend);
  if (auto sm = map.find("selfish_mining")) read_selfish_mining(*sm, p2p.selfish_mining);
  return p2p;
}

}  // namespace

void read_p2p_section(const std::optional<Value>& section, const MapView&, Scenario& scenario) {
  if (section) {
    scenario.p2p = read_p2p(*section);
    if (scenario.market.design != "p2p") {
      scenario.notes.push_back(section->where_key() + ": p2p: not used with market.design: " + scenario.market.design);
    }
  }
}

void check_p2p_design(const MapView& top, const Scenario& scenario) {
  const auto contract = p2p::ContractModeRegistry::instance().create(scenario.p2p.contract);
  if (const auto need = contract ? contract->requirement() : std::nullopt;
      need && scenario.market.clearing_rule != need->clearing_rule) {
    MapView(*top.find("p2p"), kP2pKeys)
        .required("contract", "")
        .fail("call: contract: " + scenario.p2p.contract + " is " + std::string(need->because) +
                  ", so it needs market.clearing: " + std::string(need->clearing_rule),
              scenario.p2p.contract + " with market.clearing: " + scenario.market.clearing_rule);
  }
  if (scenario.grid.security_check != market::SecurityCheck::kNone) {
    MapView(*top.find("grid"), grid_keys())
        .required("security_check", "")
        .fail("none: the p2p market contract runs no grid security check");
  }
}

}  // namespace ebsim::sim::scenario_sections
