#include "io/project_diff.h"

#include <algorithm>

namespace nw::io {

namespace {

using json = nlohmann::json;

// Long values (a whole node added) are cut to one readable line.
std::string shown(const json& v) {
  if (v.is_null()) return "(none)";
  std::string text = v.dump();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

// A list of objects that each have a distinct string "id" (graph nodes).
bool keyed_by_id(const json& a) {
  if (!a.is_array() || a.empty()) return false;
  std::vector<std::string> ids;
  for (const json& e : a) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) return false;
    ids.push_back(e["id"].get<std::string>());
  }
  std::sort(ids.begin(), ids.end());
  return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

const json* with_id(const json& list, const std::string& id) {
  for (const json& e : list)
    if (e["id"] == id) return &e;
  return nullptr;
}

class Differ {
 public:
  std::vector<ProjectChange> changes;

  void walk(const std::string& path, const json& a, const json& b) {
    if (a == b) return;
    // A group of settings set on one side only ("params" pinned) differs key by key.
    if ((a.is_object() || a.is_null()) && (b.is_object() || b.is_null()))
      return objects(path, a.is_null() ? json::object() : a, b.is_null() ? json::object() : b);
    if (path.ends_with("edges") && a.is_array() && b.is_array()) return members(path, a, b);
    const bool ka = keyed_by_id(a) || (a.is_array() && a.empty());
    const bool kb = keyed_by_id(b) || (b.is_array() && b.empty());
    if (ka && kb && (!a.empty() || !b.empty())) return by_id(path, a, b);
    changes.push_back({path, a, b});
  }

 private:
  static std::string child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  void objects(const std::string& path, const json& a, const json& b) {
    // Canvas positions change nothing a run does.
    const bool node = a.contains("id") && a.contains("type");
    for (const auto& [key, value] : a.items()) {
      if (node && key == "pos") continue;
      const auto other = b.find(key);
      walk(child(path, key), value, other == b.end() ? json() : *other);
    }
    for (const auto& [key, value] : b.items())
      if (!a.contains(key) && !(node && key == "pos")) walk(child(path, key), json(), value);
  }

  void by_id(const std::string& path, const json& a, const json& b) {
    for (const json& e : a) {
      const std::string id = e["id"].get<std::string>();
      // A node on one side only is one change, not one per key.
      if (const json* other = with_id(b, id))
        walk(path + "[" + id + "]", e, *other);
      else
        changes.push_back({path + "[" + id + "]", e, json()});
    }
    for (const json& e : b) {
      const std::string id = e["id"].get<std::string>();
      if (!with_id(a, id)) changes.push_back({path + "[" + id + "]", json(), e});
    }
  }

  void members(const std::string& path, const json& a, const json& b) {
    for (const json& e : a)
      if (std::find(b.begin(), b.end(), e) == b.end()) changes.push_back({path, e, json(), true});
    for (const json& e : b)
      if (std::find(a.begin(), a.end(), e) == a.end()) changes.push_back({path, json(), e, true});
  }
};

}  // namespace

std::string ProjectChange::to_string() const {
  if (member) return path + ": " + (before.is_null() ? "+ " + shown(after) : "- " + shown(before));
  return path + ": " + shown(before) + " -> " + shown(after);
}

std::vector<ProjectChange> project_diff(const nlohmann::json& a, const nlohmann::json& b) {
  Differ d;
  d.walk("", a, b);
  return d.changes;
}

}  // namespace nw::io
