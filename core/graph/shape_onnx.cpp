// ONNX export of the layers that rearrange or join samples (Flatten, Unflatten, Reshape,
// LastStep, Identity, Add, Concat) and of Dropout and Dropout2d, which are identities in
// inference. Reshapes write the target shape as a constant: 0 keeps the batch, then the known
// sample shape.
#include "graph/builtin_onnx_rules.h"

namespace nw::graph::onnx_rules {

void identity(OnnxExporting& onnx) {
  onnx.set_output(0, onnx.add_node("Identity", {onnx.input(0)}));
}

void reshape(OnnxExporting& onnx) {
  std::vector<int64_t> shape = {0};
  for (int64_t d : onnx.output_shapes().at(0)) shape.push_back(d);
  onnx.set_output(0, onnx.add_node("Reshape", {onnx.input(0), onnx.add_int64s("shape", shape)}));
}

// Flatten from dim 1 to the last is ONNX's Flatten; any other range is a Reshape.
void flatten(OnnxExporting& onnx) {
  const auto rank = static_cast<int64_t>(onnx.input_shapes().at(0).size()) + 1;
  const int64_t start = onnx.get_int("start_dim"), end = onnx.get_int("end_dim");
  if ((start == 1 || start == 1 - rank) && (end == -1 || end == rank - 1)) {
    onnx.set_output(0, onnx.add_node("Flatten", {onnx.input(0)}, {{"axis", int64_t(1)}}));
    return;
  }
  reshape(onnx);
}

// out[:, -1]: a scalar index drops the time axis.
void last_step(OnnxExporting& onnx) {
  onnx.set_output(0, onnx.add_node("Gather", {onnx.input(0), onnx.add_int64s("last", {-1})},
                                   {{"axis", int64_t(1)}}));
}

void add(OnnxExporting& onnx) {
  onnx.set_output(0, onnx.add_node("Add", {onnx.input(0), onnx.input(1)}));
}

void concat(OnnxExporting& onnx) {
  onnx.set_output(
      0, onnx.add_node("Concat", {onnx.input(0), onnx.input(1)}, {{"axis", onnx.get_int("dim")}}));
}

}  // namespace nw::graph::onnx_rules
