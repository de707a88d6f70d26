#include "sim/trace/trace_doc.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>

#include "sim/scenario.hpp"
#include "sim/trace/table_specs.hpp"

namespace ebsim::trace {
namespace {

/** A table cell's text: a '|' would end the cell. */
std::string escape_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

/** The unit as the doc writes it: the currency marker as "currency". */
std::string doc_unit(std::string_view unit) {
  std::string out(unit);
  const std::string_view marker = detail::kCurrencyMarker;
  for (auto at = out.find(marker); at != std::string::npos; at = out.find(marker, at))
    out.replace(at, marker.size(), "currency");
  return out;
}

}  // namespace

std::string column_table_markdown(const detail::TableSpec& table) {
  std::string out = "| column | type | unit | meaning |\n| --- | --- | --- | --- |\n";
  for (const detail::Column& column : table.columns) {
    const std::string unit = doc_unit(column.unit);
    out += "| `" + std::string(column.name) + "` | " + std::string(detail::column_type_name(column.type)) + " | " +
           (unit.empty() ? "" : unit + " ") + "| " + escape_cell(column.doc) + " |\n";
  }
  return out;
}

std::string with_generated_column_tables(std::string_view doc, const std::vector<const detail::TableSpec*>& tables) {
  std::map<std::string, int, std::less<>> seen;
  for (const detail::TableSpec* table : tables) seen[table->path] = 0;
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t begin = doc.find(kColumnTableBegin, at);
    if (begin == std::string_view::npos) break;
    const std::size_t begin_end = doc.find("-->", begin);
    if (begin_end == std::string_view::npos) throw std::invalid_argument("unterminated column table marker");
    std::string_view path = doc.substr(begin + kColumnTableBegin.size(), begin_end - begin - kColumnTableBegin.size());
    while (!path.empty() && path.back() == ' ') path.remove_suffix(1);
    const auto table = std::find_if(tables.begin(), tables.end(), [&](const auto* t) { return t->path == path; });
    if (table == tables.end())
      throw std::invalid_argument("column table marker for " + std::string(path) + ", which is no trace table");
    const std::size_t end = doc.find(kColumnTableEnd, begin_end);
    if (end == std::string_view::npos)
      throw std::invalid_argument("column table of " + std::string(path) + " has no end marker");
    ++seen.find(path)->second;
    const std::size_t content = begin_end + 3;
    out.append(doc.substr(at, content - at));
    out += "\n" + column_table_markdown(**table);
    at = end;
  }
  out.append(doc.substr(at));
  for (const auto& [path, count] : seen)
    if (count != 1)
      throw std::invalid_argument("table " + path + " has " + std::to_string(count) +
                                  " column tables in the doc, not 1 (mark it with " + std::string(kColumnTableBegin) +
                                  path + " -->)");
  return out;
}

std::string with_generated_column_tables(std::string_view doc) {
  return with_generated_column_tables(doc, detail::all_table_specs());
}

int run_trace_doc_command(const std::string& path, bool check, std::ostream& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::InputError(path + ": cannot read");
  const std::string doc{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::string generated;
  try {
    generated = with_generated_column_tables(doc);
  } catch (const std::invalid_argument& e) {
    throw sim::InputError(path + ": " + e.what());
  }
  if (generated == doc) {
    out << path << ": column tables are current\n";
    return 0;
  }
  if (check) {
    out << path << ": column tables differ from the schema (sim/trace/records.hpp); run: ebsim trace-doc " << path
        << "\n";
    return 1;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!(file << generated) || !file.flush()) throw sim::InputError(path + ": cannot write");
  out << path << ": column tables regenerated\n";
  return 0;
}

}  // namespace ebsim::trace
