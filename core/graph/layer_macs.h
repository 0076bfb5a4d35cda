#pragma once
// A layer's multiply-accumulates per sample, from its analysed shapes, by the registry entry's
// rule: the summary table and a block use's totals count them the same way.
#include <cstdint>

#include "graph/analysis.h"

namespace nw::graph {

// 0 for a type without a MAC rule (activations, Input).
int64_t layer_macs(const LayerType& type, const Node& node, const NodeInfo& info);

}  // namespace nw::graph
