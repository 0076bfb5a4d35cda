// Regularization layers: Dropout and Dropout2d, active in training only.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"
#include "nn/layers/dropout.h"

namespace nw::graph {

namespace {

ParamSpec p_spec(std::string description) {
  return {.name = "p",
          .kind = ParamKind::Float,
          .default_value = 0.5,
          .description = std::move(description),
          .min = 0,
          .max = 1};
}

}  // namespace

void register_regularization_layers(Registry& r) {
  r.add({
      .name = "Dropout",
      .category = "Regularization",
      .description = "Zeroes random elements with probability p in training, scaling the rest",
      .params = {p_spec("probability of zeroing each element")},
      .inputs = {{"input", "(N, *)"}},
      .outputs = {{"output", "the input's shape"}},
      .shape = [](ShapeContext& ctx) { return std::vector<SampleShape>{ctx.inputs[0]}; },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::Dropout>(p.at("p").get<double>());
      },
      .onnx_export = onnx_rules::identity,
      .onnx_import = onnx_import::dropout(),
      .torch_code =
          torch_module([](const TorchWriting& c) { return "nn.Dropout(p=" + c.arg("p") + ")"; }),
  });

  r.add({
      .name = "Dropout2d",
      .category = "Regularization",
      .description = "Zeroes whole random channels of an image with probability p in training",
      .params = {p_spec("probability of zeroing each channel")},
      .inputs = {{"input", "(N, C, H, W)"}},
      .outputs = {{"output", "the input's shape"}},
      .shape =
          [](ShapeContext& ctx) {
            const SampleShape& s = ctx.inputs[0];
            if (s.size() != 3)
              throw ShapeRuleError("expects (N, C, H, W) input, gets " + format_shape(s) +
                                       "; use Dropout for inputs without channels and positions",
                                   0);
            return std::vector<SampleShape>{s};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::Dropout2d>(p.at("p").get<double>());
      },
      .onnx_export = onnx_rules::identity,
      .torch_code =
          torch_module([](const TorchWriting& c) { return "nn.Dropout2d(p=" + c.arg("p") + ")"; }),
  });
}

}  // namespace nw::graph
