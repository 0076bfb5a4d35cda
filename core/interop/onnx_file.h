#pragma once
// Internal to the ONNX importer: a model file read, checked and shape-inferred into plain structs
// (no protobuf beyond onnx_file.cpp). Every problem is an OnnxImportError naming the file, the
// node or value concerned, and the fix.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "graph/onnx_import_rule.h"

namespace nw::interop {

struct OnnxImportError : Error {
  using Error::Error;
};

// The default domain's opsets the importer reads: what PyTorch's exporter writes by default
// (13 .. 17).
inline constexpr int64_t kOnnxMinOpset = 13;
inline constexpr int64_t kOnnxMaxOpset = 17;
// Larger files are refused before they are read (2 GiB is protobuf's own limit).
inline constexpr std::uintmax_t kOnnxMaxFileBytes = std::uintmax_t(2) << 30;

struct OnnxValueInfo {
  std::string name;
  std::vector<int64_t> shape;  // -1 for a symbolic dimension
  bool known = false;          // whether the rank is known
  bool is_int = false;         // int64/int32 element type (Embedding indices)
};

struct OnnxModelData {
  std::filesystem::path file;
  int64_t opset = 0;
  std::string producer;                                  // "pytorch 2.15.0"
  std::vector<graph::OnnxNode> nodes;                    // topological order
  std::map<std::string, graph::OnnxConstant> constants;  // initializers and Constant outputs
  std::vector<OnnxValueInfo> inputs;                     // graph inputs that are not initializers
  std::vector<std::string> outputs;                      // graph output names
  std::map<std::string, OnnxValueInfo> values;           // inferred shapes of every known value
  std::string netwright_nodes;  // metadata "netwright.nodes" (JSON text), "" when absent
};

// Reads `file`: size, protobuf, opset, external data, initializers (float32/float64/int64/int32,
// data size against dims, absurd dims), undefined values (missing initializers), cycles, then
// ONNX shape inference (mismatched shapes).
OnnxModelData read_onnx_model(const std::filesystem::path& file);

}  // namespace nw::interop
