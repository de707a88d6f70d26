#pragma once
/** Text-level helpers shared by the scenario and CSV readers: reading a file, telling
 * text from binary, ISO-8601 timestamps, and "did you mean" suggestions. */
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ebsim::sim {

/** The whole file. Throws InputError "<path>: cannot read: <strerror>" (missing, a directory, ...). */
std::string read_text_file(const std::string& path);

/** True if `text` is not UTF-8 text: a NUL or other control byte (tab, CR, LF allowed) or invalid UTF-8. */
bool looks_binary(std::string_view text);

/** An instant written in ISO-8601 with an explicit UTC offset. */
struct IsoTime {
  std::int64_t unix_s = 0;  // seconds since 1970-01-01T00:00:00Z
  int utc_offset_s = 0;     // the offset as written (+02:00 -> 7200)
};

/** Parse exactly "YYYY-MM-DDThh:mm:ss" + ("Z" | "+hh:mm" | "-hh:mm"), whole seconds, a real
 * calendar date. nullopt if the text is anything else. */
std::optional<IsoTime> parse_iso8601(std::string_view text);

/** Format an instant as "YYYY-MM-DDThh:mm:ss+hh:mm" (or "Z") in the given offset. */
std::string format_iso8601(std::int64_t unix_s, int utc_offset_s);

/** A plain decimal number ("0.95", "-3", "1e-3"; not "inf", "nan", "0x10", "+1", " 1").
 * nullopt if the text is anything else or out of double range. */
std::optional<double> parse_decimal(std::string_view text);

/** A plain decimal integer ("40", "-3"; not "40.0", "4e1", "+4", "0x28"). nullopt otherwise or
 * if out of range. */
std::optional<std::int64_t> parse_integer(std::string_view text);

/** The candidate closest to `word` if it is a likely typo (edit distance <= 2 and less than half
 * the candidate's length), else an empty string. Ties go to the earlier candidate. */
std::string closest_match(std::string_view word, std::span<const std::string_view> candidates);

/** `text` in double quotes for messages, cut to about 60 characters. */
std::string quoted(std::string_view text);

}  // namespace ebsim::sim
