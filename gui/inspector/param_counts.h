#pragma once
// A node's learnable parameter count, for the inspector. Compiling a one-node graph would do,
// but is heavy; building the node's module from its complete parameters (as the analysis
// filled them in) and asking it is cheap, and the result is cached per type and parameters.
#include <cstdint>
#include <optional>
#include <string>

#include "graph/registry.h"

namespace nw::gui {

// The number of parameters of a `type` module built from `complete` parameters; nullopt when
// the type has no module (Input) or the parameters are not complete (shapes unknown).
std::optional<int64_t> parameter_count(const std::string& type, const graph::ParamMap& complete);

}  // namespace nw::gui
