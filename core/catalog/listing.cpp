#include "catalog/listing.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace nw::catalog {

using json = nlohmann::json;

namespace {

std::string range_of(const ArgSpec& a) {
  std::ostringstream os;
  if (std::isfinite(a.min) && std::isfinite(a.max))
    os << " in [" << a.min << ", " << a.max << "]";
  else if (std::isfinite(a.min))
    os << " >= " << a.min;
  else if (std::isfinite(a.max))
    os << " <= " << a.max;
  return os.str();
}

}  // namespace

std::string arg_line(const ArgSpec& a) {
  std::string s = a.name + ": " + to_string(a.kind) + range_of(a);
  if (!a.choices.empty()) {
    s += " (";
    for (size_t i = 0; i < a.choices.size(); ++i) s += (i ? ", " : "") + a.choices[i];
    s += ")";
  }
  if (a.inferred)
    s += ", inferred from the input";
  else if (!a.default_value.is_null())
    s += " = " + a.default_value.dump();
  else if (a.required)
    s += ", required";
  else if (!a.placeholder.empty())
    s += ", optional (empty: " + a.placeholder + ")";
  else
    s += ", optional";
  if (a.required && !a.starter.is_null()) s += " (starts at " + a.starter.dump() + ")";
  return s;
}

json to_json(const ArgSpec& a) {
  json out = {{"name", a.name},         {"kind", to_string(a.kind)}, {"default", a.default_value},
              {"required", a.required}, {"inferred", a.inferred},    {"help", a.description}};
  if (std::isfinite(a.min)) out["min"] = a.min;
  if (std::isfinite(a.max)) out["max"] = a.max;
  if (!a.choices.empty()) out["choices"] = a.choices;
  if (!a.starter.is_null()) out["starter"] = a.starter;
  if (!a.label.empty()) out["label"] = a.label;
  if (!a.placeholder.empty()) out["placeholder"] = a.placeholder;
  if (a.path != PathKind::None) out["path"] = a.path == PathKind::File ? "file" : "folder";
  if (!a.filter.empty()) out["filter"] = a.filter;
  return out;
}

json to_json(const EntryInfo& e) {
  json args = json::array();
  for (const ArgSpec& a : e.args) args.push_back(to_json(a));
  return {
      {"name", e.name}, {"category", e.category}, {"description", e.description}, {"args", args}};
}

std::string format_entries(const std::vector<EntryInfo>& entries, const std::string& indent) {
  std::vector<std::string> categories;
  for (const EntryInfo& e : entries)
    if (std::find(categories.begin(), categories.end(), e.category) == categories.end())
      categories.push_back(e.category);
  std::ostringstream os;
  for (const std::string& c : categories) {
    os << indent << c << "\n";
    for (const EntryInfo& e : entries) {
      if (e.category != c) continue;
      os << indent << "  " << e.name << ": " << e.description << "\n";
      for (const ArgSpec& a : e.args) os << indent << "      " << arg_line(a) << "\n";
    }
  }
  return os.str();
}

}  // namespace nw::catalog
