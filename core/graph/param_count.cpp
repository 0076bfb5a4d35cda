#include "graph/param_count.h"

namespace nw::graph {

std::optional<int64_t> parameter_count(const LayerType& type, const ParamMap& complete) {
  if (!type.make) return 0;
  for (const ParamSpec& p : type.params) {
    auto it = complete.find(p.name);
    if (it == complete.end()) return std::nullopt;
    // NOTE: null is a value only for OptionalFloat (BatchNorm's momentum=None); an inferred
    // parameter is null until the shapes are known.
    if (it->second.is_null() ? p.kind != ParamKind::OptionalFloat
                             : !check_param(p, it->second).empty())
      return std::nullopt;
  }
  if (!type.count) return 0;
  try {
    return type.count(complete);
  } catch (const Error&) {                      // no whole count: groups, say
  } catch (const nlohmann::json::exception&) {  // a value of the wrong JSON type
  }
  return std::nullopt;
}

std::optional<int64_t> parameter_count(const std::string& type, const ParamMap& complete) {
  const LayerType* t = Registry::instance().find(type);
  if (!t) return std::nullopt;
  return parameter_count(*t, complete);
}

}  // namespace nw::graph
