#pragma once
/** Observation through signals: models emit, recorders (trace, statistics) subscribe.
 * Slots run synchronously in connection order, so observation is deterministic. */
#include <functional>
#include <utility>
#include <vector>

namespace ebsim {

template <typename... Args>
class Signal {
 public:
  using Slot = std::function<void(const Args&...)>;
  /** Subscribe; slots are called in the order they were connected. */
  void connect(Slot slot) { slots_.push_back(std::move(slot)); }
  /** Call every slot with the event. */
  void emit(const Args&... args) const {
    for (const auto& slot : slots_) slot(args...);
  }
  bool empty() const { return slots_.empty(); }

 private:
  std::vector<Slot> slots_;
};

}  // namespace ebsim
