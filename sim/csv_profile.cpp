#include "sim/csv_profile.hpp"

#include <array>
#include <cmath>
#include <string_view>

#include "models/core/units.hpp"
#include "sim/input_error.hpp"
#include "sim/scenario_text.hpp"

namespace ebsim::sim {
namespace {

constexpr std::string_view kHeaderForm =
    "the header \"timestamp,<name>_<unit>\" with unit kw, w or mw (e.g. \"timestamp,load_kw\")";
constexpr std::string_view kTimestampForm =
    "an ISO-8601 timestamp with an offset such as \"2026-06-21T00:00:00+02:00\"";

/** A column unit as it appears in the header suffix, and its factor to kW. */
struct PowerColumnUnit {
  std::string_view suffix;
  double to_kw;
};
constexpr std::array kColumnUnits{PowerColumnUnit{"_kw", 1.0}, PowerColumnUnit{"_w", 1e-3},
                                  PowerColumnUnit{"_mw", 1e3}};

[[noreturn]] void fail(const std::string& path, int line, std::string_view key, std::string_view expected,
                       std::string_view got) {
  throw InputError(path + ":" + std::to_string(line) + ": " + std::string(key) + ": expected " +
                   std::string(expected) + ", got " + std::string(got));
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = line.find(',', begin);
    fields.push_back(trim(line.substr(begin, comma == std::string_view::npos ? comma : comma - begin)));
    if (comma == std::string_view::npos) return fields;
    begin = comma + 1;
  }
}

/** Lines that carry no data: blank, or a comment starting with '#'. */
bool is_ignored(std::string_view line) {
  const std::string_view content = trim(line);
  return content.empty() || content.front() == '#';
}

/** The factor to kW of a value column named "<name>_<unit>", or 0 if the name is malformed. */
double column_factor(std::string_view column) {
  for (const PowerColumnUnit& unit : kColumnUnits) {
    const bool has_name = column.size() > unit.suffix.size();
    if (has_name && column.substr(column.size() - unit.suffix.size()) == unit.suffix) return unit.to_kw;
  }
  return 0.0;
}

/** Walks the file's lines, keeping 1-based line numbers. */
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {
    // A byte-order mark (spreadsheet exports) is not part of the header.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
  }
  /** The next line that is not blank or a comment; false at the end of the file. */
  bool next(std::string_view& line) {
    while (position_ < text_.size()) {
      const std::size_t end = text_.find('\n', position_);
      line = text_.substr(position_, end == std::string_view::npos ? end : end - position_);
      position_ = end == std::string_view::npos ? text_.size() : end + 1;
      ++number_;
      if (!is_ignored(line)) return true;
    }
    return false;
  }
  int number() const { return number_; }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  int number_ = 0;
};

struct Header {
  std::string column;
  double to_kw = 0.0;
};

Header read_header(const std::string& path, LineReader& lines) {
  std::string_view line;
  if (!lines.next(line)) fail(path, lines.number(), "header", kHeaderForm, "the end of the file");
  const auto fields = split_fields(line);
  const double factor = fields.size() == 2 ? column_factor(fields[1]) : 0.0;
  if (fields.size() != 2 || fields[0] != "timestamp" || factor == 0.0) {
    fail(path, lines.number(), "header", kHeaderForm, quoted(trim(line)));
  }
  return Header{std::string(fields[1]), factor};
}

/** Append one data row, checking its fields, its value and its timestamp's step. */
void read_row(const std::string& path, int line_number, std::string_view line, const Header& header,
              CsvProfile& profile) {
  const auto fields = split_fields(line);
  if (fields.size() != 2) {
    fail(path, line_number, "row", "2 columns (timestamp," + header.column + ")",
         std::to_string(fields.size()) + " in " + quoted(trim(line)));
  }
  const auto time = parse_iso8601(fields[0]);
  if (!time) fail(path, line_number, "timestamp", kTimestampForm, quoted(fields[0]));
  const auto value = parse_decimal(fields[1]);
  if (!value) fail(path, line_number, header.column, "a decimal number", quoted(fields[1]));
  if (*value < 0) fail(path, line_number, header.column, "a power >= 0", quoted(fields[1]));

  if (!profile.time_unix_s.empty()) {
    const std::int64_t previous = profile.time_unix_s.back();
    const std::int64_t step = time->unix_s - previous;
    if (step <= 0) {
      fail(path, line_number, "timestamp",
           "a time after the previous row's " + format_iso8601(previous, time->utc_offset_s),
           quoted(fields[0]));
    }
    if (profile.time_unix_s.size() == 1) {
      profile.step_s = step;
    } else if (step != profile.step_s) {
      fail(path, line_number, "timestamp",
           "a constant step of " + units::format_duration(static_cast<double>(profile.step_s)) +
               " (set by the first two rows) after the previous row's " +
               format_iso8601(previous, time->utc_offset_s),
           quoted(fields[0]) + ", a step of " + units::format_duration(static_cast<double>(step)) +
               (step > profile.step_s ? " (a gap)" : ""));
    }
  } else {
    profile.first_utc_offset_s = time->utc_offset_s;
  }
  profile.time_unix_s.push_back(time->unix_s);
  profile.power_kw.push_back(*value * header.to_kw);
  profile.line.push_back(line_number);
}

bool is_whole(double ratio) {
  const double whole = std::round(ratio);
  return whole >= 1.0 && std::fabs(ratio - whole) <= 1e-9 * whole;
}

}  // namespace

CsvProfile read_csv_profile(const std::string& path) {
  const std::string text = read_text_file(path);
  if (text.empty()) {
    throw InputError(path + ": the file is empty; expected a header line \"timestamp,<name>_<unit>\" "
                            "and at least two rows");
  }
  LineReader lines(text);
  const Header header = read_header(path, lines);
  CsvProfile profile;
  profile.path = path;
  profile.column = header.column;
  std::string_view line;
  while (lines.next(line)) read_row(path, lines.number(), line, header, profile);
  if (profile.time_unix_s.size() < 2) {
    fail(path, lines.number(), "rows", "at least two rows (the first two set the time step)",
         std::to_string(profile.time_unix_s.size()));
  }
  return profile;
}

std::vector<double> resample_to_intervals(const CsvProfile& profile, std::int64_t start_unix_s,
                                          double interval_s, std::uint32_t intervals) {
  const double step_s = static_cast<double>(profile.step_s);
  const int offset_s = profile.first_utc_offset_s;
  if (!is_whole(interval_s / step_s) && !is_whole(step_s / interval_s)) {
    fail(profile.path, profile.line[1], "timestamp",
         "a time step that divides the market interval (" + units::format_duration(interval_s) +
             ") or is a whole multiple of it",
         "a step of " + units::format_duration(step_s));
  }
  const double end_s = interval_s * intervals;  // seconds after start
  const double first_s = static_cast<double>(profile.time_unix_s.front() - start_unix_s);
  const double covered_until_s = static_cast<double>(profile.time_unix_s.back() - start_unix_s) + step_s;
  if (first_s > 0) {
    fail(profile.path, profile.line.front(), "timestamp",
         "the first row at or before the scenario start " + format_iso8601(start_unix_s, offset_s),
         quoted(format_iso8601(profile.time_unix_s.front(), offset_s)));
  }
  if (covered_until_s < end_s) {
    fail(profile.path, profile.line.back(), "timestamp",
         "rows until the scenario end " +
             format_iso8601(start_unix_s + static_cast<std::int64_t>(std::ceil(end_s)), offset_s) +
             " (each row covers one step of " + units::format_duration(step_s) + ")",
         "a last row at " + quoted(format_iso8601(profile.time_unix_s.back(), offset_s)) +
             ", which covers until " +
             format_iso8601(profile.time_unix_s.back() + profile.step_s, offset_s));
  }

  // Integrate the step function (row i holds on [t_i, t_i + step)) over each interval.
  std::vector<double> mean_kw(intervals, 0.0);
  std::size_t row = static_cast<std::size_t>(std::floor(-first_s / step_s));
  for (std::uint32_t k = 0; k < intervals; ++k) {
    const double begin = interval_s * k, end = interval_s * (k + 1);
    double energy_kws = 0.0;
    while (row < profile.power_kw.size()) {
      const double row_begin = first_s + step_s * static_cast<double>(row);
      const double overlap = std::min(end, row_begin + step_s) - std::max(begin, row_begin);
      if (overlap > 0) energy_kws += profile.power_kw[row] * overlap;
      if (row_begin + step_s > end) break;  // this row reaches into the next interval
      ++row;
    }
    mean_kw[k] = energy_kws / interval_s;
  }
  return mean_kw;
}

std::vector<double> load_csv_profile_kw(const std::string& path, std::int64_t start_unix_s,
                                        double interval_s, std::uint32_t intervals, double scale) {
  std::vector<double> power_kw = resample_to_intervals(read_csv_profile(path), start_unix_s, interval_s, intervals);
  for (double& value : power_kw) value *= scale;
  return power_kw;
}

}  // namespace ebsim::sim
