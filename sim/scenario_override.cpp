// --set overrides: "dotted.key=value" applied to the scenario tree before validation.
#include <algorithm>

#include "sim/scenario.hpp"
#include "sim/scenario_text.hpp"
#include "sim/scenario_yaml.hpp"

namespace ebsim::sim::scenario_yaml {
namespace {

constexpr std::string_view kOverrideForm =
    "\"dotted.key=value\" (e.g. market.interval=5min or participants.households.count=10)";

/** Errors about the override itself, named by the override as typed. */
class OverrideError {
 public:
  explicit OverrideError(std::string source) : source_(std::move(source)) {}
  [[noreturn]] void fail(std::string_view key, std::string_view expected, std::string_view got) const {
    const std::string key_part = key.empty() ? "" : std::string(key) + ": ";
    throw InputError(source_ + ": " + key_part + "expected " + std::string(expected) + ", got " +
                     std::string(got));
  }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = path.find('.', begin);
    parts.emplace_back(path.substr(begin, dot == std::string_view::npos ? dot : dot - begin));
    if (dot == std::string_view::npos) return parts;
    begin = dot + 1;
  }
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/** The value under `key` in a mapping, or an invalid-free empty optional if absent. Iterates
 * rather than using operator[], which on a non-const node would insert the key. */
std::optional<YAML::Node> map_child(const YAML::Node& map, std::string_view key) {
  for (const auto& pair : map) {
    if (pair.first.IsScalar() && pair.first.Scalar() == key) return pair.second;
  }
  return std::nullopt;
}

/** The element of a list named by an index ("0") or by its `name` ("households"). */
YAML::Node list_child(const YAML::Node& list, const std::string& segment, const std::string& key,
                      const OverrideError& error) {
  const std::vector<YAML::Node> items = elements(list);
  if (all_digits(segment)) {
    const auto index = parse_integer(segment);
    if (!index || *index >= static_cast<std::int64_t>(items.size())) {
      error.fail(key, "an index below " + std::to_string(items.size()) + " (the list has " +
                          std::to_string(items.size()) + " items)",
                 quoted(segment));
    }
    return items[static_cast<std::size_t>(*index)];
  }
  std::string names;
  for (const YAML::Node& item : items) {
    const auto name = item.IsMap() ? map_child(item, "name") : std::nullopt;
    if (!name || !name->IsScalar()) continue;
    if (name->Scalar() == segment) return item;
    names += (names.empty() ? "" : ", ") + name->Scalar();
  }
  error.fail(key, "an index or the name of an item (" + (names.empty() ? "none has a name" : names) + ")",
             quoted(segment));
}

}  // namespace

void apply_override(YAML::Node& root, std::string_view text, Origin& origin) {
  const OverrideError error("--set " + std::string(text));
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) error.fail("", kOverrideForm, "no '='");
  const std::string_view path = text.substr(0, equals);
  if (path.empty()) error.fail("", kOverrideForm, "an empty key");
  const std::vector<std::string> segments = split_path(path);
  if (std::any_of(segments.begin(), segments.end(), [](const std::string& s) { return s.empty(); })) {
    error.fail("", kOverrideForm, "an empty part between dots in " + quoted(path));
  }

  YAML::Node value;
  try {
    // Parsed as YAML so that count=12 is an integer and lists or mappings can be given.
    value = YAML::Load(std::string(text.substr(equals + 1)));
  } catch (const YAML::Exception& yaml_error) {
    error.fail(path, "a YAML value", "a YAML syntax error: " + yaml_error.msg);
  }

  YAML::Node current = root;  // note: Node::operator= would write through; rebind with reset()
  std::string key;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    const bool last = i + 1 == segments.size();
    if (current.IsMap()) {
      key = join_key(key, segment);
      auto child = map_child(current, segment);
      if (last || !child) {
        // A new key is created only inside a mapping; the validator rejects it if unknown.
        YAML::Node assigned = last ? value : YAML::Node(YAML::NodeType::Map);
        if (child) {
          YAML::Node target = *child;  // copy-constructed: refers to the node inside the tree
          target = assigned;
        } else {
          current[segment] = assigned;
        }
        origin.add_override(assigned, error.source());
        if (last) return;
        current.reset(assigned);
        continue;
      }
      current.reset(*child);
    } else if (current.IsSequence()) {
      key += "[" + segment + "]";
      YAML::Node child = list_child(current, segment, key, error);
      if (last) {
        YAML::Node target = child;
        target = value;
        origin.add_override(value, error.source());
        return;
      }
      current.reset(child);
    } else {
      error.fail(key, "a mapping or a list to set '" + segment + "' in", describe(current));
    }
  }
}

}  // namespace ebsim::sim::scenario_yaml
