#pragma once
// Internal to the ONNX importer: node ids from ONNX names, by the id rules of graph/graph.h.
#include <string>

#include "graph/graph.h"
#include "graph/onnx_import_rule.h"
#include "interop/onnx_file.h"

namespace nw::interop {

// The ids the claims' layers get, unique in `g` and among themselves: the module path of their
// weights' initializers ("layer1.0.conv1.weight" -> "layer1.0.conv1"), else the first node's name
// as PyTorch's exporter writes scopes ("/layer1/layer1.0/relu/Relu" -> "layer1.0.relu", "/Relu_1"
// -> "relu_1") or as Netwright names nodes ("fc1"), sanitized; else the type in lower case. A
// functional op in a module's scope ("/layer1/layer1.0/Add") gets the op's name after the path
// ("layer1.0.add"), since the path names a module whose layers are nodes of their own.
std::vector<std::string> claim_ids(const std::vector<graph::OnnxClaim>& claims,
                                   const OnnxModelData& model, const graph::Graph& g);
// `name` made a valid id ("input.1" -> "input.1", "/x:0" -> "x_0"), unique in `g`.
std::string sanitized_id(const std::string& name, const std::string& fallback,
                         const graph::Graph& g);

}  // namespace nw::interop
