#pragma once
/** The seam through which a trace table is declared once: EBSIM_TRACE_TABLE turns a column
 * list (C++ type, name, default, unit, one-line doc per column) into the record struct and its
 * schema, from which the writer's and the reader's HDF5 compound types (table_specs.hpp) and the
 * column tables of docs/trace-format.md (trace_doc.hpp) follow. records.hpp declares the tables of
 * every trace; a test may declare its own the same way (tests/sim/trace_schema_test.cpp). */
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ebsim::trace {

inline constexpr int kNameLength = 48;    // fixed-length, NUL-padded names in the trace
inline constexpr int kDigestLength = 32;  // hashes (SHA-256, SM3)
inline constexpr int kBlobLength = 80;    // keys and signatures, with a separate *_length column

/** Column types that are arrays: a name (str48), a hash (u8[32]), a key or signature (u8[80]). */
using NameChars = char[kNameLength];
using DigestBytes = std::uint8_t[kDigestLength];
using BlobBytes = std::uint8_t[kBlobLength];

/** Largest chunk of the tables with many rows, and of the tables with a handful of rows. The
 * writer caps a chunk at 1 MiB as well (trace_writer.cpp chunk_rows_for). */
inline constexpr std::uint64_t kLargeTableMaxChunkRows = 16384;
inline constexpr std::uint64_t kSmallTableMaxChunkRows = 64;

namespace detail {

enum class ColumnType { kU8, kU32, kU64, kI64, kF64, kName, kDigest, kBlob };  // kDigest: u8[32], kBlob: u8[80]

/** The ColumnType stored for a member of C++ type T; any other type does not compile. */
template <class T>
consteval ColumnType column_type_of() {
  if constexpr (std::is_same_v<T, std::uint8_t>) return ColumnType::kU8;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return ColumnType::kU32;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return ColumnType::kU64;
  else if constexpr (std::is_same_v<T, std::int64_t>) return ColumnType::kI64;
  else if constexpr (std::is_same_v<T, double>) return ColumnType::kF64;
  else if constexpr (std::is_same_v<T, NameChars>) return ColumnType::kName;
  else if constexpr (std::is_same_v<T, DigestBytes>) return ColumnType::kDigest;
  else if constexpr (std::is_same_v<T, BlobBytes>) return ColumnType::kBlob;
  else static_assert(!sizeof(T), "a trace column is u8, u32, u64, i64, double, NameChars, DigestBytes or BlobBytes");
}

/** Bytes of a column, the same in memory and (packed) in the file. */
constexpr std::size_t column_size_bytes(ColumnType type) {
  switch (type) {
    case ColumnType::kU8: return 1;
    case ColumnType::kU32: return 4;
    case ColumnType::kU64: return 8;
    case ColumnType::kI64: return 8;
    case ColumnType::kF64: return 8;
    case ColumnType::kName: return kNameLength;
    case ColumnType::kDigest: return kDigestLength;
    case ColumnType::kBlob: return kBlobLength;
  }
  return 0;
}

/** Alignment of a column's C++ type: its size for numbers, 1 for arrays of bytes. */
constexpr std::size_t column_align_bytes(ColumnType type) {
  const std::size_t size = column_size_bytes(type);
  return size <= 8 ? size : 1;
}

/** The type as docs/trace-format.md writes it: u8, u32, u64, i64, f64, str48, u8[32], u8[80]. */
constexpr std::string_view column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::kU8: return "u8";
    case ColumnType::kU32: return "u32";
    case ColumnType::kU64: return "u64";
    case ColumnType::kI64: return "i64";
    case ColumnType::kF64: return "f64";
    case ColumnType::kName: return "str48";
    case ColumnType::kDigest: return "u8[32]";
    case ColumnType::kBlob: return "u8[80]";
  }
  return "?";
}

/** One column: a member of the record struct; `unit` may contain kCurrencyMarker, replaced at commit. */
struct Column {
  const char* name;          // the struct member's name, also the column's name in the file
  std::size_t offset_bytes;  // offsetof in the record struct (memory layout)
  ColumnType type;
  const char* unit;          // "" for identifiers, codes and counts
  const char* doc;           // one line: the "meaning" cell of docs/trace-format.md
};

/** Stands for the run's currency in a Column::unit. */
inline constexpr std::string_view kCurrencyMarker = "{currency}";

/** A table as EBSIM_TRACE_TABLE declares it: N columns in struct order. */
template <std::size_t N>
struct TableSchema {
  const char* path;         // dataset path, e.g. "/orders"
  const char* description;  // the dataset's `description` attribute
  std::uint64_t max_chunk_rows;
  std::array<Column, N> columns;
};

/** The schema of a table of N columns (N deduced from the column list). */
template <std::size_t N>
constexpr TableSchema<N> make_table_schema(const char* path, const char* description, std::uint64_t max_chunk_rows,
                                           const std::array<Column, N>& columns) {
  return {path, description, max_chunk_rows, columns};
}

/** True when `columns` are exactly the members of a struct of `size_bytes`: in order, each at its
 * natural offset, nothing before, between or after them but alignment padding. */
template <std::size_t N>
constexpr bool columns_cover_struct(const std::array<Column, N>& columns, std::size_t size_bytes,
                                    std::size_t align_bytes) {
  std::size_t offset = 0;
  for (const Column& column : columns) {
    const std::size_t align = column_align_bytes(column.type);
    offset = (offset + align - 1) / align * align;
    if (column.offset_bytes != offset) return false;
    offset += column_size_bytes(column.type);
  }
  return (offset + align_bytes - 1) / align_bytes * align_bytes == size_bytes;
}

/** A table as the HDF5 code uses it (a reader may keep a subset of the columns). */
struct TableSpec {
  const char* path;
  const char* description;
  std::size_t row_size_bytes;  // sizeof(record struct)
  std::uint64_t max_chunk_rows;
  std::vector<Column> columns;
};

/** Leaves a non-name member alone; zeroes the bytes after a name's first NUL (they are stored). */
template <class T>
constexpr void clear_after_terminator(T&) {}
inline void clear_after_terminator(NameChars& name) {
  const std::size_t length = strnlen(name, kNameLength);
  std::memset(name + length, 0, kNameLength - length);
}

}  // namespace detail

/** A record struct declared with EBSIM_TRACE_TABLE. */
template <class Row>
concept TraceTable = requires { Row::trace_schema(); };

namespace detail {

/** Row's table, built once. */
template <TraceTable Row>
const TableSpec& table_spec() {
  static const TableSpec spec = [] {
    constexpr auto schema = Row::trace_schema();
    return TableSpec{schema.path, schema.description, sizeof(Row), schema.max_chunk_rows,
                     std::vector<Column>(schema.columns.begin(), schema.columns.end())};
  }();
  return spec;
}

/** True when Row has a name column (its rows are copied to clear the names' tails). */
template <TraceTable Row>
inline constexpr bool kHasNameColumn = [] {
  for (const Column& column : Row::trace_schema().columns)
    if (column.type == ColumnType::kName) return true;
  return false;
}();

}  // namespace detail
}  // namespace ebsim::trace

/* ---- The seam. A column list is a macro taking COLUMN and calling it once per column
 * (type, name, default, unit, doc):
 *
 *   #define EBSIM_TRACE_WIDGET_COLUMNS(COLUMN) \
 *     COLUMN(std::uint32_t, widget, 0, "", "widget id") \
 *     COLUMN(double, mass_kg, 0.0, "kg", "its mass")
 *   EBSIM_TRACE_TABLE(WidgetRecord, "/widgets", "one row per widget", kLargeTableMaxChunkRows,
 *                     EBSIM_TRACE_WIDGET_COLUMNS);
 *
 * declares `struct WidgetRecord { std::uint32_t widget = 0; double mass_kg = 0.0; };`, an
 * aggregate (`WidgetRecord{3, 1.5}` initialises in column order), with its schema as static
 * members. */

/** A member `type name = init;` of the record struct. */
#define EBSIM_TRACE_MEMBER(type, name, init, unit, doc) type name = init;
/** The schema's Column of one member (expanded where `Self` is the record struct). */
#define EBSIM_TRACE_COLUMN(type, name, init, unit, doc) \
  ::ebsim::trace::detail::Column{#name, offsetof(Self, name), ::ebsim::trace::detail::column_type_of<type>(), unit, doc},
/** Clears one member's name padding (a no-op for other types). */
#define EBSIM_TRACE_CLEAR(type, name, init, unit, doc) ::ebsim::trace::detail::clear_after_terminator(row.name);

/** Declares struct `Record` (the columns of COLUMNS as members, in order) and its schema. */
#define EBSIM_TRACE_TABLE(Record, dataset_path, table_description, max_chunk_rows, COLUMNS)            \
  struct Record {                                                                                      \
    COLUMNS(EBSIM_TRACE_MEMBER)                                                                        \
    /** The table: dataset path, description, chunk limit and columns. */                             \
    static constexpr auto trace_schema() {                                                             \
      using Self = Record;                                                                             \
      return ::ebsim::trace::detail::make_table_schema(dataset_path, table_description, max_chunk_rows, \
                                                       ::std::array{COLUMNS(EBSIM_TRACE_COLUMN)});      \
    }                                                                                                  \
    /** Zeroes the bytes after each name's NUL, so the stored bytes do not vary. */                    \
    static void trace_clear_name_padding(Record& row) { COLUMNS(EBSIM_TRACE_CLEAR) }                  \
  };                                                                                                   \
  static_assert(::ebsim::trace::detail::columns_cover_struct(Record::trace_schema().columns, sizeof(Record), \
                                                             alignof(Record)),                         \
                #Record ": the schema's columns must be exactly the struct's members")
