#pragma once
// Internal to core/io: typed reads of JSON values that record a Problem at the value's location
// instead of throwing, so that loading a project reports every problem at once.
//
//   ObjectReader r(j, "training", problems);
//   auto bs = read_int(r.take("batch_size"), r.at("batch_size"), 1, problems);
//   config.extra = r.unknown();
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/io_error.h"

namespace nw::io::detail {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// "graph" + "nodes" -> "graph.nodes"; "" + "name" -> "name".
std::string child(const std::string& where, const std::string& key);
// "graph.nodes" + 3 -> "graph.nodes[3]".
std::string item(const std::string& where, size_t index);
// The value as the user wrote it, shortened: "\"3x3\"", "null", "[1, 2, ...]".
std::string shown(const json& v);
// `text` in double quotes, as the messages show names: "Linear".
std::string in_quotes(const std::string& text);
// "a, b, c".
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");
// Candidates within a small edit distance of `name`, or matching it but for case, best first.
std::vector<std::string> close_names(const std::string& name,
                                     const std::vector<std::string>& candidates);
// "; did you mean \"Linear\"?" or "; known: a, b, c".
std::string suggestion(const std::string& name, const std::vector<std::string>& candidates,
                       const std::string& known_label = "known");

// Whole numbers below 9e15 in magnitude, also when written as 3.0 by a tool that only knows
// doubles.
bool is_integer(const json& v);

// Each returns nullopt (and records a problem) when the value has the wrong type or range.
// `v` may be nullptr (an absent key): then nothing is recorded and nullopt returned.
std::optional<int64_t> read_int(const json* v, const std::string& where, int64_t min,
                                std::vector<Problem>& problems);
std::optional<double> read_number(const json* v, const std::string& where, double min, double max,
                                  std::vector<Problem>& problems);
std::optional<bool> read_bool(const json* v, const std::string& where,
                              std::vector<Problem>& problems);
std::optional<std::string> read_string(const json* v, const std::string& where,
                                       std::vector<Problem>& problems);
// One of `choices`.
std::optional<std::string> read_choice(const json* v, const std::string& where,
                                       const std::vector<std::string>& choices,
                                       std::vector<Problem>& problems);

// Reads an object's keys one by one; the keys never taken are the unknown ones.
class ObjectReader {
 public:
  // Records "expected an object such as <example>" when `j` is not an object.
  ObjectReader(const json& j, std::string where, std::vector<Problem>& problems,
               const std::string& example = "{...}");
  bool ok() const { return ok_; }
  // nullptr when absent (or when the value is not an object).
  const json* take(const std::string& key);
  // Like take, but records "missing; <hint>" when absent.
  const json* require(const std::string& key, const std::string& hint);
  std::string at(const std::string& key) const { return child(where_, key); }
  const std::string& where() const { return where_; }
  // The keys not taken, as an object (to keep and write back).
  json unknown() const;
  // Records "unknown key" for each key not taken, listing the known ones.
  void refuse_unknown(const std::string& owner, const std::vector<std::string>& known);

 private:
  const json* obj_;
  std::string where_;
  std::vector<Problem>& problems_;
  std::vector<std::string> taken_;
  bool ok_;
};

// Ordered output: `first` keys in that order (when present), then the rest sorted.
ordered_json ordered(const json& j, const std::vector<std::string>& first = {});
// Pretty JSON that stays short: 2-space indents, but a container of depth <= 2 whose one-line
// form fits in 100 columns stays on one line ({"id": "fc1", "type": "Linear", "pos": [0, 80]}),
// as people write project files by hand.
std::string pretty(const ordered_json& j);
// Positions and other numbers written as integers when they are whole: [0, 80], not [0.0, 80.0].
json tidy_number(double v);

}  // namespace nw::io::detail
