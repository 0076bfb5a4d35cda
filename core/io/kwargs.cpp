#include "io/kwargs.h"

#include <cmath>

#include "io/json_fields.h"

namespace nw::io::detail {

namespace {

std::vector<std::string> names_of(const std::vector<const catalog::EntryInfo*>& entries) {
  std::vector<std::string> out;
  for (const catalog::EntryInfo* e : entries) out.push_back(e->name);
  return out;
}

}  // namespace

const catalog::EntryInfo* check_kwargs(const json& spec, const std::string& where,
                                       const std::string& what,
                                       const std::vector<const catalog::EntryInfo*>& entries,
                                       std::vector<Problem>& problems) {
  const std::vector<std::string> names = names_of(entries);
  const std::string example = "{\"type\": \"" + names.front() + "\"}";
  if (!spec.is_object()) {
    problems.push_back({where, "expected an object such as " + example + ", got " + shown(spec)});
    return nullptr;
  }
  auto t = spec.find("type");
  if (t == spec.end()) {
    problems.push_back(
        {child(where, "type"), "missing; name the " + what + ", one of " + join(names)});
    return nullptr;
  }
  if (!t->is_string()) {
    problems.push_back({child(where, "type"), "expected the name of a " + what + " such as " +
                                                  in_quotes(names.front()) + ", got " + shown(*t)});
    return nullptr;
  }
  const std::string name = t->get<std::string>();
  const catalog::EntryInfo* type = nullptr;
  for (const catalog::EntryInfo* e : entries)
    if (e->name == name) type = e;
  if (!type) {
    problems.push_back({child(where, "type"), "unknown " + what + " " + in_quotes(name) +
                                                  suggestion(name, names, "known ones are")});
    return nullptr;
  }
  std::vector<std::string> arg_names;
  for (const catalog::ArgSpec& a : type->args) arg_names.push_back(a.name);
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    if (it.key() == "type") continue;
    const std::string at = child(where, it.key());
    const catalog::ArgSpec* arg = type->arg(it.key());
    if (!arg) {
      problems.push_back(
          {at, name + " has no argument '" + it.key() + "'" +
                   (arg_names.empty() ? std::string("; it takes none")
                                      : suggestion(it.key(), arg_names, "its arguments are"))});
      continue;
    }
    if (std::string wrong = catalog::check_arg(*arg, it.value()); !wrong.empty())
      problems.push_back({at, wrong});
  }
  for (const catalog::ArgSpec& a : type->args)
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
