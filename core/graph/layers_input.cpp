// Input: where samples enter the network. It has no module; the compiled network feeds its
// forward() argument here.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/torch_code_rule.h"

namespace nw::graph {

void register_input_layers(Registry& r) {
  r.add({
      .name = "Input",
      .category = "Input",
      .description = "Network input: one sample's shape, without the batch dimension",
      .params = {{.name = "shape",
                  .kind = ParamKind::IntList,
                  .default_value = nullptr,
                  .description = "sample shape without the batch dimension, e.g. [1, 28, 28]",
                  .min = 1}},
      .inputs = {},
      .outputs = {{"output", "a batch of samples"}},
      .shape = [](ShapeContext& ctx) { return std::vector<SampleShape>{ctx.get_list("shape")}; },
      .onnx_export = onnx_rules::input,
      .torch_code = [](TorchWriting& code) { code.set_argument(); },
  });
}

// Palette order: the GUI lists categories, and the types within each, as they are added here.
void register_builtin_layers(Registry& r) {
  register_input_layers(r);
  register_linear_layers(r);
  register_convolution_layers(r);
  register_pooling_layers(r);
  register_normalization_layers(r);
  register_recurrent_layers(r);
  register_activation_layers(r);
  register_regularization_layers(r);
  register_shape_layers(r);
  register_merge_layers(r);
}

}  // namespace nw::graph
