// Checks and leaf readers shared by the scenario's section readers.
#include <algorithm>
#include <cstdio>

#include "models/core/units.hpp"
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kLinkKeys[]{"latency", "bandwidth"};
}  // namespace

bool is_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string shown(double seconds, bool written) {
  return units::format_duration(seconds) + (written ? "" : ", the default");
}

std::string shown_price(double price_per_kwh, bool written) {
  char text[64];
  std::snprintf(text, sizeof text, "%g/kWh", price_per_kwh);
  return std::string(text) + (written ? "" : ", the default");
}

double fraction(const Value& value, std::string_view expected) {
  const double x = value.number(expected);
  value.require(x >= 0.0 && x <= 1.0, expected);
  return x;
}

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

double read_duration(const Value& value, bool positive) {
  const double seconds = value.quantity(units::parse_duration_s);
  value.require(positive ? seconds > 0 : seconds >= 0, positive ? "a duration > 0" : "a duration >= 0");
  return seconds;
}

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

std::uint32_t management_node_index(const Value& value, const ConsortiumSpec& consortium) {
  std::vector<std::string> names;
  for (const auto& node : consortium.management_nodes) names.push_back(node.name);
  const std::string name = value.choice(names);
  return static_cast<std::uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace ebsim::sim::scenario_sections
