#pragma once
/** Strict reading of a yaml-cpp tree for the scenario parser: typed values, a table of allowed
 * keys per mapping, and error messages that point at the file position or the --set override.
 *
 * Every error has the form `<where>: <dotted.key>: expected <what>, got <what was found>` where
 * <where> is `<file>:<line>:<column>` (1-based) or, for values that came from an override,
 * `--set <key=value>` as typed on the command line.
 */
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ebsim::sim::scenario_yaml {

/** Where each node of the tree came from: the scenario file or a command-line override. */
class Origin {
 public:
  explicit Origin(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }
  /** Record that `node` and everything below it came from `source` (e.g. "--set seed=7"). */
  void add_override(const YAML::Node& node, const std::string& source);
  /** The override `node` came from, if any (the latest one wins). */
  std::optional<std::string> override_of(const YAML::Node& node) const;
  /** "<file>:<line>:<column>" for a node from the file; "<file>" if yaml-cpp has no mark. */
  std::string position(const YAML::Mark& mark) const;

 private:
  std::string file_;
  std::vector<std::pair<YAML::Node, std::string>> overridden_;  // few entries: linear search is fine
};

/** How a node is described after "got" in messages: "\"15\"", "a mapping", "a list", "nothing". */
std::string describe(const YAML::Node& node);

/** One node of the tree with the dotted key that names it in messages. */
class Value {
 public:
  /** `key_node` is the mapping key this value belongs to (an empty Node for list items and the
   * root); messages about an empty value point at the key, since yaml-cpp marks an empty value
   * at the next token. */
  Value(const Origin& origin, YAML::Node node, std::string key, YAML::Node key_node = YAML::Node());

  const YAML::Node& node() const { return node_; }
  const std::string& key() const { return key_; }
  const Origin& origin() const { return *origin_; }

  /** "<file>:<line>:<column>" or "--set ..." for this value. */
  std::string where() const;
  /** Same as where(), but points at the key rather than the value (for messages about the key). */
  std::string where_key() const;

  /** Throw InputError "<where>: <key>: expected <expected>, got <describe(node)>". */
  [[noreturn]] void fail(std::string_view expected) const;
  /** Throw InputError "<where>: <key>: expected <expected>, got <got>". */
  [[noreturn]] void fail(std::string_view expected, std::string_view got) const;
  /** Like fail(expected, got), but points at the key (unknown, repeated or misplaced keys). */
  [[noreturn]] void fail_key(std::string_view expected, std::string_view got) const;
  /** fail(expected) unless `ok`. */
  void require(bool ok, std::string_view expected) const {
    if (!ok) fail(expected);
  }

  /** Any scalar (quoted or not) as text. */
  std::string text(std::string_view expected) const;
  /** A plain (unquoted) decimal integer. */
  std::int64_t integer(std::string_view expected) const;
  /** A plain (unquoted) non-negative decimal integer, full 64-bit range. */
  std::uint64_t unsigned_integer(std::string_view expected) const;
  /** A plain (unquoted) finite decimal number. */
  double number(std::string_view expected) const;
  /** A quantity with a unit via one of units::parse_*; the unit parser's message is kept. */
  double quantity(double (*parse)(std::string_view)) const;
  /** One of `allowed`, spelled exactly; the error lists them (and suggests a close one). */
  std::string choice(std::initializer_list<std::string_view> allowed) const;
  std::string choice(std::span<const std::string> allowed) const;

 private:
  [[noreturn]] void fail_at(const std::string& where, std::string_view expected, std::string_view got) const;
  std::string choose(std::span<const std::string_view> allowed) const;
  /** The scalar text if the node is a plain scalar; fails with `expected` otherwise. */
  std::string plain_scalar(std::string_view expected) const;

  const Origin* origin_;
  YAML::Node node_;
  std::string key_;
  YAML::Node key_node_;
};

/** A mapping whose keys are checked against a table of allowed keys when it is constructed:
 * not a mapping, a non-scalar key, a duplicate key or an unknown key (with a "did you mean"
 * suggestion) are errors. An empty value (`market:` with nothing after it) counts as an empty
 * mapping, so that commenting out every line of an optional block keeps its defaults. */
class MapView {
 public:
  MapView(const Value& value, std::span<const std::string_view> allowed_keys);

  /** The value under `key`, if present. */
  std::optional<Value> find(std::string_view key) const;
  /** The value under `key`; if absent, fail at this mapping: "<key>: expected <expected>
   * (a required key), got nothing". */
  Value required(std::string_view key, std::string_view expected) const;
  /** Fail if `key` is present: it exists in the table but does not apply here, e.g. `file` with
   * `profile: synthetic` (context "profile: synthetic", applies_to "profile: csv"). */
  void reject(std::string_view key, std::string_view context, std::string_view applies_to) const;
  /** The dotted key of a child ("market" + "interval" -> "market.interval"). */
  std::string child_key(std::string_view key) const;
  const Value& value() const { return value_; }

 private:
  struct Entry {
    std::string name;
    YAML::Node key;
    YAML::Node value;
  };
  Value value_;
  std::vector<Entry> entries_;
};

/** The dotted key of a child of `parent` ("" + "name" -> "name"). */
std::string join_key(std::string_view parent, std::string_view child);

/** The elements of a list (a YAML sequence), in order. REQUIRES: node.IsSequence(). */
std::vector<YAML::Node> elements(const YAML::Node& sequence);

/** Parse a scenario file into a tree: throws InputError for an unreadable file, binary data,
 * a YAML syntax error, an empty document, more than one document, or a top level that is not
 * a mapping. */
YAML::Node parse_scenario_file(const std::string& path);

/** Apply one "--set dotted.key=value" override to `root` (a mapping), recording the new nodes
 * in `origin`. Throws InputError for a malformed override, a list index out of range, an
 * unknown group name, or a path through a scalar. */
void apply_override(YAML::Node& root, std::string_view text, Origin& origin);

/** Set the top-level `seed` to the --seed value, recording it in `origin`. */
void apply_seed(YAML::Node& root, std::uint64_t seed, Origin& origin);

/** The tree re-emitted as YAML (deterministic: yaml-cpp keeps the key order of the file). */
std::string emit(const YAML::Node& root);

}  // namespace ebsim::sim::scenario_yaml
