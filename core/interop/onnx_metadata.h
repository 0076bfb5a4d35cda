#pragma once
// Internal to the ONNX importer: Netwright's own exports carry `netwright.nodes` metadata (per
// node id: type, pinned params, trainable, label). It settles only what ONNX cannot say: which of
// the layer types with the same ONNX form a node was (Flatten / Reshape / Unflatten, Dropout /
// Dropout2d / Identity) with their params, which params were pinned, labels and trainable flags.
// Ops, attributes, weights and edges always come from the ONNX graph.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "graph/graph.h"
#include "graph/onnx_import_rule.h"
#include "interop/onnx_file.h"

namespace nw::interop {

using NodeMetadata = std::map<std::string, nlohmann::json>;

// Empty when absent; throws OnnxImportError when present but not the documented JSON.
NodeMetadata read_node_metadata(const OnnxModelData& m);
// The node made from `claim` under `id`, refined by the metadata for `id` when there is one.
graph::Node apply_metadata(const NodeMetadata& meta, const std::string& id,
                           const graph::OnnxClaim& claim, const graph::Graph& g);

}  // namespace nw::interop
