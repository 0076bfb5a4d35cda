// ONNX export of Conv1d, Conv2d and ConvTranspose2d. Weights keep PyTorch's layouts, which are
// ONNX's: (out, in / groups, *kernel) and, transposed, (in, out / groups, *kernel).
#include "graph/builtin_onnx_rules.h"

namespace nw::graph::onnx_rules {

namespace {

// One entry per spatial axis: Conv1d has one, the 2-d layers two.
std::vector<int64_t> per_axis(const OnnxExporting& onnx, const std::string& name, size_t axes) {
  const auto [h, w] = onnx.get_pair(name);
  return axes == 1 ? std::vector<int64_t>{w} : std::vector<int64_t>{h, w};
}

// ONNX pads: all begins, then all ends. PyTorch's "same" puts the odd padding at the end.
std::vector<int64_t> conv_pads(const OnnxExporting& onnx, const std::vector<int64_t>& kernel,
                               const std::vector<int64_t>& dilation) {
  const size_t axes = kernel.size();
  std::vector<int64_t> pads(2 * axes, 0);
  const std::string word = onnx.get_string("padding");
  if (word == "valid") return pads;
  for (size_t a = 0; a < axes; ++a) {
    if (word == "same") {
      const int64_t total = dilation[a] * (kernel[a] - 1);
      pads[a] = total / 2;
      pads[a + axes] = total - total / 2;
    } else {
      pads[a] = pads[a + axes] = per_axis(onnx, "padding", axes)[a];
    }
  }
  return pads;
}

std::vector<std::string> weight_and_bias(OnnxExporting& onnx) {
  std::vector<std::string> inputs = {onnx.input(0), onnx.add_weight("weight")};
  if (onnx.get_bool("bias")) inputs.push_back(onnx.add_weight("bias"));
  return inputs;
}

}  // namespace

void conv(OnnxExporting& onnx) {
  const size_t axes = onnx.input_shapes().at(0).size() - 1;  // (C, L) or (C, H, W)
  const std::vector<int64_t> kernel = per_axis(onnx, "kernel_size", axes),
                             dilation = per_axis(onnx, "dilation", axes);
  onnx.set_output(0, onnx.add_node("Conv", weight_and_bias(onnx),
                                   {{"kernel_shape", kernel},
                                    {"strides", per_axis(onnx, "stride", axes)},
                                    {"pads", conv_pads(onnx, kernel, dilation)},
                                    {"dilations", dilation},
                                    {"group", onnx.get_int("groups")}}));
}

void conv_transpose(OnnxExporting& onnx) {
  const auto [ph, pw] = onnx.get_pair("padding");
  onnx.set_output(0, onnx.add_node("ConvTranspose", weight_and_bias(onnx),
                                   {{"kernel_shape", per_axis(onnx, "kernel_size", 2)},
                                    {"strides", per_axis(onnx, "stride", 2)},
                                    {"pads", std::vector<int64_t>{ph, pw, ph, pw}},
                                    {"output_padding", per_axis(onnx, "output_padding", 2)},
                                    {"dilations", per_axis(onnx, "dilation", 2)},
                                    {"group", onnx.get_int("groups")}}));
}

}  // namespace nw::graph::onnx_rules
