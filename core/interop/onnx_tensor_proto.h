#pragma once
// Internal to the ONNX importer: one TensorProto (an initializer or a Constant's value) decoded
// into an OnnxConstant, with its external data read from beside the model file.
#include <filesystem>
#include <string>

#include "graph/onnx_import_rule.h"

namespace onnx {
class TensorProto;
}

namespace nw::interop {

// float32/float64 become floats, int64/int32/bool ints. Throws OnnxImportError naming `what` on
// another element type, absurd or negative dims, a data size that does not match the dims, and
// external data that is missing or short.
graph::OnnxConstant read_tensor_proto(const onnx::TensorProto& t, const std::filesystem::path& file,
                                      const std::string& what);

}  // namespace nw::interop
