// ONNX export of LSTM and GRU: one ONNX LSTM/GRU per layer, since ONNX's ops are single-layer.
// ONNX's recurrent ops read time-major input (layout 1, batch first, is not run by
// onnxruntime's CPU kernels), so the batch-first input is transposed in and the output out.
//
// Weights: PyTorch stacks the gates of weight_ih_l<k> (gates * H, in) in the order i, f, g, o
// (LSTM) and r, z, n (GRU); ONNX's W is (1, gates * H, in) in the order i, o, f, c and z, r, h,
// and its B is (1, 2 * gates * H): the input biases, then the hidden ones.
#include "graph/builtin_onnx_rules.h"
#include "tensor/ops.h"

namespace nw::graph::onnx_rules {

namespace {

// The gate blocks of `t` (stacked along dim 0) in `order`, with a leading direction axis.
Tensor reorder_gates(const Tensor& t, const std::vector<int64_t>& order) {
  const int64_t rows = t.size(0) / static_cast<int64_t>(order.size());
  std::vector<Tensor> blocks;
  for (int64_t g : order) blocks.push_back(t.narrow(0, g * rows, rows));
  Tensor stacked = cat(blocks, 0);
  Shape shape = stacked.sizes();
  shape.insert(shape.begin(), 1);
  return stacked.reshape(shape);
}

void recurrent(OnnxExporting& onnx, const std::string& op, const std::vector<int64_t>& order) {
  const int64_t layers = onnx.get_int("num_layers"), hidden = onnx.get_int("hidden_size");
  const std::string axis1 = onnx.add_int64s("axis1", {1}, {1}),
                    axis0 = onnx.add_int64s("axis0", {0}, {1});
  std::string x = onnx.add_node("Transpose", {onnx.input(0)},
                                {{"perm", std::vector<int64_t>{1, 0, 2}}}, "time_major");
  std::string h_n;
  for (int64_t l = 0; l < layers; ++l) {
    const std::string k = "_l" + std::to_string(l);
    const std::string w =
        onnx.add_tensor("weight_ih" + k, reorder_gates(onnx.weight("weight_ih" + k), order));
    const std::string r =
        onnx.add_tensor("weight_hh" + k, reorder_gates(onnx.weight("weight_hh" + k), order));
    std::string b;
    if (onnx.get_bool("bias")) {
      const Tensor ih = reorder_gates(onnx.weight("bias_ih" + k), order);
      const Tensor hh = reorder_gates(onnx.weight("bias_hh" + k), order);
      b = onnx.add_tensor("bias" + k, cat({ih, hh}, 1));
    }
    OnnxAttributes attributes = {{"hidden_size", hidden}};
    if (op == "GRU") attributes.emplace_back("linear_before_reset", int64_t(1));
    // Y: (T, 1, N, H), Y_h: (1, N, H).
    const std::vector<std::string> y =
        onnx.add_nodes(op, {x, w, r, b}, 2, attributes, l == 0 ? "" : "layer" + std::to_string(l));
    x = onnx.add_node("Squeeze", {y[0], axis1}, {}, "sequence" + std::to_string(l));
    h_n = y[1];
  }
  onnx.set_output(
      0, onnx.add_node("Transpose", {x}, {{"perm", std::vector<int64_t>{1, 0, 2}}}, "batch_first"));
  onnx.set_output(1, onnx.add_node("Squeeze", {h_n, axis0}, {}, "hidden"));
}

}  // namespace

void lstm(OnnxExporting& onnx) {
  recurrent(onnx, "LSTM", {0, 3, 1, 2});
}

void gru(OnnxExporting& onnx) {
  recurrent(onnx, "GRU", {1, 0, 2});
}

}  // namespace nw::graph::onnx_rules
