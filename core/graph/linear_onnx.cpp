// ONNX export of Input, Linear and Embedding.
#include "graph/builtin_onnx_rules.h"

namespace nw::graph::onnx_rules {

void input(OnnxExporting& onnx) {
  onnx.set_output(0, onnx.add_graph_input(onnx.output_shapes().at(0)));
}

// x: (N, *, in), weight: (out, in). Gemm takes 2-d input only; beyond that, MatMul with the
// weight stored transposed (in, out), as PyTorch's exporter does.
void linear(OnnxExporting& onnx) {
  const bool bias = onnx.get_bool("bias");
  if (onnx.input_shapes().at(0).size() == 1) {
    std::vector<std::string> inputs = {onnx.input(0), onnx.add_weight("weight")};
    if (bias) inputs.push_back(onnx.add_weight("bias"));
    onnx.set_output(0, onnx.add_node("Gemm", inputs, {{"transB", int64_t(1)}}));
    return;
  }
  const std::string weight_t = onnx.add_tensor("weight", onnx.weight("weight").t());
  std::string y = onnx.add_node("MatMul", {onnx.input(0), weight_t});
  if (bias) y = onnx.add_node("Add", {y, onnx.add_weight("bias")}, {}, "bias");
  onnx.set_output(0, y);
}

// indices: (N, *) int64, weight: (num_embeddings, embedding_dim). The padding row is already
// zero in the weights, so inference needs nothing for padding_idx.
void embedding(OnnxExporting& onnx) {
  const std::string indices = onnx.int64_input(0);
  onnx.set_output(
      0, onnx.add_node("Gather", {onnx.add_weight("weight"), indices}, {{"axis", int64_t(0)}}));
}

}  // namespace nw::graph::onnx_rules
