#include "io/json_fields.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace nw::io::detail {

std::string child(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

std::string item(const std::string& where, size_t index) {
  return where + "[" + std::to_string(index) + "]";
}

std::string shown(const json& v) {
  std::string text = v.dump();
  // A whole sub-object in a one-line message hides the point; the location says where it is.
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::string in_quotes(const std::string& text) {
  return "\"" + text + "\"";
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Optimal string alignment distance: Levenshtein plus swapping two neighbours ("lable"), the
// commonest typo.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::vector<std::string> close_names(const std::string& name,
                                     const std::vector<std::string>& candidates) {
  std::vector<std::pair<size_t, std::string>> scored;
  const std::string n = lower(name);
  for (const std::string& c : candidates) {
    const std::string l = lower(c);
    const size_t d = edit_distance(n, l);
    // Close spellings, and names the user shortened ("CrossEntropy" for "CrossEntropyLoss").
    if (d <= std::max<size_t>(1, std::min<size_t>(3, n.size() / 3)) ||
        (n.size() >= 3 && l.find(n) != std::string::npos))
      scored.emplace_back(d, c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

std::string suggestion(const std::string& name, const std::vector<std::string>& candidates,
                       const std::string& known_label) {
  const std::vector<std::string> close = close_names(name, candidates);
  if (!close.empty()) return "; did you mean " + in_quotes(close.front()) + "?";
  return "; " + known_label + ": " + join(candidates);
}

bool is_integer(const json& v) {
  if (!v.is_number()) return false;
  // Beyond 9e15 a double no longer holds every integer, and an unsigned value above 2^63 would
  // wrap to a negative int64: no setting needs such numbers.
  const double d = v.get<double>();
  if (v.is_number_integer()) return std::fabs(d) < 9e15;
  return std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15;
}

namespace {

std::string int_wanted(int64_t min) {
  if (min == 1) return "a positive integer";
  if (min == 0) return "a non-negative integer";
  return "an integer >= " + std::to_string(min);
}

std::string number_wanted(double min, double max) {
  std::ostringstream os;
  os << "a number";
  const bool has_min = min > -1e300, has_max = max < 1e300;
  if (has_min && has_max)
    os << " in [" << min << ", " << max << "]";
  else if (has_min && min == 0)
    os << " >= 0";
  else if (has_min)
    os << " >= " << min;
  else if (has_max)
    os << " <= " << max;
  return os.str();
}

}  // namespace

std::optional<int64_t> read_int(const json* v, const std::string& where, int64_t min,
                                std::vector<Problem>& problems) {
  if (!v) return std::nullopt;
  if (!is_integer(*v) || v->get<double>() < double(min)) {
    problems.push_back({where, "expected " + int_wanted(min) + ", got " + shown(*v)});
    return std::nullopt;
  }
  return v->is_number_integer() ? v->get<int64_t>() : int64_t(v->get<double>());
}

std::optional<double> read_number(const json* v, const std::string& where, double min, double max,
                                  std::vector<Problem>& problems) {
  if (!v) return std::nullopt;
  if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < min ||
      v->get<double>() > max) {
    problems.push_back({where, "expected " + number_wanted(min, max) + ", got " + shown(*v)});
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<bool> read_bool(const json* v, const std::string& where,
                              std::vector<Problem>& problems) {
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    problems.push_back({where, "expected true or false, got " + shown(*v)});
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> read_string(const json* v, const std::string& where,
                                       std::vector<Problem>& problems) {
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    problems.push_back({where, "expected a string, got " + shown(*v)});
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::string> read_choice(const json* v, const std::string& where,
                                       const std::vector<std::string>& choices,
                                       std::vector<Problem>& problems) {
  if (!v) return std::nullopt;
  if (v->is_string() &&
      std::find(choices.begin(), choices.end(), v->get<std::string>()) != choices.end())
    return v->get<std::string>();
  std::vector<std::string> q;
  for (const std::string& c : choices) q.push_back(in_quotes(c));
  problems.push_back({where, "expected one of " + join(q) + ", got " + shown(*v)});
  return std::nullopt;
}

// ---- objects

ObjectReader::ObjectReader(const json& j, std::string where, std::vector<Problem>& problems,
                           const std::string& example)
    : obj_(&j), where_(std::move(where)), problems_(problems), ok_(j.is_object()) {
  if (!ok_)
    problems_.push_back({where_, "expected an object such as " + example + ", got " + shown(j)});
}

const json* ObjectReader::take(const std::string& key) {
  if (!ok_) return nullptr;
  taken_.push_back(key);
  auto it = obj_->find(key);
  return it == obj_->end() ? nullptr : &*it;
}

const json* ObjectReader::require(const std::string& key, const std::string& hint) {
  const json* v = take(key);
  if (!v && ok_) problems_.push_back({at(key), "missing; " + hint});
  return v;
}

json ObjectReader::unknown() const {
  json out = json::object();
  if (!ok_) return out;
  for (auto it = obj_->begin(); it != obj_->end(); ++it)
    if (std::find(taken_.begin(), taken_.end(), it.key()) == taken_.end())
      out[it.key()] = it.value();
  return out;
}

void ObjectReader::refuse_unknown(const std::string& owner, const std::vector<std::string>& known) {
  const json rest = unknown();
  for (auto it = rest.begin(); it != rest.end(); ++it)
    problems_.push_back(
        {at(it.key()), "unknown key for " + owner + suggestion(it.key(), known, "its keys are")});
}

// ---- output

ordered_json ordered(const json& j, const std::vector<std::string>& first) {
  if (!j.is_object()) return ordered_json(j);
  ordered_json out = ordered_json::object();
  for (const std::string& k : first)
    if (j.contains(k)) out[k] = ordered_json(j.at(k));
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!out.contains(it.key())) out[it.key()] = ordered_json(it.value());
  return out;
}

namespace {

int depth(const ordered_json& j) {
  if (!j.is_structured()) return 0;
  int d = 0;
  for (const auto& e : j) d = std::max(d, depth(e));
  return d + 1;
}

// One line with ", " and ": " between items, as Python's json.dumps writes by default.
std::string one_line(const ordered_json& j) {
  if (j.is_object()) {
    std::string out = "{";
    for (auto it = j.begin(); it != j.end(); ++it)
      out += (it == j.begin() ? "" : ", ") + ordered_json(it.key()).dump() + ": " + one_line(*it);
    return out + "}";
  }
  if (j.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + one_line(j[i]);
    return out + "]";
  }
  return j.dump();
}

void write_pretty(const ordered_json& j, size_t indent, size_t column, std::string& out) {
  if (!j.is_structured() || j.empty()) {
    out += one_line(j);
    return;
  }
  if (depth(j) <= 2) {
    const std::string line = one_line(j);
    if (column + line.size() <= 100) {
      out += line;
      return;
    }
  }
  const std::string pad(indent + 2, ' ');
  out += j.is_object() ? "{\n" : "[\n";
  bool first = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!first) out += ",\n";
    first = false;
    out += pad;
    size_t col = pad.size();
    if (j.is_object()) {
      const std::string key = ordered_json(it.key()).dump() + ": ";
      out += key;
      col += key.size();
    }
    write_pretty(*it, indent + 2, col, out);
  }
  out += "\n" + std::string(indent, ' ') + (j.is_object() ? "}" : "]");
}

}  // namespace

std::string pretty(const ordered_json& j) {
  std::string out;
  write_pretty(j, 0, 0, out);
  return out;
}

json tidy_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9e15) return int64_t(v);
  return v;
}

}  // namespace nw::io::detail
