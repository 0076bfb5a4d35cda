#include "graph/registry.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "catalog/entry.h"
#include "graph/builtin_layers.h"

namespace nw::graph {

std::string format_shape(const SampleShape& s) {
  std::string out = "(N";
  for (int64_t d : s) out += ", " + std::to_string(d);
  return out + ")";
}

const std::vector<std::string>& categories() {
  static const std::vector<std::string> c = {
      "Input",     "Linear",     "Convolution",    "Pooling", "Normalization",
      "Recurrent", "Activation", "Regularization", "Shape",   "Merge"};
  return c;
}

const ParamSpec* LayerType::param(const std::string& n) const {
  for (const ParamSpec& p : params)
    if (p.name == n) return &p;
  return nullptr;
}

// ---- values

namespace {

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
    return "expected " + catalog::expected_text(s) + " of at most 2147483647, got " +
           catalog::shown(v);
  return catalog::check_arg(s, v);
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
  if (find(type.name))
    throw Error("Registry::add: layer type '" + type.name + "' is already registered");
  if (std::find(categories().begin(), categories().end(), type.category) == categories().end())
    throw Error("Registry::add: '" + type.name + "' has unknown category '" + type.category + "'");
  if (!type.shape) throw Error("Registry::add: '" + type.name + "' has no shape rule");
  if (type.outputs.empty()) throw Error("Registry::add: '" + type.name + "' has no output port");
  for (const ParamSpec& p : type.params)
    if (p.kind > ParamKind::Padding)  // the inspector has editors for the layer kinds only
      throw Error("Registry::add: '" + type.name + "." + p.name + "' is a " + to_string(p.kind) +
                  "; layer parameters are int, float, bool, choice, int or pair, list of int, "
                  "float or null, or padding");
  for (const ParamSpec& p : type.params)
    if (!p.default_value.is_null() && !check_param(p, p.default_value).empty())
      throw Error("Registry::add: '" + type.name + "." + p.name +
                  "' default is invalid: " + check_param(p, p.default_value));
  // Without a default, a parameter must be set unless the shape rule infers it (or null is a
  // value of its own, as BatchNorm's momentum).
  for (ParamSpec& p : type.params)
    p.required = p.default_value.is_null() && !p.inferred && p.kind != ParamKind::OptionalFloat;
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

std::vector<std::string> Registry::suggest(const std::string& name) const {
  return catalog::close_names(name, names());
}

}  // namespace nw::graph
