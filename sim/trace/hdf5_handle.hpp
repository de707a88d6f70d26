#pragma once
/** Internal to the trace code (sim/trace and its reader in analysis/report.cpp): ownership of
 * HDF5 identifiers and HDF5's error stack, written down once.
 *
 * HDF5 reports a failure by returning a negative id or status and pushing descriptions on a
 * per-thread error stack, which by default it also prints to stderr. Callers here silence
 * that printing, check every return value, and turn a failure into their own kind of error
 * (the writer's std::runtime_error, the readers' InputError) with the stack's text. */
#include <hdf5.h>

#include <string>

namespace ebsim::trace::detail {

/** Owns one HDF5 identifier and closes it with the matching H5?close (H5Fclose, H5Dclose,
 * H5Tclose, ...) when destroyed, reassigned or closed. Move-only. An invalid (negative) id
 * may be held and is never closed, so an HDF5 call's result can be wrapped before it is
 * checked with valid(). */
class Handle {
 public:
  /** The H5?close function matching the kind of id. */
  using Closer = herr_t (*)(hid_t);

  /** Holds no id. */
  Handle() = default;
  /** Takes ownership of `id` (valid or not), to be closed with `closer`. */
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept;
  /** Closes the id held, then takes other's. */
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  /** The id, or H5I_INVALID_HID. */
  hid_t get() const { return id_; }
  /** Whether an id is held. */
  bool valid() const { return id_ >= 0; }
  /** Close now (idempotent); false if HDF5 reported an error while closing (its
   * description stays on the error stack). */
  bool close() noexcept;
  /** Gives up ownership: returns the id, which the caller must close. */
  hid_t release() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/** Stops HDF5 printing its error stack to stderr on every failure (the default), for the
 * calling thread's default stack: failures are reported as exceptions instead. Call before
 * the first HDF5 call whose failure is expected or turned into an error. */
void silence_hdf5_error_printing();

/** The current error stack as one line, "outermost (innermost)" (just the outermost when
 * the two are the same or the stack has one entry), e.g. "unable to create file (unable to
 * open file: name = ...)"; "" when the stack is empty. Clears the stack. */
std::string take_hdf5_error_text();

/** Only the innermost (most specific) description of the current error stack, e.g.
 * "truncated file: eof = ..."; "" when the stack is empty. Clears the stack. */
std::string take_hdf5_innermost_error_text();

}  // namespace ebsim::trace::detail
