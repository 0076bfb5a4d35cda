#pragma once
// What a layer type's ONNX import rule sees (registry.h, LayerType::onnx_import): one ONNX node
// under consideration, the graph around it (producers, consumers, constants, inferred shapes) and
// the claim it may make: "these ONNX nodes are one node of type T with params P and weights W, fed
// by these values and producing these". Plain C++: core/interop implements it with libonnx.
//
//   if (onnx.node().op != "Relu") return false;
//   return onnx.claim({.type = "ReLU", .inputs = {in}, .outputs = {out}, .nodes = {&onnx.node()}});
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/registry.h"

namespace nw::graph {

// An attribute of an ONNX node, by the kinds PyTorch's exporter writes.
struct OnnxAttribute {
  enum class Kind { Int, Float, String, Ints, Floats, Tensor, Other };
  Kind kind = Kind::Other;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<double> floats;  // also a Tensor attribute's values (ConstantOfShape's value)
};

struct OnnxNode {
  std::string name;                  // never empty: unnamed nodes get "<op>_<index>"
  std::string op;                    // op type, default domain
  std::vector<std::string> inputs;   // value names; "" for an omitted optional input
  std::vector<std::string> outputs;  // value names
  std::map<std::string, OnnxAttribute> attrs;
  int index = 0;  // position in the graph's (topological) node list

  bool has(const std::string& attr) const { return attrs.count(attr) > 0; }
  // Throws nw::Error naming the node when the attribute has another kind.
  int64_t get_int(const std::string& attr, int64_t fallback) const;
  double get_float(const std::string& attr, double fallback) const;
  std::string get_string(const std::string& attr, const std::string& fallback) const;
  std::vector<int64_t> get_ints(const std::string& attr, std::vector<int64_t> fallback) const;
  std::string input(size_t i) const { return i < inputs.size() ? inputs[i] : std::string(); }
};

// A constant (an initializer or a Constant node's value), as float32 or int64 values.
struct OnnxConstant {
  Shape dims;
  bool is_int = false;
  std::vector<float> floats;  // when !is_int
  std::vector<int64_t> ints;  // when is_int
  int64_t numel() const;
  double at(int64_t i) const { return is_int ? double(ints.at(i)) : double(floats.at(i)); }
};

// A dimension of a shape value (Shape -> Gather -> Concat chains) that is the batch size.
inline constexpr int64_t kOnnxBatchDim = INT64_MIN;

// What a rule claims. Weights are keyed by state-dict suffix ("weight", "bias", "running_mean",
// "weight_ih_l0"), in PyTorch's layout.
struct OnnxClaim {
  std::string type;  // a registry name
  ParamMap params;   // pinned parameters
  std::vector<std::pair<std::string, Tensor>> weights;
  std::vector<std::string> inputs;     // one value per input port
  std::vector<std::string> outputs;    // one value per output port; "" for a port nobody reads
  std::vector<const OnnxNode*> nodes;  // every ONNX node this layer replaces; the first names it
};

class OnnxImporting {
 public:
  virtual ~OnnxImporting() = default;
  virtual const OnnxNode& node() const = 0;  // the node under consideration
  // The node computing `value`, or nullptr for graph inputs, initializers and "".
  virtual const OnnxNode* producer(const std::string& value) const = 0;
  virtual std::vector<const OnnxNode*> consumers(const std::string& value) const = 0;
  virtual bool is_claimed(const OnnxNode& node) const = 0;
  virtual bool is_graph_output(const std::string& value) const = 0;
  // Initializers, Constant nodes' outputs and values folded from constants only (Cast, Identity,
  // Reshape, Unsqueeze, Squeeze of constants).
  virtual std::optional<OnnxConstant> constant(const std::string& value) const = 0;
  // A shape value such as Shape(x) -> Gather(0) -> Unsqueeze -> Concat(-1) -> [kOnnxBatchDim, -1].
  virtual std::optional<std::vector<int64_t>> shape_value(const std::string& value) const = 0;
  // Whether the value is all zeros (a zero initial state: ConstantOfShape(0), maybe sliced).
  virtual bool is_zeros(const std::string& value) const = 0;
  // The inferred shape, batch included; -1 for a dimension shape inference left symbolic.
  virtual std::optional<std::vector<int64_t>> shape(const std::string& value) const = 0;
  // Records the claim; returns true. Throws nw::Error naming the node when it is inconsistent.
  virtual bool claim(OnnxClaim claim) = 0;
};

// Helpers for rules (onnx_import_rule.cpp).
// float32 tensor of a constant, in its own shape, or reshaped to `dims` when given.
Tensor onnx_tensor(const OnnxConstant& c);
// The single input of `node` that is not a constant, or "" when there is none or several.
std::string onnx_data_input(const OnnxImporting& onnx, const OnnxNode& node);
// The one consumer of `value` when exactly one node reads it (and it is not a graph output).
const OnnxNode* onnx_sole_consumer(const OnnxImporting& onnx, const std::string& value);
// Whether `value` is a constant holding a single number equal to `x` within 1e-6 relative.
bool onnx_is_scalar(const OnnxImporting& onnx, const std::string& value, double x);

}  // namespace nw::graph
