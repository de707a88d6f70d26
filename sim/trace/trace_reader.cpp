#include "sim/trace/trace_reader.hpp"

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "sim/scenario.hpp"
#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/table_specs.hpp"

namespace ebsim::trace {
namespace {

using detail::Column;
using detail::Handle;
using detail::TableSpec;
using detail::take_hdf5_innermost_error_text;
using sim::InputError;

/** Rows per block when a dataset is not chunked (a chunked one is read chunk-aligned). */
constexpr hsize_t kDefaultBlockRows = 16384;

/** `table` with only the named columns (all of them when `names` is empty). */
TableSpec select_columns(const TableSpec& table, std::initializer_list<std::string_view> names) {
  if (names.size() == 0) return table;
  TableSpec selected = table;
  selected.columns.clear();
  for (const std::string_view name : names) {
    const auto column = std::find_if(table.columns.begin(), table.columns.end(),
                                     [&](const Column& c) { return c.name == name; });
    if (column == table.columns.end())
      throw std::invalid_argument("trace reader: " + std::string(table.path) + " has no column '" +
                                  std::string(name) + "'");
    selected.columns.push_back(*column);
  }
  return selected;
}

/** One table of a trace, open for reading its columns in `spec` into its record struct.
 * Every failure is an InputError naming the file and the dataset. */
class TableFile {
 public:
  TableFile(const std::string& path, TableSpec spec)
      : path_(path),
        spec_(std::move(spec)),
        file_(open_file(), H5Fclose),
        dataset_(open_dataset(), H5Dclose),
        memory_type_(reader_type(), H5Tclose),
        file_space_(H5Dget_space(dataset_.get()), H5Sclose) {
    if (!file_space_.valid() || H5Sget_simple_extent_ndims(file_space_.get()) != 1 ||
        H5Sget_simple_extent_dims(file_space_.get(), &rows_, nullptr) < 0)
      fail(std::string("dataset ") + spec_.path + " is not a 1-D table");
  }

  hsize_t rows() const { return rows_; }

  /** A multiple of the chunk length near kDefaultBlockRows: each chunk is inflated once. */
  hsize_t block_rows() const {
    const Handle dcpl(H5Dget_create_plist(dataset_.get()), H5Pclose);
    hsize_t chunk_rows = 0;
    if (!dcpl.valid() || H5Pget_layout(dcpl.get()) != H5D_CHUNKED ||
        H5Pget_chunk(dcpl.get(), 1, &chunk_rows) != 1 || chunk_rows == 0) {
      H5Eclear2(H5E_DEFAULT);
      return kDefaultBlockRows;
    }
    return std::max<hsize_t>(1, kDefaultBlockRows / chunk_rows) * chunk_rows;
  }

  /** Reads rows [start, start + count) into `out` (room for `count` record structs). */
  void read(hsize_t start, hsize_t count, void* out) const {
    if (count == 0) return;
    const Handle memory_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
    if (!memory_space.valid() ||
        H5Sselect_hyperslab(file_space_.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
        H5Dread(dataset_.get(), memory_type_.get(), memory_space.get(), file_space_.get(), H5P_DEFAULT, out) < 0)
      fail(std::string("cannot read dataset ") + spec_.path + ": " + take_hdf5_innermost_error_text());
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw InputError("trace " + path_ + ": " + what); }

  hid_t open_file() const {
    // Every failure becomes an InputError, not HDF5's automatic printing of its error stack.
    detail::silence_hdf5_error_printing();
    const std::string reading = std::string(" (reading ") + spec_.path + ")";
    std::error_code error;
    if (!std::filesystem::is_regular_file(path_, error)) fail("no such file" + reading);
    const htri_t is_hdf5 = H5Fis_hdf5(path_.c_str());
    if (is_hdf5 < 0) fail("cannot read: " + take_hdf5_innermost_error_text() + reading);
    if (is_hdf5 == 0) fail("not an HDF5 file" + reading);
    const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) fail("cannot open: " + take_hdf5_innermost_error_text() + reading);
    return file;
  }

  hid_t open_dataset() const {
    if (H5Lexists(file_.get(), spec_.path, H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      fail(std::string("missing dataset ") + spec_.path);
    }
    const hid_t dataset = H5Dopen2(file_.get(), spec_.path, H5P_DEFAULT);
    if (dataset < 0)
      fail(std::string(spec_.path) + " is not a dataset: " + take_hdf5_innermost_error_text());
    return dataset;
  }

  /** The record struct's memory type (the selected columns only), after checking the
   * dataset has each of them. Other columns in the file are skipped by the conversion; the
   * struct's other fields are left as they are. */
  hid_t reader_type() const {
    const Handle file_type(H5Dget_type(dataset_.get()), H5Tclose);
    if (!file_type.valid() || H5Tget_class(file_type.get()) != H5T_COMPOUND) {
      H5Eclear2(H5E_DEFAULT);
      fail(std::string("dataset ") + spec_.path + " is not a table of compound rows");
    }
    for (const Column& column : spec_.columns) {
      if (H5Tget_member_index(file_type.get(), column.name) < 0) {
        H5Eclear2(H5E_DEFAULT);
        fail(std::string("dataset ") + spec_.path + " has no column '" + column.name + "'");
      }
    }
    const hid_t type = detail::create_memory_row_type(spec_);
    if (type < 0)
      fail(std::string("cannot build a reader type for ") + spec_.path + ": " +
           take_hdf5_innermost_error_text());
    return type;
  }

  std::string path_;
  TableSpec spec_;
  Handle file_, dataset_, memory_type_, file_space_;  // in opening order: closed in reverse
  hsize_t rows_ = 0;
};

}  // namespace

namespace detail {

struct TableReader::Impl {
  TableFile file;
};

TableReader::TableReader(const std::string& path, const TableSpec& table,
                         std::initializer_list<std::string_view> columns)
    : impl_(std::make_unique<Impl>(Impl{TableFile(path, select_columns(table, columns))})) {}

TableReader::~TableReader() = default;

std::uint64_t TableReader::rows() const { return impl_->file.rows(); }

std::uint64_t TableReader::block_rows() const { return impl_->file.block_rows(); }

void TableReader::read(std::uint64_t start, std::uint64_t count, void* out) const {
  impl_->file.read(start, count, out);
}

}  // namespace detail
}  // namespace ebsim::trace
