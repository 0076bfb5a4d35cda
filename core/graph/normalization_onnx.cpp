// ONNX export of BatchNorm1d, BatchNorm2d (inference form: the running statistics) and
// LayerNorm (LayerNormalization, new in opset 17).
#include "graph/builtin_onnx_rules.h"

namespace nw::graph::onnx_rules {

namespace {

// Without running statistics PyTorch normalizes with the batch's own mean and (biased) variance
// even in evaluation, which BatchNormalization's inference form cannot do: the formula instead,
// over every axis but the channels.
void batch_norm_with_batch_stats(OnnxExporting& onnx) {
  const auto rank = static_cast<int64_t>(onnx.input_shapes().at(0).size()) + 1;
  std::vector<int64_t> axes = {0};
  for (int64_t a = 2; a < rank; ++a) axes.push_back(a);
  const OnnxAttributes reduce = {{"axes", axes}, {"keepdims", int64_t(1)}};
  const std::string x = onnx.input(0);
  const std::string mean = onnx.add_node("ReduceMean", {x}, reduce);
  const std::string centered = onnx.add_node("Sub", {x, mean}, {}, "centered");
  const std::string square = onnx.add_node("Mul", {centered, centered}, {}, "square");
  const std::string var = onnx.add_node("ReduceMean", {square}, reduce, "variance");
  const std::string eps = onnx.add_floats("eps", {static_cast<float>(onnx.get_float("eps"))});
  const std::string std =
      onnx.add_node("Sqrt", {onnx.add_node("Add", {var, eps}, {}, "plus_eps")}, {}, "std");
  std::string y = onnx.add_node("Div", {centered, std}, {}, "normalized");
  if (onnx.get_bool("affine")) {
    // (C) as (C, 1, ...), to broadcast over the positions.
    Shape per_channel(static_cast<size_t>(rank - 1), 1);
    per_channel[0] = onnx.get_int("num_features");
    y = onnx.add_node("Mul",
                      {y, onnx.add_tensor("weight", onnx.weight("weight").reshape(per_channel))},
                      {}, "scale");
    y = onnx.add_node("Add", {y, onnx.add_tensor("bias", onnx.weight("bias").reshape(per_channel))},
                      {}, "shift");
  }
  onnx.set_output(0, y);
}

}  // namespace

void batch_norm(OnnxExporting& onnx) {
  if (!onnx.get_bool("track_running_stats")) {
    batch_norm_with_batch_stats(onnx);
    return;
  }
  const int64_t channels = onnx.get_int("num_features");
  const bool affine = onnx.get_bool("affine");
  const std::string scale =
      affine ? onnx.add_weight("weight")
             : onnx.add_floats("scale", std::vector<float>(channels, 1.f), {channels});
  const std::string bias =
      affine ? onnx.add_weight("bias")
             : onnx.add_floats("bias", std::vector<float>(channels, 0.f), {channels});
  OnnxAttributes attributes = {{"epsilon", onnx.get_float("eps")}};
  // ONNX's momentum weighs the old statistics, PyTorch's the new batch; null (a cumulative
  // average) has no ONNX form, and inference does not read it.
  if (!onnx.params().at("momentum").is_null())
    attributes.emplace_back("momentum", 1.0 - onnx.get_float("momentum"));
  onnx.set_output(0, onnx.add_node("BatchNormalization",
                                   {onnx.input(0), scale, bias, onnx.add_weight("running_mean"),
                                    onnx.add_weight("running_var")},
                                   attributes));
}

// Normalizes over the last len(normalized_shape) axes; Scale is required, so a layer without
// elementwise_affine gets ones.
void layer_norm(OnnxExporting& onnx) {
  const std::vector<int64_t> shape = onnx.get_list("normalized_shape");
  std::vector<std::string> inputs = {onnx.input(0)};
  if (onnx.get_bool("elementwise_affine")) {
    inputs.push_back(onnx.add_weight("weight"));
    inputs.push_back(onnx.add_weight("bias"));
  } else {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    inputs.push_back(
        onnx.add_floats("scale", std::vector<float>(static_cast<size_t>(n), 1.f), shape));
  }
  onnx.set_output(0, onnx.add_node("LayerNormalization", inputs,
                                   {{"axis", -static_cast<int64_t>(shape.size())},
                                    {"epsilon", onnx.get_float("eps")}}));
}

}  // namespace nw::graph::onnx_rules
