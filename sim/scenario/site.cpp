// site: where the scenario is (drives the synthetic PV day).
#include "sim/scenario/sections.hpp"

namespace ebsim::sim::scenario_sections {

namespace {
constexpr std::string_view kSiteKeys[]{"latitude"};
}  // namespace

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

}  // namespace ebsim::sim::scenario_sections
