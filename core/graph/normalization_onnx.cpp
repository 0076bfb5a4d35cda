// ONNX export of BatchNorm1d, BatchNorm2d (inference form: the running statistics) and
// LayerNorm (LayerNormalization, new in opset 17).
#include "graph/builtin_onnx_rules.h"

namespace nw::graph::onnx_rules {

void batch_norm(OnnxExporting& onnx) {
  if (!onnx.get_bool("track_running_stats"))
    throw OnnxExportError(
        "without track_running_stats it normalizes with each batch's own statistics even in "
        "evaluation, which ONNX's BatchNormalization does not do; set track_running_stats to true "
        "and train again");
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
