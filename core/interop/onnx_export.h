#pragma once
// A project's network with its weights as an ONNX model (opset 17, IR version 8): each node
// written by its layer type's export rule (graph/onnx_export_rule.h), weights as initializers
// named by their checkpoint keys, the batch dimension symbolic ("N"), graph inputs and the output
// named after the Input and output node ids, and `metadata_props` "netwright.nodes" holding what
// ONNX cannot say (each node's type, pinned parameters, trainable flag and label). A project with
// blocks is written as it runs, expanded: the layers inside a use are named "<use>.<inner id>"
// ("layer1.0.conv1", the use as a node-name prefix), and an import gives the flat project. Every
// model passes onnx::checker and strict shape inference before it is written.
//
//   export_onnx(project, io::read_checkpoint("best.h5").model, "net.onnx");
#include <filesystem>
#include <string>

#include "io/project.h"
#include "nn/module.h"

namespace nw::interop {

// The serialized ModelProto. Throws nw::Error naming the node and the fix: an invalid graph, a
// weight that is missing or does not fit, a layer type or parameter ONNX cannot express.
std::string onnx_model_bytes(const io::Project& project, const nn::StateDict& weights);

// Writes onnx_model_bytes atomically: `out` is either untouched or the whole model.
void export_onnx(const io::Project& project, const nn::StateDict& weights,
                 const std::filesystem::path& out);

}  // namespace nw::interop
