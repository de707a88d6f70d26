#include "sim/trace/trace_writer.hpp"

#include <hdf5.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/table_specs.hpp"

// The column layouts written here are the tables' schemas (sim/trace/records.hpp), turned into
// HDF5 types by sim/trace/table_specs.cpp (shared with the reader).

namespace ebsim::trace {
namespace {

// ---------------------------------------------------------------------------
// Errors: HDF5 reports failures through return codes and an error stack. The
// automatic stack printing is silenced (it would spill onto stderr in the
// middle of a run) and failures become std::runtime_error carrying the stack's
// outermost and innermost descriptions (sim/trace/hdf5_handle.hpp).

using detail::Handle;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  const std::string stack_text = detail::take_hdf5_error_text();
  throw std::runtime_error("trace " + file + ": HDF5 failed to " + what +
                           (stack_text.empty() ? "" : ": " + stack_text));
}

void check(herr_t status, const std::string& file, const std::string& what) {
  if (status < 0) fail(file, what);
}

/** Takes `id` into a Handle closed with `closer`, throwing (with `what`) if HDF5 returned an
 * error instead of an id. */
Handle checked(hid_t id, Handle::Closer closer, const std::string& file, const std::string& what) {
  if (id < 0) fail(file, what);
  return Handle(id, closer);
}

// ---------------------------------------------------------------------------
// Table layouts (the schemas of sim/trace/records.hpp) and their HDF5 types.

using detail::Column;
using detail::kCurrencyMarker;
using detail::TableSpec;

/** Largest chunk a table gets: the default HDF5 chunk cache (1 MiB), so a reader taking
 * small slices (h5py, row by row) keeps the chunk cached instead of inflating it per slice. */
constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;

/** The record struct exactly as laid out in memory (padding included, HOFFSET offsets). */
Handle memory_row_type(const TableSpec& table, const std::string& file) {
  return checked(detail::create_memory_row_type(table), H5Tclose, file,
                 std::string("build the memory row type of ") + table.path);
}

/** The row as stored: little-endian and packed. Packing drops the struct's padding bytes,
 * whose contents are unspecified and would otherwise make same-rows files differ. */
Handle file_row_type(const TableSpec& table, const std::string& file) {
  return checked(detail::create_file_row_type(table), H5Tclose, file,
                 std::string("build the file row type of ") + table.path);
}

/** Largest power of two <= max_rows whose chunk fits kMaxChunkBytes (at least 1 row). */
hsize_t chunk_rows_for(std::size_t file_row_bytes, hsize_t max_rows) {
  hsize_t rows = 1;
  while (rows * 2 <= max_rows && rows * 2 * file_row_bytes <= kMaxChunkBytes) rows *= 2;
  return rows;
}

std::string with_currency(std::string unit, const std::string& currency) {
  const std::string name = currency.empty() ? "currency" : currency;
  for (auto at = unit.find(kCurrencyMarker); at != std::string::npos;
       at = unit.find(kCurrencyMarker, at + name.size()))
    unit.replace(at, kCurrencyMarker.size(), name);
  return unit;
}

// ---------------------------------------------------------------------------
// Attributes. Strings are variable-length UTF-8 (h5py reads them as str): a fixed-length
// attribute must fit one object header message (64 KiB), which a scenario's YAML may not.

/** The variable-length UTF-8 string type. */
Handle string_type(const std::string& file) {
  Handle type = checked(H5Tcopy(H5T_C_S1), H5Tclose, file, "copy the string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), file, "make a variable-length string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), file, "set string encoding");
  return type;
}

void write_string_attribute(hid_t object, const char* name, const std::string& value,
                            const std::string& file) {
  const Handle type = string_type(file);
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, file, "create a scalar dataspace");
  Handle attribute = checked(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                     H5Aclose, file, std::string("create attribute ") + name);
  const char* text = value.c_str();
  check(H5Awrite(attribute.get(), type.get(), &text), file, std::string("write attribute ") + name);
}

/** A 1-D array of strings. */
void write_string_array_attribute(hid_t object, const char* name,
                                  const std::vector<std::string>& values, const std::string& file) {
  std::vector<const char*> texts;
  for (const auto& value : values) texts.push_back(value.c_str());
  const Handle type = string_type(file);
  const hsize_t count = values.size();
  Handle space = checked(H5Screate_simple(1, &count, nullptr), H5Sclose, file, "create a dataspace");
  Handle attribute = checked(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                     H5Aclose, file, std::string("create attribute ") + name);
  check(H5Awrite(attribute.get(), type.get(), texts.data()), file, std::string("write attribute ") + name);
}

void write_number_attribute(hid_t object, const char* name, hid_t file_type, hid_t memory_type,
                            const void* value, const std::string& file) {
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, file, "create a scalar dataspace");
  Handle attribute = checked(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                     H5Aclose, file, std::string("create attribute ") + name);
  check(H5Awrite(attribute.get(), memory_type, value), file, std::string("write attribute ") + name);
}

void write_u64_attribute(hid_t object, const char* name, std::uint64_t value, const std::string& file) {
  write_number_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value, file);
}
void write_u32_attribute(hid_t object, const char* name, std::uint32_t value, const std::string& file) {
  write_number_attribute(object, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, &value, file);
}
void write_f64_attribute(hid_t object, const char* name, double value, const std::string& file) {
  write_number_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, file);
}

/** Identifies the file as an ebsim trace; bump the version when the layout changes. */
constexpr const char* kTraceFormatName = "ebsim-trace";
constexpr std::uint32_t kTraceFormatVersion = 1;

void write_run_metadata(hid_t root, const RunMetadata& m, const std::string& file) {
  write_string_attribute(root, "format", kTraceFormatName, file);
  write_u32_attribute(root, "format_version", kTraceFormatVersion, file);
  write_string_attribute(root, "ebsim_version", m.ebsim_version, file);
  write_string_attribute(root, "scenario_name", m.scenario_name, file);
  write_string_attribute(root, "scenario_file", m.scenario_file, file);
  write_string_attribute(root, "scenario_yaml", m.scenario_yaml, file);
  write_u64_attribute(root, "seed", m.seed, file);
  write_string_attribute(root, "market_design", m.market_design, file);
  write_string_attribute(root, "consortium_agreement", m.consortium_agreement, file);
  write_string_attribute(root, "crypto_suite", m.crypto_suite, file);
  write_string_attribute(root, "crypto_mode", m.crypto_mode, file);
  write_string_attribute(root, "clearing_rule", m.clearing_rule, file);
  write_string_attribute(root, "network_model", m.network_model, file);
  write_string_attribute(root, "currency", m.currency, file);
  write_string_attribute(root, "start_iso", m.start_iso, file);
  write_f64_attribute(root, "interval_s", m.interval_s, file);
  write_u32_attribute(root, "interval_count", m.interval_count, file);
  write_u64_attribute(root, "participant_count", m.participant_count, file);
  write_f64_attribute(root, "simulated_end_s", m.simulated_end_s, file);
  write_u64_attribute(root, "events", m.events, file);
}

// ---------------------------------------------------------------------------

/** One extendible compound dataset with an in-memory block of pending rows. Each full
 * block is exactly one chunk, so every chunk is compressed and written once. */
class Table {
 public:
  Table(hid_t file_id, TableSpec spec, const std::string& file) : spec_(std::move(spec)), file_(file) {
    memory_type_ = memory_row_type(spec_, file_);
    file_type_ = file_row_type(spec_, file_);
    const std::size_t file_row_bytes = H5Tget_size(file_type_.get());
    chunk_rows_ = chunk_rows_for(file_row_bytes, spec_.max_chunk_rows);
    dataset_ = create_dataset(file_id, file_row_bytes);
    pending_.reserve(chunk_rows_ * spec_.row_size_bytes);
  }

  void append(const void* row) {
    const auto* bytes = static_cast<const unsigned char*>(row);
    pending_.insert(pending_.end(), bytes, bytes + spec_.row_size_bytes);
    if (pending_rows() == chunk_rows_) flush();
  }

  /** Extend the dataset by the pending rows and write them as one hyperslab. */
  void flush() {
    const hsize_t count = pending_rows();
    if (count == 0) return;
    const hsize_t start = rows_written_;
    const hsize_t new_rows = rows_written_ + count;
    check(H5Dset_extent(dataset_.get(), &new_rows), file_, std::string("extend ") + spec_.path);
    Handle file_space = checked(H5Dget_space(dataset_.get()), H5Sclose, file_, "get a dataspace");
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
          file_, "select rows");
    Handle memory_space = checked(H5Screate_simple(1, &count, nullptr), H5Sclose, file_, "create a dataspace");
    check(H5Dwrite(dataset_.get(), memory_type_.get(), memory_space.get(), file_space.get(),
                   H5P_DEFAULT, pending_.data()),
          file_, std::string("write rows to ") + spec_.path);
    rows_written_ = new_rows;
    pending_.clear();
  }

  /** `units` (one string per column, in column order) and `description`. */
  void write_attributes(const std::string& currency) {
    std::vector<std::string> units;
    for (const Column& column : spec_.columns) units.push_back(with_currency(column.unit, currency));
    write_string_array_attribute(dataset_.get(), "units", units, file_);
    write_string_attribute(dataset_.get(), "description", spec_.description, file_);
  }

  void close() {
    if (!dataset_.close()) fail(file_, std::string("close ") + spec_.path);
    memory_type_.close();
    file_type_.close();
  }

 private:
  hsize_t pending_rows() const { return pending_.size() / spec_.row_size_bytes; }

  Handle create_dataset(hid_t file_id, std::size_t file_row_bytes) {
    const hsize_t initial_rows = 0, max_rows = H5S_UNLIMITED;
    Handle space = checked(H5Screate_simple(1, &initial_rows, &max_rows), H5Sclose, file_, "create a dataspace");
    Handle dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, file_, "create a property list");
    check(H5Pset_obj_track_times(dcpl.get(), 0), file_, "disable time tracking");
    check(H5Pset_chunk(dcpl.get(), 1, &chunk_rows_), file_, "set the chunk size");
    check(H5Pset_shuffle(dcpl.get()), file_, "enable shuffle");
    check(H5Pset_deflate(dcpl.get(), 1), file_, "enable deflate");
    // An explicit all-zero fill value: the unwritten tail of the last chunk is then
    // defined bytes (the same in every run), never whatever the chunk buffer held.
    const std::vector<unsigned char> zero_row(file_row_bytes, 0);
    check(H5Pset_fill_value(dcpl.get(), file_type_.get(), zero_row.data()), file_, "set the fill value");
    return checked(H5Dcreate2(file_id, spec_.path, file_type_.get(), space.get(), H5P_DEFAULT, dcpl.get(),
                              H5P_DEFAULT),
                   H5Dclose, file_, std::string("create dataset ") + spec_.path);
  }

  TableSpec spec_;
  std::string file_;
  Handle memory_type_, file_type_, dataset_;
  hsize_t chunk_rows_ = 1;
  hsize_t rows_written_ = 0;
  std::vector<unsigned char> pending_;  // rows in memory layout, at most one chunk
};

Handle create_file(const std::string& partial_path) {
  // Failures become exceptions, not HDF5's automatic printing of its error stack.
  detail::silence_hdf5_error_printing();
  Handle fcpl = checked(H5Pcreate(H5P_FILE_CREATE), H5Pclose, partial_path, "create a property list");
  // The file creation list also creates the root group: no timestamps there either.
  check(H5Pset_obj_track_times(fcpl.get(), 0), partial_path, "disable time tracking");
  Handle fapl = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, partial_path, "create a property list");
  // Strong close: H5Fclose really closes the file (and fails loudly) before the rename.
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), partial_path, "set the close degree");
  return checked(H5Fcreate(partial_path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose,
                 partial_path, "create the file");
}

}  // namespace

// ---------------------------------------------------------------------------

struct TraceWriter::Impl {
  std::string final_path;
  std::string partial_path;
  Handle file;
  std::vector<Table> tables;  // AllRecords' tables by kRecordIndex<Row>, then the others by first row
  std::size_t specs_count = 0;                   // AllRecords' tables
  std::vector<const TableSpec*> other_specs;     // tables outside AllRecords, in creation order
  bool committed = false;

  explicit Impl(const std::string& path) : final_path(path), partial_path(path + ".partial") {
    file = create_file(partial_path);
    const std::vector<const TableSpec*> specs = detail::all_table_specs();
    tables.reserve(specs.size());
    for (const TableSpec* spec : specs) tables.emplace_back(file.get(), *spec, partial_path);
    specs_count = tables.size();
  }

  /** Adding rows after commit() is a caller bug. */
  void check_open() const {
    if (committed) throw std::logic_error("TraceWriter: add() after commit() for " + final_path);
  }

  /** The table to append to. */
  Table& table(std::size_t index) {
    check_open();
    return tables[index];
  }
};

TraceWriter::TraceWriter(const std::string& path) {
  try {
    impl_ = std::make_unique<Impl>(path);
  } catch (...) {
    // A constructor that throws runs no destructor: remove what was created here.
    std::remove((path + ".partial").c_str());
    throw;
  }
}

TraceWriter::~TraceWriter() {
  if (impl_ == nullptr || impl_->committed) return;
  impl_->tables.clear();  // closes the datasets
  impl_->file.close();
  std::remove(impl_->partial_path.c_str());
}

void TraceWriter::append(std::size_t table, const void* row) { impl_->table(table).append(row); }

void TraceWriter::append_other(const TableSpec& spec, const void* row) {
  Impl& impl = *impl_;
  for (std::size_t i = 0; i < impl.other_specs.size(); ++i)
    if (impl.other_specs[i] == &spec) return impl.table(impl.specs_count + i).append(row);
  impl.check_open();
  impl.tables.emplace_back(impl.file.get(), spec, impl.partial_path);
  impl.other_specs.push_back(&spec);
  impl.tables.back().append(row);
}

void TraceWriter::commit(const RunMetadata& metadata) {
  Impl& impl = *impl_;
  if (impl.committed) throw std::logic_error("TraceWriter: commit() called twice for " + impl.final_path);
  for (Table& table : impl.tables) {
    table.flush();
    table.write_attributes(metadata.currency);
    table.close();
  }
  write_run_metadata(impl.file.get(), metadata, impl.partial_path);
  if (!impl.file.close()) fail(impl.partial_path, "close the file");
  if (std::rename(impl.partial_path.c_str(), impl.final_path.c_str()) != 0) {
    const int error = errno;
    throw std::runtime_error("trace " + impl.partial_path + ": cannot rename to " + impl.final_path +
                             ": " + std::strerror(error));
  }
  impl.committed = true;
}

}  // namespace ebsim::trace
