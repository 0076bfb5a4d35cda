#pragma once
// What a layer type's ONNX export rule (LayerType::onnx_export) sees and calls: one node of the
// graph being written as ONNX nodes and initializers. Plain C++; core/interop implements it with
// libonnx, so the registry needs no protobuf.
//
//   .onnx_export = [](OnnxExporting& onnx) {
//     const std::string w = onnx.add_weight("weight");              // initializer "fc1.weight"
//     onnx.set_output(0, onnx.add_node("Gemm", {onnx.input(0), w}, {{"transB", int64_t(1)}}));
//   },
//
// Names: the layer's first ONNX node is named exactly the node id, later ones "<id>/<what>";
// weights are initializers named by their checkpoint key ("fc1.weight"); constants
// "<id>/<what>". Shapes are sample shapes (no batch dimension); the batch is ONNX's symbolic "N".
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "graph/registry.h"
#include "tensor/tensor.h"

namespace nw::graph {

// An ONNX node attribute: INT, FLOAT, STRING, INTS or FLOATS.
using OnnxAttributeValue =
    std::variant<int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;
using OnnxAttributes = std::vector<std::pair<std::string, OnnxAttributeValue>>;

// Thrown by a rule for parameter values that ONNX cannot express; the exporter names the node.
// The message says what and how to fix it ("divisor_override with ceil_mode ...; set ...").
struct OnnxExportError : Error {
  using Error::Error;
};

class OnnxExporting {
 public:
  virtual ~OnnxExporting() = default;

  // ---- what the rule reads
  virtual const std::string& node_id() const = 0;
  virtual const std::string& type() const = 0;
  // Complete parameters after shape inference (pinned, defaults and inferred).
  virtual const ParamMap& params() const = 0;
  virtual const std::vector<SampleShape>& input_shapes() const = 0;   // per input port
  virtual const std::vector<SampleShape>& output_shapes() const = 0;  // per output port
  // The ONNX value arriving on input port `port`.
  virtual const std::string& input(int port) const = 0;
  // The node's weight or buffer by state-dict suffix ("weight", "running_mean", "weight_ih_l0"):
  // a contiguous float32 CPU tensor. Throws nw::Error naming the key when absent.
  virtual bool has_weight(const std::string& suffix) const = 0;
  virtual Tensor weight(const std::string& suffix) const = 0;

  // Parameter readers over params(), as ShapeContext has them.
  int64_t get_int(const std::string& name) const;
  double get_float(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  std::string get_string(const std::string& name) const;
  std::pair<int64_t, int64_t> get_pair(const std::string& name) const;  // 3 -> (3, 3)
  std::vector<int64_t> get_list(const std::string& name) const;

  // ---- what the rule writes
  // Adds an ONNX node with `outputs` outputs and returns their value names. `what` names the
  // node: empty for the layer's first node (named the node id), otherwise "<id>/<what>". An
  // empty input name is an omitted optional input.
  virtual std::vector<std::string> add_nodes(const std::string& op,
                                             const std::vector<std::string>& inputs, int outputs,
                                             const OnnxAttributes& attributes = {},
                                             const std::string& what = {}) = 0;
  // The one-output form.
  std::string add_node(const std::string& op, const std::vector<std::string>& inputs,
                       const OnnxAttributes& attributes = {}, const std::string& what = {});
  // The weight `suffix` as an initializer named by its checkpoint key; returns that name.
  virtual std::string add_weight(const std::string& suffix) = 0;
  // A transformed weight (a transposed matrix, LSTM gates reordered and packed) as an
  // initializer named "<id>.<name>" (float32); returns that name.
  virtual std::string add_tensor(const std::string& name, const Tensor& value) = 0;
  // Constants as initializers named "<id>/<what>"; `dims` empty: a scalar, unless `values` has
  // more than one entry, then a 1-d tensor.
  virtual std::string add_int64s(const std::string& what, const std::vector<int64_t>& values,
                                 const std::vector<int64_t>& dims = {}) = 0;
  virtual std::string add_floats(const std::string& what, const std::vector<float>& values,
                                 const std::vector<int64_t>& dims = {}) = 0;
  // This node's output port `port` is the ONNX value `value`.
  virtual void set_output(int port, const std::string& value) = 0;

  // Input nodes: declares the graph input named after the node id, of shape (N, *sample shape);
  // returns its value name.
  virtual std::string add_graph_input(const SampleShape& sample) = 0;
  // The value on input port `port` as int64 (Embedding's indices): a graph input arriving there
  // becomes an int64 input; any other value is cast. Returns the value name to read.
  virtual std::string int64_input(int port) = 0;
};

}  // namespace nw::graph
