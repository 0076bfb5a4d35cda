#pragma once
// The nn.Module class of a generated PyTorch script (torch_code.h): __init__ builds each node's
// submodule under its id (ids with dots nest in nn.ModuleDict containers, as torchvision's
// Sequential blocks do, so "layer1.0.conv1.weight" is the same key in both), and forward() runs
// the nodes in topological order, one variable per output. Each block the graph uses is a class
// of its own before it (torch_blocks.h), and a use is an instance of it under the use's id.
#include <set>
#include <string>

#include "graph/analysis.h"

namespace nw::interop {

// Throws nw::Error naming the node whose type has no PyTorch rule, or whose id PyTorch cannot
// take as a submodule name. `analysis` must be free of errors.
// `reserved`: the script's other global names, which the blocks' class names avoid.
std::string torch_net_class(const graph::Graph& graph, const graph::Analysis& analysis,
                            const std::string& class_name,
                            const std::set<std::string>& reserved = {});

}  // namespace nw::interop
