#include "sim/scenario_yaml.hpp"

#include <algorithm>
#include <charconv>

#include "models/core/units.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_text.hpp"

namespace ebsim::sim::scenario_yaml {
namespace {

void add_tree(std::vector<std::pair<YAML::Node, std::string>>& out, const YAML::Node& node,
              const std::string& source) {
  out.emplace_back(node, source);
  if (node.IsMap()) {
    for (const auto& pair : node) {
      add_tree(out, pair.first, source);
      add_tree(out, pair.second, source);
    }
  } else if (node.IsSequence()) {
    for (const auto& element : node) add_tree(out, element, source);
  }
}

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (const std::string_view word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

/** "(did you mean 'interval'?)" with a leading space, or "" if nothing is close. */
std::string suggestion(std::string_view word, std::span<const std::string_view> candidates) {
  const std::string best = closest_match(word, candidates);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

/** The "expected ..." part of a unit parser's message, recovered by parsing an empty string,
 * so the list of units lives only in units.cpp. */
std::string unit_expectation(double (*parse)(std::string_view)) {
  try {
    parse("");
  } catch (const units::UnitError& error) {
    std::string message = error.what();
    const std::string prefix = "expected ";
    const std::size_t got = message.rfind(", got ");
    if (message.rfind(prefix, 0) == 0 && got != std::string::npos) {
      return message.substr(prefix.size(), got - prefix.size());
    }
  }
  return "a quantity with a unit";
}

}  // namespace

// ---- Origin ----------------------------------------------------------------------------------

void Origin::add_override(const YAML::Node& node, const std::string& source) {
  add_tree(overridden_, node, source);
}

std::optional<std::string> Origin::override_of(const YAML::Node& node) const {
  // Node::is compares identity: an assigned node shares the data of the override's node.
  for (auto it = overridden_.rbegin(); it != overridden_.rend(); ++it) {
    if (it->first.is(node)) return it->second;
  }
  return std::nullopt;
}

std::string Origin::position(const YAML::Mark& mark) const {
  if (mark.is_null()) return file_;
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Scalar:
      return quoted(node.Scalar());
    case YAML::NodeType::Sequence:
      return node.size() == 0 ? "an empty list" : "a list";
    case YAML::NodeType::Map:
      return node.size() == 0 ? "an empty mapping" : "a mapping";
  }
  return "an unknown YAML node";
}

std::string join_key(std::string_view parent, std::string_view child) {
  return parent.empty() ? std::string(child) : std::string(parent) + "." + std::string(child);
}

std::vector<YAML::Node> elements(const YAML::Node& sequence) {
  std::vector<YAML::Node> out;
  for (const auto& element : sequence) out.push_back(element);
  return out;
}

// ---- Value -----------------------------------------------------------------------------------

Value::Value(const Origin& origin, YAML::Node node, std::string key, YAML::Node key_node)
    : origin_(&origin), node_(std::move(node)), key_(std::move(key)), key_node_(std::move(key_node)) {}

std::string Value::where() const {
  if (auto source = origin_->override_of(node_)) return *source;
  if (node_.IsNull() && key_node_.IsScalar()) return origin_->position(key_node_.Mark());
  return origin_->position(node_.Mark());
}

std::string Value::where_key() const {
  if (auto source = origin_->override_of(node_)) return *source;
  if (key_node_.IsScalar()) {
    if (auto source = origin_->override_of(key_node_)) return *source;
    return origin_->position(key_node_.Mark());
  }
  return where();
}

void Value::fail(std::string_view expected) const { fail(expected, describe(node_)); }

void Value::fail(std::string_view expected, std::string_view got) const {
  fail_at(where(), expected, got);
}

void Value::fail_key(std::string_view expected, std::string_view got) const {
  fail_at(where_key(), expected, got);
}

void Value::fail_at(const std::string& where, std::string_view expected, std::string_view got) const {
  const std::string key = key_.empty() ? "" : key_ + ": ";
  throw InputError(where + ": " + key + "expected " + std::string(expected) + ", got " +
                   std::string(got));
}

std::string Value::text(std::string_view expected) const {
  if (!node_.IsScalar()) fail(expected);
  return node_.Scalar();
}

std::string Value::plain_scalar(std::string_view expected) const {
  if (!node_.IsScalar()) fail(expected);
  // A quoted scalar is a string in YAML, not a number: `count: "40"` is a type error.
  if (node_.Tag() == "!" || node_.Tag() == "tag:yaml.org,2002:str") {
    fail(expected, "the quoted string " + quoted(node_.Scalar()));
  }
  return node_.Scalar();
}

std::int64_t Value::integer(std::string_view expected) const {
  const auto value = parse_integer(plain_scalar(expected));
  if (!value) fail(expected);
  return *value;
}

std::uint64_t Value::unsigned_integer(std::string_view expected) const {
  const std::string text = plain_scalar(expected);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) fail(expected);
  return value;
}

double Value::number(std::string_view expected) const {
  const auto value = parse_decimal(plain_scalar(expected));
  if (!value) fail(expected);
  return *value;
}

double Value::quantity(double (*parse)(std::string_view)) const {
  if (!node_.IsScalar()) fail(unit_expectation(parse));
  try {
    return parse(node_.Scalar());
  } catch (const units::UnitError& error) {
    const std::string key = key_.empty() ? "" : key_ + ": ";
    throw InputError(where() + ": " + key + error.what());
  }
}

std::string Value::choice(std::initializer_list<std::string_view> allowed) const {
  return choose(std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

std::string Value::choice(std::span<const std::string> allowed) const {
  const std::vector<std::string_view> views(allowed.begin(), allowed.end());
  return choose(views);
}

std::string Value::choose(std::span<const std::string_view> allowed) const {
  const std::string expected =
      allowed.empty() ? "a registered name (none is registered)" : "one of " + join(allowed);
  const std::string text = this->text(expected);
  if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) return text;
  fail(expected, quoted(text) + suggestion(text, allowed));
}

// ---- MapView ---------------------------------------------------------------------------------

MapView::MapView(const Value& value, std::span<const std::string_view> allowed_keys)
    : value_(value) {
  const YAML::Node& node = value.node();
  if (node.IsNull()) return;  // `market:` with nothing after it: all defaults
  if (!node.IsMap()) value.fail("a mapping with the keys " + join(allowed_keys));
  for (const auto& pair : node) {
    if (!pair.first.IsScalar()) {
      Value(value.origin(), pair.first, value.key()).fail("key names", describe(pair.first) + " as a key");
    }
    const std::string name = pair.first.Scalar();
    const Value child(value.origin(), pair.second, child_key(name), pair.first);
    const auto same = std::find_if(entries_.begin(), entries_.end(),
                                   [&](const Entry& entry) { return entry.name == name; });
    if (same != entries_.end()) {
      // yaml-cpp keeps both copies of a repeated key and reads the first: say so instead.
      child.fail_key("each key at most once", "'" + name + "' again (first at " +
                                                  Value(value.origin(), same->value, "", same->key).where_key() +
                                                  ")");
    }
    if (std::find(allowed_keys.begin(), allowed_keys.end(), name) == allowed_keys.end()) {
      child.fail_key("one of the keys " + join(allowed_keys), "'" + name + "'" + suggestion(name, allowed_keys));
    }
    entries_.push_back(Entry{name, pair.first, pair.second});
  }
}

std::optional<Value> MapView::find(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (entry.name == key) return Value(value_.origin(), entry.value, child_key(key), entry.key);
  }
  return std::nullopt;
}

Value MapView::required(std::string_view key, std::string_view expected) const {
  if (auto found = find(key)) return *found;
  throw InputError(value_.where() + ": " + child_key(key) + ": expected " + std::string(expected) +
                   " (a required key), got nothing (the key is missing)");
}

void MapView::reject(std::string_view key, std::string_view context, std::string_view applies_to) const {
  if (auto found = find(key)) {
    found->fail_key("no '" + std::string(key) + "' key with " + std::string(context) +
                        " (it applies only to " + std::string(applies_to) + ")",
                    std::string(key) + ": " + describe(found->node()));
  }
}

std::string MapView::child_key(std::string_view key) const { return join_key(value_.key(), key); }

// ---- Whole documents -------------------------------------------------------------------------

YAML::Node parse_scenario_file(const std::string& path) {
  const Origin origin(path);
  const std::string text = read_text_file(path);
  // yaml-cpp reads most binary files as odd scalars or odd syntax errors; name the real problem.
  if (looks_binary(text)) {
    throw InputError(path + ":1:1: expected a mapping at the top level, got binary (non-text) data");
  }
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& error) {
    throw InputError(origin.position(error.mark) + ": YAML syntax error: " + error.msg);
  }
  if (documents.empty() || (documents.size() == 1 && documents[0].IsNull())) {
    throw InputError(path + ": the scenario is empty; expected a mapping with keys name, start, "
                            "duration, participants");
  }
  if (documents.size() > 1) {
    throw InputError(origin.position(documents[1].Mark()) + ": expected one YAML document, got " +
                     std::to_string(documents.size()) + " (separated by '---')");
  }
  const YAML::Node& root = documents[0];
  if (!root.IsMap()) {
    throw InputError(origin.position(root.Mark()) + ": expected a mapping at the top level, got " +
                     describe(root));
  }
  return root;
}

void apply_seed(YAML::Node& root, std::uint64_t seed, Origin& origin) {
  const YAML::Node value(std::to_string(seed));
  root["seed"] = value;
  origin.add_override(value, "--seed " + std::to_string(seed));
}

std::string emit(const YAML::Node& root) {
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace ebsim::sim::scenario_yaml
