#pragma once
/** Internal to sim/trace: the HDF5 compound types of a table, built from its schema
 * (sim/trace/schema.hpp, tables declared in records.hpp), shared by the writer
 * (trace_writer.cpp) and the reader (trace_reader.cpp) so they are built one way. */
#include <hdf5.h>

#include <vector>

#include "sim/trace/records.hpp"

namespace ebsim::trace::detail {

/** Every table's spec, in AllRecords order (the file's creation order). */
std::vector<const TableSpec*> all_table_specs();

/** A new compound type of the record struct as laid out in memory (native types, struct
 * offsets and size, padding included); the caller closes it with H5Tclose.
 * Returns H5I_INVALID_HID on failure, leaving the reason on the HDF5 error stack. */
hid_t create_memory_row_type(const TableSpec& table);

/** A new compound type of the row as stored: little-endian and packed (no padding bytes,
 * whose contents are unspecified and would make same-rows files differ); the caller closes
 * it with H5Tclose. Returns H5I_INVALID_HID on failure, leaving the reason on the error stack. */
hid_t create_file_row_type(const TableSpec& table);

}  // namespace ebsim::trace::detail
