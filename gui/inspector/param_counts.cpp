#include "inspector/param_counts.h"

#include <map>

namespace nw::gui {

std::optional<int64_t> parameter_count(const std::string& type, const graph::ParamMap& complete) {
  const graph::LayerType* t = graph::Registry::instance().find(type);
  if (!t || !t->make) return std::nullopt;
  for (const graph::ParamSpec& p : t->params) {
    auto it = complete.find(p.name);
    if (it == complete.end()) return std::nullopt;
    // OptionalFloat may be null on purpose (BatchNorm's momentum=None); others may not.
    if (it->second.is_null() && p.kind != graph::ParamKind::OptionalFloat) return std::nullopt;
  }
  // Only the GUI thread asks. Kept small: the inspector shows one node at a time, and an entry
  // is made again quickly when it is needed again.
  static std::map<std::string, std::optional<int64_t>> cache;
  const std::string key = type + graph::ParamValue(complete).dump();
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() > 256) cache.clear();
  std::optional<int64_t> count;
  try {
    count = t->make(complete)->num_parameters();
  } catch (const std::exception&) {
    // Parameters the factory refuses are reported by the analysis; no count to show.
  }
  cache.emplace(key, count);
  return count;
}

}  // namespace nw::gui
