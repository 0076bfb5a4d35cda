#pragma once
// A node's learnable parameter count from its complete parameters, by the registry entry's count
// rule: no module is built, no weight allocated, no random number drawn. The GUI asks on every
// edit, from the GUI thread, while a training worker may be drawing from the default generator.
//
//   parameter_count("Linear", {{"in_features", 784}, {"out_features", 512}, {"bias", true}})
//     -> 401920
#include <cstdint>
#include <optional>
#include <string>

#include "graph/registry.h"

namespace nw::graph {

// What `type.make(complete)->num_parameters()` would return. 0 for a type without a factory
// (Input) or without a count rule; nullopt when a declared parameter is missing, null (except an
// OptionalFloat, which may be null on purpose) or invalid, or the rule refuses the combination.
std::optional<int64_t> parameter_count(const LayerType& type, const ParamMap& complete);
// The same by registry name; nullopt for an unknown type.
std::optional<int64_t> parameter_count(const std::string& type, const ParamMap& complete);

}  // namespace nw::graph
