#include "analysis/bills.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "sim/trace/records.hpp"
#include "sim/trace/trace_reader.hpp"

namespace ebsim::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/** Marks a participant id with no row in /participants. */
constexpr std::uint32_t kNoGroup = std::numeric_limits<std::uint32_t>::max();

/** What one group's members add up to over the run. */
struct GroupTotals {
  double paid = 0.0;       // Σ /settlement.total_payment
  double need_kwh = 0.0;   // Σ over intervals of the meter's net consumption, where positive
  double surplus_kwh = 0.0;  // Σ over intervals of the meter's net production, where positive
};

/** The utility's tariffs as the trace shows them: a settlement row imports or exports (never
 * both, since import and export cover the part of the meter's net flow the market did not), and
 * its utility_payment is import x retail or -(export x feed-in), so the ratio of the sums over
 * importing (exporting) rows is the retail (feed-in) tariff. NaN when no row imported (exported). */
struct TariffSums {
  double import_kwh = 0.0, import_paid = 0.0;
  double export_kwh = 0.0, export_paid = 0.0;

  double retail_per_kwh() const { return import_kwh > 0.0 ? import_paid / import_kwh : kNaN; }
  double feed_in_per_kwh() const { return export_kwh > 0.0 ? -export_paid / export_kwh : kNaN; }
};

/** participant id -> /groups.group, from /participants. */
std::vector<std::uint32_t> group_of_participants(const trace::TraceFile& trace, const std::string& path,
                                                 std::size_t groups) {
  std::vector<std::uint32_t> group_of;
  trace::for_each_row<trace::ParticipantRecord>(
      path,
      [&](const trace::ParticipantRecord& row) {
        if (row.group >= groups)
          trace.fail("/participants: participant " + std::to_string(row.participant) + " is in group " +
                     std::to_string(row.group) + ", which has no row in /groups");
        if (row.participant >= group_of.size()) group_of.resize(row.participant + std::size_t{1}, kNoGroup);
        group_of[row.participant] = row.group;
      },
      {"participant", "group"});
  return group_of;
}

}  // namespace

std::vector<GroupBill> read_group_bills(const trace::TraceFile& trace, const std::string& path) {
  std::vector<GroupBill> bills;
  trace::for_each_row<trace::GroupRecord>(
      path,
      [&](const trace::GroupRecord& row) {
        GroupBill bill;
        bill.name = std::string(row.name, strnlen(row.name, sizeof row.name));
        bill.members = row.count;
        bills.push_back(bill);
      },
      {"name", "count"});
  const std::vector<std::uint32_t> group_of = group_of_participants(trace, path, bills.size());

  std::vector<GroupTotals> totals(bills.size());
  TariffSums tariffs;
  trace::for_each_row<trace::SettlementRecord>(
      path,
      [&](const trace::SettlementRecord& row) {
        if (row.participant >= group_of.size() || group_of[row.participant] == kNoGroup)
          trace.fail("/settlement: participant " + std::to_string(row.participant) +
                     " has no row in /participants");
        GroupTotals& group = totals[group_of[row.participant]];
        group.paid += row.total_payment;
        // The meter's net flow, as the settlement computes it (models/market/settlement.cpp).
        const double residual_kwh = row.load_kwh + row.battery_charge_kwh - row.pv_kwh - row.battery_discharge_kwh;
        group.need_kwh += std::max(0.0, residual_kwh);
        group.surplus_kwh += std::max(0.0, -residual_kwh);
        if (row.utility_import_kwh > 0.0) {
          tariffs.import_kwh += row.utility_import_kwh;
          tariffs.import_paid += row.utility_payment;
        } else if (row.utility_export_kwh > 0.0) {
          tariffs.export_kwh += row.utility_export_kwh;
          tariffs.export_paid += row.utility_payment;
        }
      },
      {"participant", "load_kwh", "pv_kwh", "battery_charge_kwh", "battery_discharge_kwh", "utility_import_kwh",
       "utility_export_kwh", "utility_payment", "total_payment"});

  const double retail = tariffs.retail_per_kwh(), feed_in = tariffs.feed_in_per_kwh();
  for (std::size_t g = 0; g < bills.size(); ++g) {
    const GroupTotals& group = totals[g];
    // A tariff the trace cannot show only matters if the group has energy to price with it.
    const double bought = group.need_kwh > 0.0 ? retail * group.need_kwh : 0.0;
    const double sold = group.surplus_kwh > 0.0 ? feed_in * group.surplus_kwh : 0.0;
    const double members = static_cast<double>(bills[g].members);
    bills[g].bill_per_member = bills[g].members > 0 ? group.paid / members : kNaN;
    bills[g].utility_only_per_member = bills[g].members > 0 ? (bought - sold) / members : kNaN;
  }
  return bills;
}

}  // namespace ebsim::analysis
