#include "sim/trace/hdf5_handle.hpp"

#include <utility>

namespace ebsim::trace::detail {
namespace {

/** The first (outermost) and last (innermost) non-empty descriptions of an error stack. */
struct ErrorStackText {
  std::string outermost, innermost;
};

herr_t collect_error(unsigned /*n*/, const H5E_error2_t* error, void* data) {
  if (error->desc == nullptr || *error->desc == '\0') return 0;
  auto& text = *static_cast<ErrorStackText*>(data);
  if (text.outermost.empty()) text.outermost = error->desc;
  text.innermost = error->desc;
  return 0;
}

/** Walks the current error stack from the outermost call down, then clears it. */
ErrorStackText take_error_stack() {
  ErrorStackText text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &text);
  H5Eclear2(H5E_DEFAULT);
  return text;
}

}  // namespace

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    close();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

bool Handle::close() noexcept {
  herr_t status = 0;
  if (id_ >= 0) status = closer_(id_);
  id_ = H5I_INVALID_HID;
  return status >= 0;
}

hid_t Handle::release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }

void silence_hdf5_error_printing() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string take_hdf5_error_text() {
  const ErrorStackText text = take_error_stack();
  if (text.innermost == text.outermost) return text.outermost;
  return text.outermost + " (" + text.innermost + ")";
}

std::string take_hdf5_innermost_error_text() { return take_error_stack().innermost; }

}  // namespace ebsim::trace::detail
