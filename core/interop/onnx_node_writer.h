#pragma once
// The ONNX graph being written, and graph::OnnxExporting over it for one node at a time: the
// layer types' export rules call this to add ONNX nodes and initializers (libonnx's GraphProto).
#include <map>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "graph/analysis.h"
#include "graph/onnx_export_rule.h"
#include "nn/module.h"

namespace nw::interop {

// What every node's export shares: the graph proto, the weights by checkpoint key, and the names
// given out so far (so that a rule bug writing a name twice fails the export, not the checker).
struct OnnxGraphState {
  onnx::GraphProto* graph = nullptr;
  std::map<std::string, Tensor> weights;  // checkpoint key -> tensor
  std::set<std::string> node_names, value_names;
};

// One node of the Netwright graph being written. `inputs`: the ONNX value on each input port.
class OnnxNodeWriter : public graph::OnnxExporting {
 public:
  OnnxNodeWriter(OnnxGraphState& state, const graph::Node& node, const graph::NodeInfo& info,
                 std::vector<std::string> inputs);

  // Runs the type's export rule and returns the value of each output port. `graph_output`: the
  // value of port 0 is named the node id, as the graph output is.
  std::vector<std::string> write(const graph::LayerType& type, bool graph_output);

  const std::string& node_id() const override { return node_.id; }
  const std::string& type() const override { return node_.type; }
  const graph::ParamMap& params() const override { return info_.params; }
  const std::vector<graph::SampleShape>& input_shapes() const override { return info_.inputs; }
  const std::vector<graph::SampleShape>& output_shapes() const override { return info_.outputs; }
  const std::string& input(int port) const override;
  bool has_weight(const std::string& suffix) const override;
  Tensor weight(const std::string& suffix) const override;

  std::vector<std::string> add_nodes(const std::string& op, const std::vector<std::string>& inputs,
                                     int outputs, const graph::OnnxAttributes& attributes,
                                     const std::string& what) override;
  std::string add_weight(const std::string& suffix) override;
  std::string add_tensor(const std::string& name, const Tensor& value) override;
  std::string add_int64s(const std::string& what, const std::vector<int64_t>& values,
                         const std::vector<int64_t>& dims) override;
  std::string add_floats(const std::string& what, const std::vector<float>& values,
                         const std::vector<int64_t>& dims) override;
  void set_output(int port, const std::string& value) override;
  std::string add_graph_input(const graph::SampleShape& sample) override;
  std::string int64_input(int port) override;

 private:
  std::string claim_value(const std::string& name);
  onnx::TensorProto* add_initializer(const std::string& name, const std::vector<int64_t>& dims,
                                     size_t values);
  void name_output_after_node(std::string& value);
  [[noreturn]] void fail(const std::string& what) const;

  OnnxGraphState& state_;
  const graph::Node& node_;
  const graph::NodeInfo& info_;
  std::vector<std::string> inputs_, outputs_;
  int first_node_ = 0;  // index in the graph proto of this node's first ONNX node
};

// (N, *sample) with N symbolic, as a graph input or output's type.
void set_tensor_type(onnx::ValueInfoProto& value, int elem_type, const graph::SampleShape& sample);

}  // namespace nw::interop
