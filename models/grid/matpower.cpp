#include "models/grid/matpower.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ebsim::grid {
namespace {

// ---- Column layout (MATPOWER's idx_bus, idx_gen, idx_brch, idx_cost; 0-based here) -----------

constexpr std::array<std::string_view, 13> kBusColumns{
    "BUS_I", "BUS_TYPE", "PD", "QD", "GS", "BS", "BUS_AREA", "VM", "VA", "BASE_KV", "ZONE", "VMAX", "VMIN"};
constexpr std::array<std::string_view, 10> kGenColumns{"GEN_BUS", "PG",    "QG",         "QMAX", "QMIN",
                                                       "VG",      "MBASE", "GEN_STATUS", "PMAX", "PMIN"};
constexpr std::array<std::string_view, 11> kBranchColumns{"F_BUS",  "T_BUS",  "BR_R", "BR_X",  "BR_B",     "RATE_A",
                                                          "RATE_B", "RATE_C", "TAP",  "SHIFT", "BR_STATUS"};
constexpr std::array<std::string_view, 4> kGencostColumns{"MODEL", "STARTUP", "SHUTDOWN", "NCOST"};

enum BusColumn { kBusI = 0, kBusType = 1, kPd = 2, kQd = 3, kGs = 4, kBs = 5, kBusArea = 6, kVa = 8, kBaseKv = 9, kZone = 10 };
enum GenColumn { kGenBus = 0, kPg = 1, kGenStatus = 7, kPmax = 8, kPmin = 9 };
enum BranchColumn { kFBus = 0, kTBus = 1, kBrR = 2, kBrX = 3, kBrB = 4, kRateA = 5, kTap = 8, kShift = 9, kBrStatus = 10 };
enum GencostColumn { kModel = 0, kStartup = 1, kShutdown = 2, kNcost = 3 };

/** The matrices this importer reads; every other `mpc.<field>` is skipped. */
constexpr std::array<std::string_view, 4> kReadMatrices{"bus", "gen", "branch", "gencost"};

// ---- Lexing: statements, matrices and rows ----------------------------------------------------

/** One matrix row as written: its 1-based line and its fields (views into the case text). */
struct Row {
  int line = 0;
  std::vector<std::string_view> fields;
};

/** A matrix assignment `mpc.<name> = [ ... ];`. */
struct Matrix {
  int line = 0;  // line of "mpc.<name> = ["
  std::vector<Row> rows;
};

/** A scalar assignment `mpc.<name> = <value>;` (value text as written, trimmed). */
struct Scalar {
  int line = 0;
  std::string_view value;
};

/** The assignments of a case file that the importer uses. */
struct CaseText {
  /** Version 1 (MATPOWER's old format): the function returns the matrices as separate outputs,
   * `function [baseMVA, bus, gen, branch, areas, gencost] = name`, and assigns them as plain
   * variables (`bus = [ ... ];`). Fields are stored under the canonical names either way. */
  bool version1 = false;
  /** What fields are called in messages: "mpc." for version 2, "" for version 1. */
  std::string prefix = "mpc.";
  std::map<std::string, Scalar, std::less<>> scalars;
  std::map<std::string, Matrix, std::less<>> matrices;
  std::map<std::string, int, std::less<>> assigned_line;  // every field, for duplicate checks
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

/** `text` in single quotes for messages, cut to about 40 characters. */
std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  if (text.size() > kMax) return "'" + std::string(text.substr(0, kMax)) + "...'";
  return "'" + std::string(text) + "'";
}

/** The line without its `%` comment (a `%` inside a quoted string does not start one). */
std::string_view strip_comment(std::string_view line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '%') {
      return line.substr(0, i);
    }
  }
  return line;
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/** Splits a case file into its assignments. A small state machine over lines: at the top level
 * it expects `function ...`, `mpc.<field> = <value>` (a scalar or string, a matrix `[...]`, or a
 * cell array `{...}`), `end` or `return`; after a version 1 function line
 * (`function [baseMVA, bus, gen, branch, areas, gencost] = name`) the assignments are to those
 * outputs as plain variables (`bus = [...]`) instead of `mpc.` fields; inside a matrix, `;` and the end of a line end a row
 * (as in MATLAB) and `]` ends the matrix, so rows may share the line of `[` or `]`. */
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  CaseText run() {
    std::size_t begin = 0;
    while (begin <= text_.size()) {
      const std::size_t end = text_.find('\n', begin);
      const std::string_view line = text_.substr(begin, end == std::string_view::npos ? end : end - begin);
      ++line_;
      process(strip_comment(line));
      if (mode_ == Mode::kMatrix) end_row();  // a line break ends a matrix row
      if (end == std::string_view::npos) break;
      begin = end + 1;
    }
    if (mode_ == Mode::kMatrix) {
      throw MatpowerError(open_line_, result_.prefix + field_ + " matrix opened here is not closed: expected ']' "
                                      "before the end of the file");
    }
    if (mode_ == Mode::kCell) {
      throw MatpowerError(open_line_, result_.prefix + field_ + " cell array opened here is not closed: expected '}' "
                                      "before the end of the file");
    }
    return std::move(result_);
  }

 private:
  enum class Mode { kTop, kMatrix, kCell };

  void process(std::string_view rest) {
    while (true) {
      switch (mode_) {
        case Mode::kTop:
          rest = top_level(rest);
          break;
        case Mode::kMatrix:
          rest = matrix_content(rest);
          break;
        case Mode::kCell:
          rest = cell_content(rest);
          break;
      }
      if (trim(rest).empty()) return;
    }
  }

  /** A statement at the top level; returns what follows it on the line. */
  std::string_view top_level(std::string_view rest) {
    rest = trim(rest);
    while (!rest.empty() && (rest.front() == ';' || rest.front() == ',')) rest = trim(rest.substr(1));
    if (rest.empty()) return rest;
    const auto word_end = std::find_if_not(rest.begin(), rest.end(), is_identifier_char) - rest.begin();
    const std::string_view word = rest.substr(0, static_cast<std::size_t>(word_end));
    if (word == "function") {  // "function mpc = caseN" or, version 1, "function [baseMVA, bus, ...] = caseN"
      function_line(trim(rest.substr(word.size())));
      return {};
    }
    if ((word == "end" || word == "return") && trim(rest.substr(word.size())).find_first_not_of(";,") ==
                                                   std::string_view::npos) {
      return {};
    }
    std::size_t name_end = 0;
    if (result_.version1) {
      // A plain variable that is one of the function's outputs, stored under its canonical name.
      const auto output = std::find(outputs_.begin(), outputs_.end(), word);
      if (word.empty() || output == outputs_.end()) fail_statement(rest);
      field_ = std::string(kVersion1Fields[static_cast<std::size_t>(output - outputs_.begin())]);
      name_end = word.size();
    } else {
      if (word != "mpc" || rest.size() <= word.size() || rest[word.size()] != '.') fail_statement(rest);
      // The field name, possibly dotted (mpc.reserves.zones).
      name_end = word.size() + 1;
      while (name_end < rest.size() && (is_identifier_char(rest[name_end]) || rest[name_end] == '.')) ++name_end;
      field_ = std::string(rest.substr(4, name_end - 4));
    }
    std::string_view value = trim(rest.substr(name_end));
    if (field_.empty() || value.empty() || value.front() != '=' || (value.size() > 1 && value[1] == '=')) {
      fail_statement(rest);
    }
    value = trim(value.substr(1));
    if (const auto [previous, inserted] = result_.assigned_line.emplace(field_, line_); !inserted) {
      throw MatpowerError(line_, result_.prefix + field_ + " is assigned twice (first on line " +
                                     std::to_string(previous->second) + "); expected one assignment");
    }
    if (!value.empty() && value.front() == '[') {
      mode_ = Mode::kMatrix;
      open_line_ = line_;
      keep_matrix_ = std::find(kReadMatrices.begin(), kReadMatrices.end(), field_) != kReadMatrices.end();
      if (keep_matrix_) result_.matrices[field_].line = line_;
      return value.substr(1);
    }
    if (!value.empty() && value.front() == '{') {
      mode_ = Mode::kCell;
      open_line_ = line_;
      return value.substr(1);
    }
    const std::size_t semicolon = value.find(';');
    const std::string_view scalar = trim(value.substr(0, semicolon));
    if (scalar.empty()) fail_statement(rest);
    result_.scalars[field_] = Scalar{line_, scalar};
    return semicolon == std::string_view::npos ? std::string_view{} : value.substr(semicolon + 1);
  }

  [[noreturn]] void fail_statement(std::string_view statement) const {
    if (result_.version1) {
      throw MatpowerError(line_, "expected an assignment '<output> = <number or [matrix]>;' to one of the "
                                 "function's outputs (" + output_list() + "; MATLAB code is not supported), got " +
                                     quoted(trim(statement)));
    }
    throw MatpowerError(line_, "expected an assignment 'mpc.<field> = <number, 'string', [matrix] or "
                               "{cell array}>;' (MATLAB code is not supported), got " +
                                   quoted(trim(statement)));
  }

  std::string output_list() const {
    std::string list;
    for (const std::string& name : outputs_) list += (list.empty() ? "" : ", ") + name;
    return list;
  }

  /** The line after "function". Version 2 returns a struct ("mpc = caseN"); a bracketed output
   * list is MATPOWER's version 1 format, whose outputs loadcase takes by position as baseMVA, bus,
   * gen, branch, areas, gencost (at least the first four; outputs after the sixth are unused). */
  void function_line(std::string_view rest) {
    if (rest.empty() || rest.front() != '[') return;
    if (line_with_function_ != 0) {
      throw MatpowerError(line_, "a second function line (the first is on line " +
                                     std::to_string(line_with_function_) + "); expected one case function");
    }
    line_with_function_ = line_;
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      throw MatpowerError(line_, "function output list: expected ']' closing '[', got " + quoted(rest));
    }
    const std::string_view list = rest.substr(1, close - 1);
    std::size_t i = 0;
    while (i < list.size()) {
      if (is_space(list[i]) || list[i] == ',') {
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < list.size() && is_identifier_char(list[end])) ++end;
      if (end == i) {
        throw MatpowerError(line_, "function output list: expected names separated by commas, got " + quoted(list));
      }
      outputs_.emplace_back(list.substr(i, end - i));
      i = end;
    }
    if (outputs_.size() < 4) {
      throw MatpowerError(line_, "function output list has " + std::to_string(outputs_.size()) +
                                     " names; expected at least 4 (MATPOWER version 1: baseMVA, bus, gen, branch"
                                     "[, areas, gencost])");
    }
    if (outputs_.size() > kVersion1Fields.size()) outputs_.resize(kVersion1Fields.size());
    result_.version1 = true;
    result_.prefix.clear();
  }

  /** Matrix rows up to `]`; returns what follows the matrix on the line. */
  std::string_view matrix_content(std::string_view rest) {
    std::size_t i = 0;
    while (i < rest.size()) {
      const char c = rest[i];
      if (is_space(c) || c == ',') {
        ++i;
      } else if (c == ';') {
        end_row();
        ++i;
      } else if (c == ']') {
        end_row();
        mode_ = Mode::kTop;
        return rest.substr(i + 1);
      } else if (rest.substr(i).starts_with("mpc.")) {
        throw MatpowerError(line_, result_.prefix + field_ + " matrix opened on line " + std::to_string(open_line_) +
                                       " is not closed: expected ']' before the next assignment");
      } else if (c == '[' || c == '{' || c == '=' || c == '\'' || c == '"') {
        throw MatpowerError(line_, result_.prefix + field_ + " matrix (opened on line " + std::to_string(open_line_) +
                                       "): expected numbers, ';' or ']', got '" + std::string(1, c) + "'");
      } else {
        std::size_t end = i;
        while (end < rest.size() && !is_space(rest[end]) && rest[end] != ',' && rest[end] != ';' &&
               rest[end] != ']') {
          ++end;
        }
        if (keep_matrix_) {
          if (row_.fields.empty()) row_.line = line_;
          row_.fields.push_back(rest.substr(i, end - i));
        }
        i = end;
      }
    }
    return {};
  }

  void end_row() {
    if (!row_.fields.empty()) result_.matrices[field_].rows.push_back(std::move(row_));
    row_ = Row{};
  }

  /** Skips a cell array (bus names and the like) up to `}`; returns what follows it. */
  std::string_view cell_content(std::string_view rest) {
    char quote = 0;
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (quote != 0) {
        if (rest[i] == quote) quote = 0;
      } else if (rest[i] == '\'' || rest[i] == '"') {
        quote = rest[i];
      } else if (rest[i] == '}') {
        mode_ = Mode::kTop;
        return rest.substr(i + 1);
      }
    }
    return {};
  }

  /** The fields a version 1 case function returns, in loadcase's order. */
  static constexpr std::array<std::string_view, 6> kVersion1Fields{"baseMVA", "bus", "gen",
                                                                   "branch",  "areas", "gencost"};

  std::string_view text_;
  int line_ = 0;
  int line_with_function_ = 0;     // line of a version 1 function line, 0 if none
  std::vector<std::string> outputs_;  // version 1: the function's output names (at most 6)
  Mode mode_ = Mode::kTop;
  std::string field_;       // the field being assigned
  int open_line_ = 0;       // line of its opening bracket
  bool keep_matrix_ = false;
  Row row_;                 // the matrix row being read
  CaseText result_;
};

// ---- Typed access to rows ---------------------------------------------------------------------

/** A number as MATLAB writes one ("1", "-0.5", "1e-3", "+2", "Inf"); NaN and anything else fail. */
std::optional<double> parse_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || std::isnan(value)) return std::nullopt;
  return value;
}

/** Reads one matrix's rows with column names for messages. */
class RowReader {
 public:
  RowReader(std::string_view prefix, std::string_view matrix, std::span<const std::string_view> columns,
            const Row& row)
      : prefix_(prefix), matrix_(matrix), columns_(columns), row_(row) {}

  int line() const { return row_.line; }

  double number(std::size_t column) const {
    const std::optional<double> value = parse_number(row_.fields[column]);
    if (!value) fail(column, "a number", quoted(row_.fields[column]));
    return *value;
  }

  /** A whole number (bus numbers, codes). */
  int integer(std::size_t column) const {
    const double value = number(column);
    if (!(std::abs(value) < 2e9) || value != std::floor(value)) {
      fail(column, "a whole number", quoted(row_.fields[column]));
    }
    return static_cast<int>(value);
  }

  /** Every field of the row parses as a number (columns not imported too: a typo there is still one). */
  void check_all_numbers() const {
    for (std::size_t column = 0; column < row_.fields.size(); ++column) number(column);
  }

  [[noreturn]] void fail(std::size_t column, std::string_view expected, const std::string& got) const {
    throw MatpowerError(row_.line, std::string(prefix_) + std::string(matrix_) + " column " + std::to_string(column + 1) +
                                       column_label(column) + ": expected " + std::string(expected) + ", got " + got);
  }

 private:
  std::string column_label(std::size_t column) const {
    if (column < columns_.size()) return " (" + std::string(columns_[column]) + ")";
    return matrix_ == "gencost" ? " (COST)" : "";
  }

  std::string_view prefix_;  // "mpc." or "" (version 1)
  std::string_view matrix_;
  std::span<const std::string_view> columns_;
  const Row& row_;
};

std::string column_list(std::span<const std::string_view> columns) {
  std::string list;
  for (const std::string_view column : columns) list += (list.empty() ? "" : " ") + std::string(column);
  return list;
}

/** Checks that every row has the same number of columns, at least columns.size(). */
void check_widths(std::string_view prefix, std::string_view name, const Matrix& matrix, std::span<const std::string_view> columns) {
  for (const Row& row : matrix.rows) {
    if (row.fields.size() < columns.size()) {
      throw MatpowerError(row.line, std::string(prefix) + std::string(name) + " row has " + std::to_string(row.fields.size()) +
                                        " columns; expected at least " + std::to_string(columns.size()) + " (" +
                                        column_list(columns) + ")");
    }
    if (row.fields.size() != matrix.rows.front().fields.size()) {
      throw MatpowerError(row.line, std::string(prefix) + std::string(name) + " row has " + std::to_string(row.fields.size()) +
                                        " columns; expected " + std::to_string(matrix.rows.front().fields.size()) +
                                        " like the first row (line " + std::to_string(matrix.rows.front().line) +
                                        "): all rows of a matrix have the same width");
    }
  }
}

const Matrix& required_matrix(const CaseText& text, std::string_view name, std::string_view what) {
  const auto found = text.matrices.find(name);
  if (found == text.matrices.end()) {
    throw MatpowerError(0, "missing " + text.prefix + std::string(name) + ": expected a matrix of " +
                               std::string(what) + " ('" + text.prefix + std::string(name) + " = [ ... ];')");
  }
  return found->second;
}

// ---- Building the model -----------------------------------------------------------------------

void read_header(const CaseText& text, GridModel& grid) {
  if (text.version1) {
    // MATPOWER's version 1 case function (loadcase converts it with mpc_1to2, which only appends columns
    // after the ones read here: the bus, gen and branch columns this importer uses are the same).
    const auto base = text.scalars.find("baseMVA");
    if (base == text.scalars.end()) {
      throw MatpowerError(0, "missing baseMVA: expected the system MVA base, e.g. baseMVA = 100;");
    }
    const std::optional<double> base_mva = parse_number(base->second.value);
    if (!base_mva || !(*base_mva > 0.0) || std::isinf(*base_mva)) {
      throw MatpowerError(base->second.line, "baseMVA: expected a positive number (MVA), got " +
                                                 quoted(base->second.value));
    }
    grid.base_mva = *base_mva;
    return;
  }
  const auto version = text.scalars.find("version");
  if (version == text.scalars.end()) {
    throw MatpowerError(0, "missing mpc.version: expected mpc.version = '2'; (MATPOWER case format version 2; "
                           "a version 1 case is a function returning [baseMVA, bus, gen, branch, areas, gencost])");
  }
  const std::string_view value = version->second.value;
  if (value != "'2'" && value != "\"2\"") {
    throw MatpowerError(version->second.line, "mpc.version: expected '2' (MATPOWER case format version 2), got " +
                                                  std::string(value));
  }
  const auto base = text.scalars.find("baseMVA");
  if (base == text.scalars.end()) {
    throw MatpowerError(0, "missing mpc.baseMVA: expected the system MVA base, e.g. mpc.baseMVA = 100;");
  }
  const std::optional<double> base_mva = parse_number(base->second.value);
  if (!base_mva || !(*base_mva > 0.0) || std::isinf(*base_mva)) {
    throw MatpowerError(base->second.line, "mpc.baseMVA: expected a positive number (MVA), got " +
                                               quoted(base->second.value));
  }
  grid.base_mva = *base_mva;
}

/** Reads mpc.bus and indexes the bus numbers. */
void read_buses(const CaseText& text, GridModel& grid) {
  const Matrix& matrix = required_matrix(text, "bus", "buses");
  if (matrix.rows.empty()) {
    throw MatpowerError(matrix.line, text.prefix + "bus has no rows; expected at least one bus");
  }
  check_widths(text.prefix, "bus", matrix, kBusColumns);
  std::unordered_map<int, int> line_of_bus;
  bool has_reference = false;
  for (const Row& row : matrix.rows) {
    const RowReader read(text.prefix, "bus", kBusColumns, row);
    read.check_all_numbers();
    Bus bus;
    bus.id = read.integer(kBusI);
    if (bus.id <= 0) read.fail(kBusI, "a positive bus number", std::to_string(bus.id));
    const int type = read.integer(kBusType);
    if (type < 1 || type > 4) {
      read.fail(kBusType, "1 (PQ), 2 (PV), 3 (reference) or 4 (isolated)", std::to_string(type));
    }
    bus.type = static_cast<BusType>(type);
    has_reference = has_reference || bus.type == BusType::kReference;
    bus.pd_mw = read.number(kPd);
    bus.qd_mvar = read.number(kQd);
    bus.gs_mw = read.number(kGs);
    bus.bs_mvar = read.number(kBs);
    bus.area = read.integer(kBusArea);
    bus.va_deg = read.number(kVa);
    bus.base_kv = read.number(kBaseKv);
    bus.zone = read.integer(kZone);
    if (const auto [first, inserted] = line_of_bus.emplace(bus.id, row.line); !inserted) {
      throw MatpowerError(row.line, text.prefix + "bus: bus number " + std::to_string(bus.id) +
                                        " appears twice (first on line " + std::to_string(first->second) +
                                        "); expected unique bus numbers");
    }
    grid.buses.push_back(bus);
  }
  if (!has_reference) {
    throw MatpowerError(matrix.line, text.prefix + "bus has no reference bus: expected one bus of type 3 (BUS_TYPE column 2), "
                                     "found none");
  }
  grid.index_buses();
}

int known_bus(const GridModel& grid, const CaseText& text, const RowReader& read, std::size_t column) {
  const int bus = read.integer(column);
  if (!grid.bus_position_by_id.contains(bus)) {
    read.fail(column, "a bus number listed in " + text.prefix + "bus", std::to_string(bus) + " (no such bus)");
  }
  return bus;
}

void read_generators(const CaseText& text, GridModel& grid) {
  const Matrix& matrix = required_matrix(text, "gen", "generators");
  check_widths(text.prefix, "gen", matrix, kGenColumns);
  for (const Row& row : matrix.rows) {
    const RowReader read(text.prefix, "gen", kGenColumns, row);
    read.check_all_numbers();
    Generator generator;
    generator.bus = known_bus(grid, text, read, kGenBus);
    generator.pg_mw = read.number(kPg);
    generator.in_service = read.number(kGenStatus) > 0.0;
    generator.pmax_mw = read.number(kPmax);
    generator.pmin_mw = read.number(kPmin);
    grid.generators.push_back(generator);
  }
}

void read_branches(const CaseText& text, GridModel& grid) {
  const Matrix& matrix = required_matrix(text, "branch", "branches");
  check_widths(text.prefix, "branch", matrix, kBranchColumns);
  for (const Row& row : matrix.rows) {
    const RowReader read(text.prefix, "branch", kBranchColumns, row);
    read.check_all_numbers();
    Branch branch;
    branch.from_bus = known_bus(grid, text, read, kFBus);
    branch.to_bus = known_bus(grid, text, read, kTBus);
    branch.r_pu = read.number(kBrR);
    branch.x_pu = read.number(kBrX);
    branch.b_pu = read.number(kBrB);
    branch.rate_a_mva = read.number(kRateA);
    branch.tap_ratio = read.number(kTap);
    branch.shift_deg = read.number(kShift);
    branch.in_service = read.number(kBrStatus) > 0.0;
    grid.branches.push_back(branch);
  }
}

GenCost read_gencost_row(std::string_view prefix, const Row& row, std::size_t generator) {
  const RowReader read(prefix, "gencost", kGencostColumns, row);
  read.check_all_numbers();
  GenCost cost;
  const int model = read.integer(kModel);
  if (model != 1 && model != 2) read.fail(kModel, "1 (piecewise linear) or 2 (polynomial)", std::to_string(model));
  cost.model = static_cast<GenCost::Model>(model);
  cost.startup = read.number(kStartup);
  cost.shutdown = read.number(kShutdown);
  const bool piecewise = cost.model == GenCost::Model::kPiecewiseLinear;
  const int count = read.integer(kNcost);
  const int least = piecewise ? 2 : 1;
  if (count < least) {
    read.fail(kNcost, piecewise ? "at least 2 points (a piecewise-linear cost)" : "at least 1 coefficient",
              std::to_string(count));
  }
  const std::size_t values = static_cast<std::size_t>(count) * (piecewise ? 2 : 1);
  if (row.fields.size() < kGencostColumns.size() + values) {
    throw MatpowerError(row.line, std::string(prefix) + "gencost row (generator " + std::to_string(generator + 1) + ") has " +
                                      std::to_string(row.fields.size()) + " columns; NCOST = " +
                                      std::to_string(count) + (piecewise ? " points" : " coefficients") +
                                      " need " + std::to_string(kGencostColumns.size() + values));
  }
  for (std::size_t k = 0; k < values; ++k) cost.coefficients.push_back(read.number(kGencostColumns.size() + k));
  if (piecewise) {
    for (std::size_t point = 1; point < static_cast<std::size_t>(count); ++point) {
      const double previous_x = cost.coefficients[2 * (point - 1)], x = cost.coefficients[2 * point];
      if (!(x > previous_x)) {
        const std::size_t column = kGencostColumns.size() + 2 * point;
        read.fail(column,
                  "piecewise-linear x" + std::to_string(point + 1) + " (MW) greater than x" +
                      std::to_string(point) + " = " + std::string(row.fields[column - 2]) + " (x must increase)",
                  std::string(row.fields[column]));
      }
    }
  }
  return cost;
}

void read_gencosts(const CaseText& text, GridModel& grid) {
  const auto found = text.matrices.find("gencost");
  if (found == text.matrices.end()) return;  // costs are optional (power flow only)
  const Matrix& matrix = found->second;
  const std::size_t generators = grid.generators.size();
  if (matrix.rows.size() != generators && matrix.rows.size() != 2 * generators) {
    throw MatpowerError(matrix.line, text.prefix + "gencost has " + std::to_string(matrix.rows.size()) + " rows; expected " +
                                         std::to_string(generators) + " (one per generator) or " +
                                         std::to_string(2 * generators) + " (with reactive power costs)");
  }
  if (matrix.rows.empty()) return;
  check_widths(text.prefix, "gencost", matrix, kGencostColumns);
  for (std::size_t generator = 0; generator < generators; ++generator) {
    grid.gencosts.push_back(read_gencost_row(text.prefix, matrix.rows[generator], generator));  // reactive rows ignored
  }
  for (std::size_t row = generators; row < matrix.rows.size(); ++row) {
    read_gencost_row(text.prefix, matrix.rows[row], row - generators);  // still well-formed
  }
}

}  // namespace

GridModel parse_matpower(std::string_view text, const std::string& name) {
  const CaseText case_text = Lexer(text).run();
  GridModel grid;
  grid.name = name;
  read_header(case_text, grid);
  // Check presence of all three before reading rows, so a file missing one says so first.
  required_matrix(case_text, "bus", "buses");
  required_matrix(case_text, "gen", "generators");
  required_matrix(case_text, "branch", "branches");
  read_buses(case_text, grid);
  read_generators(case_text, grid);
  read_branches(case_text, grid);
  read_gencosts(case_text, grid);
  return grid;
}

}  // namespace ebsim::grid
