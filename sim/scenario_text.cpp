#include "sim/scenario_text.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <vector>

#include "sim/scenario.hpp"

namespace ebsim::sim {
namespace {

[[noreturn]] void cannot_read(const std::string& path, int error_number) {
  throw InputError(path + ": cannot read: " +
                   (error_number != 0 ? std::strerror(error_number) : "unknown error"));
}

/** Length of the UTF-8 sequence starting with `lead`, 0 if `lead` cannot start one. */
int utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;  // continuation byte, overlong lead (C0, C1) or beyond U+10FFFF
}

/** Parse exactly `digits` decimal digits at text[pos]. */
std::optional<int> fixed_digits(std::string_view text, std::size_t pos, std::size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string read_text_file(const std::string& path) {
  // An ifstream opens a directory without complaint on Linux and then reads nothing.
  std::error_code status_error;
  if (std::filesystem::is_directory(path, status_error)) cannot_read(path, EISDIR);
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) cannot_read(path, errno);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) cannot_read(path, errno != 0 ? errno : EIO);
  return text;
}

bool looks_binary(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F) return true;
    const int length = utf8_sequence_length(byte);
    if (length == 0 || i + length > text.size()) return true;
    for (int k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return true;
    }
    i += length;
  }
  return false;
}

std::optional<IsoTime> parse_iso8601(std::string_view text) {
  // Layout: YYYY-MM-DDThh:mm:ss then Z or +hh:mm / -hh:mm.
  if (text.size() != 20 && text.size() != 25) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto year = fixed_digits(text, 0, 4), month = fixed_digits(text, 5, 2),
             day = fixed_digits(text, 8, 2), hour = fixed_digits(text, 11, 2),
             minute = fixed_digits(text, 14, 2), second = fixed_digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  int offset_s = 0;
  if (text.size() == 20) {
    if (text[19] != 'Z') return std::nullopt;
  } else {
    const char sign = text[19];
    const auto offset_h = fixed_digits(text, 20, 2), offset_min = fixed_digits(text, 23, 2);
    if ((sign != '+' && sign != '-') || text[22] != ':' || !offset_h || !offset_min) return std::nullopt;
    if (*offset_h > 18 || *offset_min > 59) return std::nullopt;
    offset_s = (sign == '-' ? -1 : 1) * (*offset_h * 3600 + *offset_min * 60);
  }

  // std::chrono's civil calendar rejects 2026-02-30 and knows leap years.
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  const std::int64_t local_s =
      std::chrono::sys_days{date}.time_since_epoch().count() * std::int64_t{86400} +
      *hour * 3600 + *minute * 60 + *second;
  return IsoTime{local_s - offset_s, offset_s};
}

std::string format_iso8601(std::int64_t unix_s, int utc_offset_s) {
  using namespace std::chrono;
  const sys_seconds local{seconds{unix_s + utc_offset_s}};
  const sys_days day = floor<days>(local);
  const year_month_day date{day};
  const hh_mm_ss time{local - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  std::string out = text;
  if (utc_offset_s == 0) return out + "Z";
  const int magnitude_min = std::abs(utc_offset_s) / 60;
  std::snprintf(text, sizeof text, "%c%02d:%02d", utc_offset_s < 0 ? '-' : '+', magnitude_min / 60,
                magnitude_min % 60);
  return out + text;
}

std::optional<double> parse_decimal(std::string_view text) {
  // from_chars alone would accept "inf", "nan" and ".5e"; require a digit (after an optional
  // '-') first so that only ordinary numbers pass, then demand that every character is used.
  const std::size_t first_digit = (!text.empty() && text.front() == '-') ? 1 : 0;
  if (text.size() <= first_digit) return std::nullopt;
  const char lead = text[first_digit];
  if ((lead < '0' || lead > '9') && lead != '.') return std::nullopt;
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  // from_chars for integers accepts exactly [-]digits in base 10: no '+', no "0x", no spaces.
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  std::string best;
  std::size_t best_distance = 3;  // only distances 0..2 count as typos
  for (const std::string_view candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance && 2 * distance < candidate.size()) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  if (text.size() <= kMaxShown) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMaxShown)) + "...\"";
}

}  // namespace ebsim::sim
