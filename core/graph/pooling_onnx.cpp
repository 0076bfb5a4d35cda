// ONNX export of MaxPool2d, AvgPool2d and AdaptiveAvgPool2d.
//
// NOTE: with ceil_mode, PyTorch drops a last window that would start in the right padding;
// ONNX's ceil formula does not. The rules compare the two output sizes on the known input and,
// where they differ, write ceil_mode 0 with the end padding that gives PyTorch's size, which is
// exact for max pooling and for averages that leave padding out of the count.
#include <algorithm>
#include <cmath>

#include "graph/builtin_onnx_rules.h"

namespace nw::graph::onnx_rules {

namespace {

struct Window {
  std::vector<int64_t> kernel, stride, pads, dilation;  // pads: top, left, bottom, right
  bool ceil_mode = false;
  bool overflows = false;  // a window reaches past the padded input (ceil_mode only)
};

std::vector<int64_t> pair_of(const OnnxExporting& onnx, const std::string& name) {
  const auto [h, w] = onnx.get_pair(name);
  return {h, w};
}

// The window attributes that give PyTorch's output size on this node's input.
Window window(const OnnxExporting& onnx, std::vector<int64_t> dilation) {
  Window w{pair_of(onnx, "kernel_size"),
           pair_of(onnx, "stride"),
           {},
           std::move(dilation),
           onnx.get_bool("ceil_mode")};
  const std::vector<int64_t> pad = pair_of(onnx, "padding");
  w.pads = {pad[0], pad[1], pad[0], pad[1]};
  const SampleShape &in = onnx.input_shapes().at(0), &out = onnx.output_shapes().at(0);
  bool onnx_agrees = true;
  for (size_t a = 0; a < 2; ++a) {
    const int64_t span = w.dilation[a] * (w.kernel[a] - 1) + 1, padded = in[a + 1] + 2 * pad[a];
    const int64_t want = out[a + 1];
    const auto onnx_ceil = static_cast<int64_t>(std::ceil(static_cast<double>(padded - span) /
                                                          static_cast<double>(w.stride[a]))) +
                           1;
    if (w.ceil_mode && onnx_ceil != want) onnx_agrees = false;
    if ((want - 1) * w.stride[a] + span > padded) w.overflows = true;
  }
  if (!onnx_agrees) {
    // Floor mode with the end padding that fits PyTorch's last window exactly.
    for (size_t a = 0; a < 2; ++a) {
      const int64_t span = w.dilation[a] * (w.kernel[a] - 1) + 1;
      // Any end padding from the least one to stride - 1 more gives the same size.
      w.pads[a + 2] =
          std::max<int64_t>(0, (out[a + 1] - 1) * w.stride[a] + span - in[a + 1] - pad[a]);
    }
    w.ceil_mode = false;
  }
  return w;
}

OnnxAttributes window_attributes(const Window& w) {
  return {{"kernel_shape", w.kernel},
          {"strides", w.stride},
          {"pads", w.pads},
          {"ceil_mode", int64_t(w.ceil_mode)}};
}

}  // namespace

void max_pool(OnnxExporting& onnx) {
  const Window w = window(onnx, pair_of(onnx, "dilation"));
  OnnxAttributes attributes = window_attributes(w);
  attributes.emplace_back("dilations", w.dilation);
  onnx.set_output(0, onnx.add_node("MaxPool", {onnx.input(0)}, attributes));
}

// PyTorch divides a window that reaches past the padded input (ceil_mode) by the part inside
// it; with count_include_pad, ONNX divides by the padding it was given, so such windows are
// exact only without count_include_pad. divisor_override is a sum over the window divided by a
// fixed number: an average over the whole kernel scaled by kernel / divisor.
void avg_pool(OnnxExporting& onnx) {
  const Window w = window(onnx, {1, 1});
  const int64_t divisor = onnx.get_int("divisor_override");
  const bool count_pad = onnx.get_bool("count_include_pad") || divisor > 0;
  if (w.overflows && count_pad)
    throw OnnxExportError(
        std::string(divisor > 0 ? "divisor_override" : "count_include_pad") +
        " with ceil_mode on this input makes windows past the padded input that ONNX's "
        "AveragePool divides differently; set ceil_mode to false, or change the input size so "
        "that the windows fit");
  OnnxAttributes attributes = window_attributes(w);
  attributes.emplace_back("count_include_pad", int64_t(count_pad));
  const std::string mean = onnx.add_node("AveragePool", {onnx.input(0)}, attributes);
  if (divisor == 0) {
    onnx.set_output(0, mean);
    return;
  }
  const auto scale = static_cast<float>(static_cast<double>(w.kernel[0] * w.kernel[1]) /
                                        static_cast<double>(divisor));
  onnx.set_output(0, onnx.add_node("Mul", {mean, onnx.add_floats("divisor_scale", {scale})}, {},
                                   "divisor_override"));
}

// PyTorch's adaptive windows are even exactly when output_size divides the input: then they
// are one fixed window and stride, which AveragePool has.
void adaptive_avg_pool(OnnxExporting& onnx) {
  const SampleShape &in = onnx.input_shapes().at(0), &out = onnx.output_shapes().at(0);
  if (out[1] == 1 && out[2] == 1) {
    onnx.set_output(0, onnx.add_node("GlobalAveragePool", {onnx.input(0)}));
    return;
  }
  if (in[1] % out[1] || in[2] % out[2])
    throw OnnxExportError(
        "output_size " + std::to_string(out[1]) + "x" + std::to_string(out[2]) +
        " does not divide the input " + std::to_string(in[1]) + "x" + std::to_string(in[2]) +
        ", so its windows differ in size, which ONNX has no operator for; choose an output_size "
        "that divides the input (or 1)");
  const std::vector<int64_t> k = {in[1] / out[1], in[2] / out[2]};
  onnx.set_output(
      0, onnx.add_node("AveragePool", {onnx.input(0)},
                       {{"kernel_shape", k}, {"strides", k}, {"pads", std::vector<int64_t>(4)}}));
}

}  // namespace nw::graph::onnx_rules
