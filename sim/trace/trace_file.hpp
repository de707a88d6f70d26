#pragma once
/** An open trace file for reading its root attributes (run metadata) and opening datasets;
 * the tables themselves are read with trace_reader.hpp. Every failure is an InputError naming
 * the file and the object. */
#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <type_traits>

#include "sim/scenario.hpp"
#include "sim/trace/hdf5_handle.hpp"

namespace ebsim::trace {

/** An open trace file; every failure is an InputError naming the file and the object. */
class TraceFile {
 public:
  explicit TraceFile(const std::string& path) : path_(path), file_(open_file(path), H5Fclose) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw sim::InputError("trace " + path_ + ": " + what);
  }

  /** True if the root group has attribute `name` (older traces lack newer attributes). */
  bool has_attribute(const char* name) const { return H5Aexists(file_.get(), name) > 0; }

  /** A root attribute stored as a (fixed- or variable-length) string. */
  std::string string_attribute(const char* name) const {
    const detail::Handle attribute = open_attribute(name);
    const detail::Handle type(H5Aget_type(attribute.get()), H5Tclose);
    if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING)
      fail(std::string("attribute /@") + name + " is not a string");
    if (H5Tis_variable_str(type.get()) > 0) return read_variable_string(attribute.get(), type.get(), name);
    std::string value(H5Tget_size(type.get()), '\0');
    if (H5Aread(attribute.get(), type.get(), value.data()) < 0) fail_reading_attribute(name);
    value.resize(strnlen(value.data(), value.size()));
    return value;
  }

  /** A numeric root attribute, converted to T (uint32, uint64 or double). */
  template <class T>
  T number_attribute(const char* name) const {
    const detail::Handle attribute = open_attribute(name);
    const detail::Handle type(H5Aget_type(attribute.get()), H5Tclose);
    const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
    const bool want_integer = std::is_integral_v<T>;
    if (type_class != (want_integer ? H5T_INTEGER : H5T_FLOAT))
      fail(std::string("attribute /@") + name + " is not " + (want_integer ? "an integer" : "a float"));
    T value{};
    const hid_t memory_type = std::is_same_v<T, double>          ? H5T_NATIVE_DOUBLE
                              : std::is_same_v<T, std::uint32_t> ? H5T_NATIVE_UINT32
                                                                 : H5T_NATIVE_UINT64;
    if (H5Aread(attribute.get(), memory_type, &value) < 0) fail_reading_attribute(name);
    return value;
  }

  /** Opens a dataset; a missing one is an InputError naming it. */
  detail::Handle open_dataset(const char* dataset_path) const {
    if (H5Lexists(file_.get(), dataset_path, H5P_DEFAULT) <= 0)
      fail(std::string("missing dataset ") + dataset_path);
    detail::Handle dataset(H5Dopen2(file_.get(), dataset_path, H5P_DEFAULT), H5Dclose);
    if (!dataset.valid()) fail(std::string(dataset_path) + " is not a dataset");
    return dataset;
  }

 private:
  static hid_t open_file(const std::string& path) {
    // Every failure becomes an InputError, not HDF5's automatic printing of its error stack.
    detail::silence_hdf5_error_printing();
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
      throw sim::InputError("trace " + path + ": no such file");
    const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
    if (is_hdf5 < 0)
      throw sim::InputError("trace " + path + ": cannot read: " + detail::take_hdf5_innermost_error_text());
    if (is_hdf5 == 0) throw sim::InputError("trace " + path + ": not an HDF5 file");
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
      throw sim::InputError("trace " + path + ": cannot open: " + detail::take_hdf5_innermost_error_text());
    return file;
  }

  detail::Handle open_attribute(const char* name) const {
    if (H5Aexists(file_.get(), name) <= 0) fail(std::string("missing attribute /@") + name);
    detail::Handle attribute(H5Aopen(file_.get(), name, H5P_DEFAULT), H5Aclose);
    if (!attribute.valid()) fail_reading_attribute(name);
    return attribute;
  }

  [[noreturn]] void fail_reading_attribute(const char* name) const {
    fail(std::string("cannot read attribute /@") + name + ": " + detail::take_hdf5_innermost_error_text());
  }

  std::string read_variable_string(hid_t attribute, hid_t type, const char* name) const {
    char* text = nullptr;
    const detail::Handle memory_type(H5Tcopy(type), H5Tclose);
    if (!memory_type.valid() || H5Aread(attribute, memory_type.get(), &text) < 0)
      fail_reading_attribute(name);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }

  std::string path_;
  detail::Handle file_;
};

}  // namespace ebsim::trace
