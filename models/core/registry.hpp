#pragma once
/** Name -> factory: the one shape of the extension points' registries (clearing rules, agreement
 * protocols, leader elections, contract modes). Each registry derives from FactoryRegistry with
 * its product and the factory's arguments and adds its own instance(); each entry registers
 * itself from its own file with a static Registration<TheRegistry>. Names are kept sorted, so
 * messages that list them do not depend on the order files are linked in.
 */
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ebsim {

/** Factories of `Product` from `Args...`, by name. */
template <typename Product, typename... Args>
class FactoryRegistry {
 public:
  /** Builds one product from the arguments. */
  using Factory = std::function<std::unique_ptr<Product>(Args...)>;

  /** Register `factory` as `name`. Throws std::logic_error if the name is taken (two files
   * registering one name would otherwise depend on the link order). */
  void add(std::string name, Factory factory) {
    const std::string shown = name;
    if (!factories_.emplace(std::move(name), std::move(factory)).second) {
      throw std::logic_error("'" + shown + "' registered twice");
    }
  }
  /** The product called `name`, built from `args`, or nullptr if there is no such name. */
  std::unique_ptr<Product> create(std::string_view name, Args... args) const {
    const auto it = factories_.find(name);
    return it == factories_.end() ? nullptr : it->second(std::forward<Args>(args)...);
  }
  /** Registered names, sorted (for error messages). */
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : factories_) out.push_back(entry.first);
    return out;
  }

 private:
  std::map<std::string, Factory, std::less<>> factories_;
};

/** Put one of these at namespace scope in an entry's .cpp to register it in `Registry`. */
template <typename Registry>
struct Registration {
  /** Registers `factory` as `name`. */
  Registration(std::string name, typename Registry::Factory factory) {
    Registry::instance().add(std::move(name), std::move(factory));
  }
};

}  // namespace ebsim
