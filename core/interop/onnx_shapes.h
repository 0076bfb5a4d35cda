#pragma once
// Internal to the ONNX importer: shape inference (onnx_shapes.cpp).
#include <onnx/onnx_pb.h>

#include "interop/onnx_file.h"

namespace nw::interop {

OnnxValueInfo read_value_info(const onnx::ValueInfoProto& v);
// Runs ONNX's shape inference (strict, with data propagation) and fills data.values. Where
// ONNX's data propagation misses a Shape -> Gather -> Unsqueeze -> Concat chain (opset 13), works
// out that Reshape's output itself, adds it as value_info and infers again. Throws
// OnnxImportError naming the node when shapes do not match.
void infer_shapes(onnx::ModelProto& model, OnnxModelData& data);

}  // namespace nw::interop
