// ONNX shape inference over a model being imported, completed where its data propagation
// stops.
#include "interop/onnx_shapes.h"

#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cctype>

#include "interop/onnx_claims.h"

namespace nw::interop {

OnnxValueInfo read_value_info(const onnx::ValueInfoProto& v) {
  OnnxValueInfo r;
  r.name = v.name();
  if (!v.type().has_tensor_type()) return r;
  const auto& t = v.type().tensor_type();
  r.is_int = t.elem_type() == onnx::TensorProto::INT64 || t.elem_type() == onnx::TensorProto::INT32;
  if (!t.has_shape()) return r;
  r.known = true;
  for (const auto& d : t.shape().dim()) r.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  return r;
}

namespace {

void run_inference(onnx::ModelProto& model, OnnxModelData& data) {
  try {
    // Data propagation follows Shape -> Gather -> Concat chains into Reshape's output shape.
    onnx::ShapeInferenceOptions options(/*check_type=*/false, /*error_mode=*/1,
                                        /*data_prop=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    std::string what = e.what();
    while (!what.empty() && std::isspace(static_cast<unsigned char>(what.back()))) what.pop_back();
    throw OnnxImportError(data.file.string() +
                          ": ONNX shape inference fails (mismatched shapes?): " + what +
                          "; check the model with onnx.checker or export it again");
  }
  const onnx::GraphProto& g = model.graph();
  for (const auto& v : g.input()) data.values[v.name()] = read_value_info(v);
  for (const auto& v : g.value_info()) data.values[v.name()] = read_value_info(v);
  for (const auto& v : g.output()) data.values[v.name()] = read_value_info(v);
}

// The output shape of Reshape(input, target): 0 copies, -1 takes the rest; -1 in the result
// stands for the batch. Empty when it cannot be worked out.
std::vector<int64_t> reshaped(const std::vector<int64_t>& in, std::vector<int64_t> target) {
  int64_t known = 1, hole = -1;
  for (int64_t d : in)
    if (d > 0) known *= d;
  bool batch = std::count(in.begin(), in.end(), -1) == 1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t& t = target[i];
    if (t == 0 && i < in.size()) t = in[i];
    if (t == graph::kOnnxBatchDim || (t == -1 && i < in.size() && in[i] == -1 && batch)) {
      if (!batch) return {};
      t = -1, batch = false;
      continue;
    }
    if (t == -1) {
      if (hole >= 0) return {};
      hole = static_cast<int64_t>(i);
    } else if (t > 0 && known % t == 0) {
      known /= t;
    } else {
      return {};
    }
  }
  if (batch) return {};
  if (hole >= 0)
    target[hole] = known;
  else if (known != 1)
    return {};
  return target;
}

// ONNX's data propagation misses some Shape -> Unsqueeze chains (opset 13): work out those
// Reshape outputs here, add them as value_info, and infer again.
}  // namespace

void infer_shapes(onnx::ModelProto& model, OnnxModelData& data) {
  run_inference(model, data);
  const OnnxClaims graph(data);
  for (int round = 0; round < 16; ++round) {
    bool added = false;
    for (const graph::OnnxNode& n : data.nodes) {
      if (n.op != "Reshape" || graph.shape(n.outputs[0])) continue;
      const auto in = graph.shape(n.input(0));
      const auto target = graph.shape_value(n.input(1));
      if (!in || !target) continue;
      const std::vector<int64_t> out = reshaped(*in, *target);
      if (out.empty()) continue;
      onnx::ValueInfoProto* v = model.mutable_graph()->add_value_info();
      v->set_name(n.outputs[0]);
      auto* t = v->mutable_type()->mutable_tensor_type();
      t->set_elem_type(onnx::TensorProto::FLOAT);
      for (int64_t d : out) {
        auto* dim = t->mutable_shape()->add_dim();
        if (d < 0)
          dim->set_dim_param("batch");
        else
          dim->set_dim_value(d);
      }
      added = true;
    }
    if (!added) return;
    run_inference(model, data);
  }
}

}  // namespace nw::interop
