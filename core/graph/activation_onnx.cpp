// ONNX export of the activations. Opset 17 has no Gelu (it came in opset 20) and no SiLU, so
// those are written as the formulas PyTorch computes: GELU "none" as x * (1 + erf(x / sqrt 2))
// / 2 and "tanh" as x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))) / 2, SiLU as
// x * sigmoid(x).
#include <cmath>

#include "graph/builtin_onnx_rules.h"

namespace nw::graph::onnx_rules {

OnnxExportRule unary(std::string op, OnnxAttributes attributes) {
  return [op = std::move(op), attributes = std::move(attributes)](OnnxExporting& onnx) {
    onnx.set_output(0, onnx.add_node(op, {onnx.input(0)}, attributes));
  };
}

void leaky_relu(OnnxExporting& onnx) {
  unary("LeakyRelu", {{"alpha", onnx.get_float("negative_slope")}})(onnx);
}

void elu(OnnxExporting& onnx) {
  unary("Elu", {{"alpha", onnx.get_float("alpha")}})(onnx);
}

// Softmax's dim counts the batch as PyTorch's does, as ONNX's axis does.
void softmax(OnnxExporting& onnx) {
  unary("Softmax", {{"axis", onnx.get_int("dim")}})(onnx);
}

void log_softmax(OnnxExporting& onnx) {
  unary("LogSoftmax", {{"axis", onnx.get_int("dim")}})(onnx);
}

void silu(OnnxExporting& onnx) {
  const std::string x = onnx.input(0);
  const std::string s = onnx.add_node("Sigmoid", {x});
  onnx.set_output(0, onnx.add_node("Mul", {x, s}, {}, "mul"));
}

void gelu(OnnxExporting& onnx) {
  const std::string x = onnx.input(0);
  const std::string one = onnx.add_floats("one", {1.f}), half = onnx.add_floats("half", {0.5f});
  std::string inner;
  if (onnx.get_string("approximate") == "tanh") {
    const auto k = static_cast<float>(std::sqrt(2.0 / M_PI));
    const std::string x2 = onnx.add_node("Mul", {x, x});
    const std::string x3 = onnx.add_node("Mul", {x2, x}, {}, "cube");
    const std::string c =
        onnx.add_node("Mul", {x3, onnx.add_floats("coefficient", {0.044715f})}, {}, "scale_cube");
    const std::string sum = onnx.add_node("Add", {x, c}, {}, "sum");
    const std::string arg = onnx.add_node("Mul", {sum, onnx.add_floats("k", {k})}, {}, "scale");
    inner = onnx.add_node("Tanh", {arg}, {}, "tanh");
  } else {
    const std::string scaled =
        onnx.add_node("Div", {x, onnx.add_floats("sqrt2", {static_cast<float>(std::sqrt(2.0))})});
    inner = onnx.add_node("Erf", {scaled}, {}, "erf");
  }
  const std::string plus_one = onnx.add_node("Add", {inner, one}, {}, "plus_one");
  const std::string times_x = onnx.add_node("Mul", {x, plus_one}, {}, "times_x");
  onnx.set_output(0, onnx.add_node("Mul", {times_x, half}, {}, "half"));
}

}  // namespace nw::graph::onnx_rules
