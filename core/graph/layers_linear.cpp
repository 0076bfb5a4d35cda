// Linear layers: Linear and Embedding.
#include "graph/builtin_layers.h"
#include "nn/layers/linear.h"

namespace nw::graph {

void register_linear_layers(Registry& r) {
  r.add({
      .name = "Linear",
      .category = "Linear",
      .description = "Fully connected layer: y = x W^T + b over the last dimension",
      .params = {{.name = "in_features",
                  .kind = ParamKind::Int,
                  .description = "size of each input sample's last dimension",
                  .min = 1,
                  .inferred = true},
                 {.name = "out_features",
                  .kind = ParamKind::Int,
                  .description = "size of each output sample's last dimension",
                  .min = 1},
                 {.name = "bias",
                  .kind = ParamKind::Bool,
                  .default_value = true,
                  .description = "learn an additive bias"}},
      .inputs = {{"input", "(N, *, in_features)"}},
      .outputs = {{"output", "(N, *, out_features)"}},
      .shape =
          [](ShapeContext& ctx) {
            SampleShape s = ctx.inputs[0];
            if (s.empty())
              throw ShapeRuleError(
                  "expects at least one feature dimension, gets " + format_shape(s) +
                      "; put a Flatten before it",
                  0);
            ctx.infer("in_features", s.back(), "features");
            s.back() = ctx.get_int("out_features");
            return std::vector<SampleShape>{s};
          },
      .make =
          [](const ParamMap& p) -> nn::ModulePtr {
            return std::make_shared<nn::Linear>(p.at("in_features").get<int64_t>(),
                                                p.at("out_features").get<int64_t>(),
                                                p.at("bias").get<bool>());
          },
      .macs =
          [](const ShapeContext& ctx, const std::vector<SampleShape>& out) {
            int64_t n = ctx.get_int("in_features");
            for (int64_t d : out[0]) n *= d;
            return n;
          },
  });
}

}  // namespace nw::graph
