#include "io/kwargs.h"

#include <cmath>
#include <sstream>

#include "io/json_fields.h"

namespace nw::io::detail {

namespace {

bool in_range(const ArgSpec& a, double v) {
  return std::isfinite(v) && v >= a.min && v <= a.max;
}

std::string range_text(const ArgSpec& a) {
  std::ostringstream os;
  const bool lo = std::isfinite(a.min), hi = std::isfinite(a.max);
  if (lo && hi)
    os << " in [" << a.min << ", " << a.max << "]";
  else if (lo)
    os << " >= " << a.min;
  else if (hi)
    os << " <= " << a.max;
  return os.str();
}

bool all_of(const json& v, bool (*ok)(const json&), const ArgSpec& a) {
  if (!v.is_array() || v.empty()) return false;
  for (const json& e : v)
    if (!ok(e) || !in_range(a, e.get<double>())) return false;
  return true;
}

bool is_number(const json& v) {
  return v.is_number();
}
bool is_whole(const json& v) {
  return is_integer(v);
}

// Empty when the value fits the argument, else what was expected.
std::string check_value(const ArgSpec& a, const json& v) {
  switch (a.kind) {
    case ArgKind::Number:
      return v.is_number() && in_range(a, v.get<double>()) ? "" : "a number" + range_text(a);
    case ArgKind::Int:
      return is_integer(v) && in_range(a, v.get<double>()) ? "" : "an integer" + range_text(a);
    case ArgKind::Flag:
      return v.is_boolean() ? "" : "true or false";
    case ArgKind::Word: {
      if (v.is_string())
        for (const std::string& w : a.words)
          if (w == v.get<std::string>()) return "";
      std::vector<std::string> q;
      for (const std::string& w : a.words) q.push_back(in_quotes(w));
      return "one of " + join(q);
    }
    case ArgKind::Numbers:  // [] is PyTorch's None: no per-class weights
      if (v.is_array() && v.empty()) return "";
      return all_of(v, is_number, a) ? "" : "a list of numbers" + range_text(a);
    case ArgKind::Ints:
      return all_of(v, is_whole, a) ? "" : "a list of integers" + range_text(a);
    case ArgKind::NumberOrNumbers:
      if (v.is_number() && in_range(a, v.get<double>())) return "";
      return all_of(v, is_number, a) ? "" : "a number" + range_text(a) + " or a list of them";
    case ArgKind::IntOrPair:
      if (is_integer(v) && in_range(a, v.get<double>())) return "";
      return v.size() == 2 && all_of(v, is_whole, a)
                 ? ""
                 : "an integer" + range_text(a) + " or a pair of them";
  }
  return "";
}

std::vector<std::string> names_of(const std::vector<KwargsType>& types) {
  std::vector<std::string> out;
  for (const KwargsType& t : types) out.push_back(t.name);
  return out;
}

}  // namespace

const KwargsType* check_kwargs(const json& spec, const std::string& where, const std::string& what,
                               const std::vector<KwargsType>& types,
                               std::vector<Problem>& problems) {
  const std::string example = "{\"type\": \"" + types.front().name + "\"}";
  if (!spec.is_object()) {
    problems.push_back({where, "expected an object such as " + example + ", got " + shown(spec)});
    return nullptr;
  }
  auto t = spec.find("type");
  if (t == spec.end()) {
    problems.push_back(
        {child(where, "type"), "missing; name the " + what + ", one of " + join(names_of(types))});
    return nullptr;
  }
  if (!t->is_string()) {
    problems.push_back({child(where, "type"), "expected the name of a " + what + " such as " +
                                                  in_quotes(types.front().name) + ", got " +
                                                  shown(*t)});
    return nullptr;
  }
  const std::string name = t->get<std::string>();
  const KwargsType* type = nullptr;
  for (const KwargsType& k : types)
    if (k.name == name) type = &k;
  if (!type) {
    problems.push_back(
        {child(where, "type"), "unknown " + what + " " + in_quotes(name) +
                                   suggestion(name, names_of(types), "known ones are")});
    return nullptr;
  }
  std::vector<std::string> arg_names;
  for (const ArgSpec& a : type->args) arg_names.push_back(a.name);
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    if (it.key() == "type") continue;
    const std::string at = child(where, it.key());
    const ArgSpec* arg = nullptr;
    for (const ArgSpec& a : type->args)
      if (a.name == it.key()) arg = &a;
    if (!arg) {
      problems.push_back(
          {at, name + " has no argument '" + it.key() + "'" +
                   (arg_names.empty() ? std::string("; it takes none")
                                      : suggestion(it.key(), arg_names, "its arguments are"))});
      continue;
    }
    const std::string wanted = check_value(*arg, it.value());
    if (!wanted.empty())
      problems.push_back({at, "expected " + wanted + ", got " + shown(it.value())});
  }
  for (const ArgSpec& a : type->args)
    if (a.required && !spec.contains(a.name))
      problems.push_back({child(where, a.name), "missing; " + name + " needs " + a.name});
  return type;
}

double number_or(const json& spec, const std::string& key, double fallback) {
  auto it = spec.find(key);
  return it == spec.end() ? fallback : it->get<double>();
}

int64_t int_or(const json& spec, const std::string& key, int64_t fallback) {
  auto it = spec.find(key);
  return it == spec.end() ? fallback : int64_t(std::llround(it->get<double>()));
}

bool flag_or(const json& spec, const std::string& key, bool fallback) {
  auto it = spec.find(key);
  return it == spec.end() ? fallback : it->get<bool>();
}

std::string word_or(const json& spec, const std::string& key, const std::string& fallback) {
  auto it = spec.find(key);
  return it == spec.end() ? fallback : it->get<std::string>();
}

std::vector<double> numbers_or(const json& spec, const std::string& key,
                               std::vector<double> fallback) {
  auto it = spec.find(key);
  if (it == spec.end()) return fallback;
  if (it->is_number()) return {it->get<double>()};
  std::vector<double> out;
  for (const json& e : *it) out.push_back(e.get<double>());
  return out;
}

std::vector<int64_t> ints_or(const json& spec, const std::string& key,
                             std::vector<int64_t> fallback) {
  auto it = spec.find(key);
  if (it == spec.end()) return fallback;
  std::vector<int64_t> out;
  for (const json& e : *it) out.push_back(int64_t(std::llround(e.get<double>())));
  return out;
}

void throw_problems(std::vector<Problem> problems, const std::string& file) {
  throw ProjectError(file, std::move(problems));
}

Problem problem_from_error(const std::string& where, const std::string& message) {
  const size_t colon = message.find(": ");
  // Only a short owner prefix ("SGD parameter group 0", "StepLR") is dropped; the location
  // replaces it.
  if (colon != std::string::npos && colon < 40) return {where, message.substr(colon + 2)};
  return {where, message};
}

}  // namespace nw::io::detail
