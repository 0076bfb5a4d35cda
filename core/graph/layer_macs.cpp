#include "graph/layer_macs.h"

namespace nw::graph {

int64_t layer_macs(const LayerType& type, const Node& node, const NodeInfo& info) {
  if (!type.macs) return 0;
  ShapeContext ctx;
  ctx.inputs = info.inputs;
  ctx.params = info.params;
  // The rule tells a value the user pinned from one it inferred (Conv's in_channels).
  for (const auto& [name, _] : node.params) ctx.pinned.push_back(name);
  return type.macs(ctx, info.outputs);
}

}  // namespace nw::graph
