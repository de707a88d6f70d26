#include "sim/trace/table_specs.hpp"

#include <cstddef>
#include <tuple>

#include "sim/trace/hdf5_handle.hpp"

namespace ebsim::trace::detail {
namespace {

// ---------------------------------------------------------------------------
// HDF5 types. Failures return H5I_INVALID_HID with the HDF5 error stack left for the
// caller, which turns it into its own kind of error (the writer's runtime_error, the
// reader's InputError).

/** A fixed-length, NUL-padded ASCII string type of `size_bytes`. */
Handle fixed_string_type(std::size_t size_bytes) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid() || H5Tset_size(type.get(), size_bytes) < 0 ||
      H5Tset_strpad(type.get(), H5T_STR_NULLPAD) < 0)
    return Handle();
  return type;
}

/** The type of one column in memory (native) or in the file (little-endian). */
Handle column_type(ColumnType type, bool in_file) {
  hid_t base = H5I_INVALID_HID;
  switch (type) {
    case ColumnType::kU8: base = in_file ? H5T_STD_U8LE : H5T_NATIVE_UINT8; break;
    case ColumnType::kU32: base = in_file ? H5T_STD_U32LE : H5T_NATIVE_UINT32; break;
    case ColumnType::kU64: base = in_file ? H5T_STD_U64LE : H5T_NATIVE_UINT64; break;
    case ColumnType::kI64: base = in_file ? H5T_STD_I64LE : H5T_NATIVE_INT64; break;
    case ColumnType::kF64: base = in_file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE; break;
    case ColumnType::kName: return fixed_string_type(kNameLength);
    case ColumnType::kDigest:
    case ColumnType::kBlob: {
      const hsize_t length = type == ColumnType::kDigest ? kDigestLength : kBlobLength;
      return Handle(H5Tarray_create2(in_file ? H5T_STD_U8LE : H5T_NATIVE_UINT8, 1, &length), H5Tclose);
    }
  }
  return Handle(H5Tcopy(base), H5Tclose);
}

}  // namespace

std::vector<const TableSpec*> all_table_specs() {
  return std::apply([](auto... rows) { return std::vector<const TableSpec*>{&table_spec<decltype(rows)>()...}; },
                    AllRecords{});
}

hid_t create_memory_row_type(const TableSpec& table) {
  Handle row(H5Tcreate(H5T_COMPOUND, table.row_size_bytes), H5Tclose);
  if (!row.valid()) return H5I_INVALID_HID;
  for (const Column& column : table.columns) {
    const Handle type = column_type(column.type, /*in_file=*/false);
    if (!type.valid() || H5Tinsert(row.get(), column.name, column.offset_bytes, type.get()) < 0)
      return H5I_INVALID_HID;
  }
  return row.release();
}

hid_t create_file_row_type(const TableSpec& table) {
  std::vector<Handle> types;
  std::size_t packed_size_bytes = 0;
  for (const Column& column : table.columns) {
    types.push_back(column_type(column.type, /*in_file=*/true));
    if (!types.back().valid()) return H5I_INVALID_HID;
    packed_size_bytes += H5Tget_size(types.back().get());
  }
  Handle row(H5Tcreate(H5T_COMPOUND, packed_size_bytes), H5Tclose);
  if (!row.valid()) return H5I_INVALID_HID;
  std::size_t offset_bytes = 0;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (H5Tinsert(row.get(), table.columns[i].name, offset_bytes, types[i].get()) < 0) return H5I_INVALID_HID;
    offset_bytes += H5Tget_size(types[i].get());
  }
  return row.release();
}

}  // namespace ebsim::trace::detail
