#pragma once
/** Market designs by name ("centralized", "consortium", "p2p"): what the scenario, the platform
 * and the run need of each. A design's file registers it with one MarketDesignRegistration
 * (sim/ is an OBJECT library, so the registration is kept); nothing outside that file switches
 * over the design. The scenario's market.design is checked against the registered names. */
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebsim::sim {

struct Scenario;
struct Platform;
class DesignRun;
namespace scenario_yaml {
class Value;
class MapView;
}  // namespace scenario_yaml

/** One market design. Null hooks do nothing. */
struct MarketDesignEntry {
  /** The design's own top-level scenario section ("consortium", "p2p"); empty if it has none. */
  std::string_view section;
  /** Reads the section (nullopt if not written) into the scenario, whatever the chosen design, so
   * one file runs under several designs; notes when it is unused and fails when it is missing. */
  void (*read_section)(const std::optional<scenario_yaml::Value>& section, const scenario_yaml::MapView& top,
                       Scenario& scenario) = nullptr;
  /** With this design chosen, after every section it needs is read: checks across sections. */
  void (*check)(const scenario_yaml::MapView& top, const Scenario& scenario) = nullptr;
  /** Can settle the grid party of grid.case_units: include (which has no keys to sign with). */
  bool settles_case_units = false;
  /** Runs grid.security_check: reopen (option B: the management nodes reopen the market). */
  bool reopens_market = false;
  /** Injects the scenario's faults: section. */
  bool injects_faults = false;
  /** Creates the design's hosts, links and routes (sim/platform.cpp). */
  Platform (*build_platform)(const Scenario& scenario) = nullptr;
  /** The design's part of a run (sim/market_design.hpp). */
  std::unique_ptr<DesignRun> (*make_run)(const Scenario& scenario) = nullptr;
};

/** Name -> design. */
class MarketDesignRegistry {
 public:
  static MarketDesignRegistry& instance();
  /** Register `entry` as `name`; throws std::logic_error if the name is taken. */
  void add(std::string name, MarketDesignEntry entry);
  /** The design called `name`; throws std::logic_error if none is (the scenario checked the name). */
  const MarketDesignEntry& at(std::string_view name) const;
  /** Registered names, sorted. */
  std::vector<std::string> names() const;
  /** Every design, sorted by name. */
  const std::map<std::string, MarketDesignEntry, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, MarketDesignEntry, std::less<>> entries_;
};

/** Put one of these at namespace scope in a design's .cpp to register it. */
struct MarketDesignRegistration {
  MarketDesignRegistration(std::string name, MarketDesignEntry entry) {
    MarketDesignRegistry::instance().add(std::move(name), entry);
  }
};

}  // namespace ebsim::sim
