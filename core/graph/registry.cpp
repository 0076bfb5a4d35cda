#include "graph/registry.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "graph/builtin_layers.h"

namespace nw::graph {

const char* to_string(ParamKind kind) {
  switch (kind) {
    case ParamKind::Int: return "int";
    case ParamKind::Float: return "float";
    case ParamKind::Bool: return "bool";
    case ParamKind::Choice: return "choice";
    case ParamKind::IntPair: return "int or pair";
    case ParamKind::IntList: return "list of int";
    case ParamKind::OptionalFloat: return "float or null";
    case ParamKind::Padding: return "int, pair or word";
  }
  return "?";
}

std::string format_shape(const SampleShape& s) {
  std::string out = "(N";
  for (int64_t d : s) out += ", " + std::to_string(d);
  return out + ")";
}

const std::vector<std::string>& categories() {
  static const std::vector<std::string> c = {"Input",         "Linear",    "Convolution",
                                             "Pooling",       "Normalization", "Recurrent",
                                             "Activation",    "Regularization", "Shape",
                                             "Merge"};
  return c;
}

const ParamSpec* LayerType::param(const std::string& n) const {
  for (const ParamSpec& p : params)
    if (p.name == n) return &p;
  return nullptr;
}

// ---- values

namespace {

bool is_integer(const ParamValue& v) {
  if (v.is_number_integer()) return true;
  // 3.0 written by a tool that only knows doubles is still an integer.
  return v.is_number_float() && std::isfinite(v.get<double>()) &&
         v.get<double>() == std::floor(v.get<double>()) && std::fabs(v.get<double>()) < 9e15;
}

std::string range_text(const ParamSpec& s) {
  const bool has_min = s.min > -1e299, has_max = s.max < 1e299;
  std::ostringstream os;
  if (has_min && has_max) os << " in [" << s.min << ", " << s.max << "]";
  else if (has_min) os << " >= " << s.min;
  else if (has_max) os << " <= " << s.max;
  return os.str();
}

std::string int_wanted(const ParamSpec& s) {
  if (s.min == 1 && s.max > 1e299) return "a positive integer";
  if (s.min == 0 && s.max > 1e299) return "a non-negative integer";
  return "an integer" + range_text(s);
}

std::string ints_wanted(const ParamSpec& s) {  // the plural, for lists
  if (s.min == 1 && s.max > 1e299) return "positive integers";
  if (s.min == 0 && s.max > 1e299) return "non-negative integers";
  return "integers" + range_text(s);
}

bool in_range(const ParamSpec& s, double v) { return v >= s.min && v <= s.max; }

std::string got(const ParamValue& v) { return "got " + v.dump(); }

std::string check_int(const ParamSpec& s, const ParamValue& v) {
  if (!is_integer(v) || !in_range(s, v.get<double>())) return "expected " + int_wanted(s) + ", " + got(v);
  return {};
}

std::string check_pair(const ParamSpec& s, const ParamValue& v) {
  const std::string want = "expected " + int_wanted(s) + " or a pair of them, " + got(v);
  if (is_integer(v)) return in_range(s, v.get<double>()) ? std::string() : want;
  if (!v.is_array() || v.size() != 2) return want;
  for (const auto& e : v)
    if (!is_integer(e) || !in_range(s, e.get<double>())) return want;
  return {};
}

// Integer parameters are sizes, counts, dims and indices; beyond 2^31 - 1 they are mistakes
// (18446744073709551615 would wrap to -1), and the shape and parameter-count rules multiply them,
// which must not overflow int64.
constexpr double kMaxIntParam = 2147483647.0;

bool beyond_int_limit(const ParamValue& v) {
  if (v.is_array()) {
    for (const auto& e : v)
      if (beyond_int_limit(e)) return true;
    return false;
  }
  return v.is_number() && std::fabs(v.get<double>()) > kMaxIntParam;
}

}  // namespace

std::string check_param(const ParamSpec& s, const ParamValue& v) {
  const bool integers = s.kind == ParamKind::Int || s.kind == ParamKind::IntPair ||
                        s.kind == ParamKind::Padding || s.kind == ParamKind::IntList;
  if (integers && beyond_int_limit(v))
    return "expected " + (s.kind == ParamKind::Int ? int_wanted(s) : ints_wanted(s)) +
           " of at most 2147483647, " + got(v);
  switch (s.kind) {
    case ParamKind::Int: return check_int(s, v);
    case ParamKind::Float:
      if (!v.is_number() || !std::isfinite(v.get<double>()) || !in_range(s, v.get<double>()))
        return "expected a number" + range_text(s) + ", " + got(v);
      return {};
    case ParamKind::OptionalFloat:
      if (v.is_null()) return {};
      if (!v.is_number() || !std::isfinite(v.get<double>()) || !in_range(s, v.get<double>()))
        return "expected a number" + range_text(s) + " or null, " + got(v);
      return {};
    case ParamKind::Bool:
      if (!v.is_boolean()) return "expected true or false, " + got(v);
      return {};
    case ParamKind::Choice: {
      if (v.is_string() &&
          std::find(s.choices.begin(), s.choices.end(), v.get<std::string>()) != s.choices.end())
        return {};
      std::string list;
      for (const auto& c : s.choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
      return "expected one of " + list + ", " + got(v);
    }
    case ParamKind::IntPair: return check_pair(s, v);
    case ParamKind::Padding:
      if (v.is_string()) {
        if (std::find(s.choices.begin(), s.choices.end(), v.get<std::string>()) != s.choices.end())
          return {};
        std::string list;
        for (const auto& c : s.choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
        return "expected " + int_wanted(s) + ", a pair, or one of " + list + ", " + got(v);
      }
      return check_pair(s, v);
    case ParamKind::IntList: {
      const std::string want = "expected a list of " + ints_wanted(s) + ", " + got(v);
      if (!v.is_array() || v.empty()) return want;
      for (const auto& e : v)
        if (!is_integer(e) || !in_range(s, e.get<double>())) return want;
      return {};
    }
  }
  return {};
}

// ---- the shape context

bool ShapeContext::is_pinned(const std::string& name) const {
  return std::find(pinned.begin(), pinned.end(), name) != pinned.end();
}

namespace {
const ParamValue& value_of(const ParamMap& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end() || it->second.is_null())
    throw ShapeRuleError("parameter '" + name + "' has no value; set it in the inspector");
  return it->second;
}
}  // namespace

int64_t ShapeContext::get_int(const std::string& name) const {
  return static_cast<int64_t>(value_of(params, name).get<double>());
}
double ShapeContext::get_float(const std::string& name) const {
  return value_of(params, name).get<double>();
}
bool ShapeContext::get_bool(const std::string& name) const {
  return value_of(params, name).get<bool>();
}
std::string ShapeContext::get_string(const std::string& name) const {
  const ParamValue& v = value_of(params, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}
std::pair<int64_t, int64_t> ShapeContext::get_pair(const std::string& name) const {
  const ParamValue& v = value_of(params, name);
  if (v.is_array())
    return {static_cast<int64_t>(v[0].get<double>()), static_cast<int64_t>(v[1].get<double>())};
  const auto n = static_cast<int64_t>(v.get<double>());
  return {n, n};
}
std::vector<int64_t> ShapeContext::get_list(const std::string& name) const {
  std::vector<int64_t> out;
  for (const auto& e : value_of(params, name)) out.push_back(static_cast<int64_t>(e.get<double>()));
  return out;
}

void ShapeContext::infer(const std::string& name, int64_t value, const std::string& what) {
  if (is_pinned(name)) {
    const int64_t set = get_int(name);
    if (set != value)
      throw ShapeRuleError(name + " is set to " + std::to_string(set) + ", but the input has " +
                               std::to_string(value) + " " + what + "; set " + name + " to " +
                               std::to_string(value) + " or clear it to infer it",
                           0);
    return;
  }
  params[name] = value;
}

// ---- the registry

Registry& Registry::instance() {
  static Registry* registry = [] {
    auto* r = new Registry();
    register_builtin_layers(*r);
    return r;
  }();
  return *registry;
}

void Registry::add(LayerType type) {
  if (type.name.empty()) throw Error("Registry::add: a layer type needs a name");
  if (find(type.name)) throw Error("Registry::add: layer type '" + type.name + "' is already registered");
  if (std::find(categories().begin(), categories().end(), type.category) == categories().end())
    throw Error("Registry::add: '" + type.name + "' has unknown category '" + type.category + "'");
  if (!type.shape) throw Error("Registry::add: '" + type.name + "' has no shape rule");
  if (type.outputs.empty()) throw Error("Registry::add: '" + type.name + "' has no output port");
  for (const ParamSpec& p : type.params)
    if (!p.default_value.is_null() && !check_param(p, p.default_value).empty())
      throw Error("Registry::add: '" + type.name + "." + p.name + "' default is invalid: " +
                  check_param(p, p.default_value));
  types_.push_back(std::move(type));
}

const LayerType* Registry::find(const std::string& name) const {
  for (const LayerType& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const LayerType& t : types_) out.push_back(t.name);
  return out;
}

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::vector<std::string> Registry::suggest(const std::string& name) const {
  std::vector<std::pair<size_t, std::string>> scored;
  const std::string n = lower(name);
  for (const LayerType& t : types_) {
    const std::string l = lower(t.name);
    const size_t d = edit_distance(n, l);
    if (d <= std::max<size_t>(2, n.size() / 3) || l.find(n) != std::string::npos ||
        (!l.empty() && n.find(l) != std::string::npos))
      scored.emplace_back(d, t.name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace nw::graph
