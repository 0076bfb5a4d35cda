// Linear layers: Linear and Embedding.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"
#include "nn/layers/embedding.h"
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
              throw ShapeRuleError("expects (N, *, in_features) input, gets " + format_shape(s) +
                                       ", one number per sample; Reshape it to [1] first",
                                   0);
            ctx.infer("in_features", s.back(), "features");
            s.back() = ctx.get_int("out_features");
            return std::vector<SampleShape>{s};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
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
      // weight (out_features, in_features), bias (out_features)
      .count =
          [](const ParamMap& p) {
            const int64_t out = p.at("out_features").get<int64_t>();
            return p.at("in_features").get<int64_t>() * out + (p.at("bias").get<bool>() ? out : 0);
          },
      .onnx_export = onnx_rules::linear,
      .onnx_import = onnx_import::linear(),
      .torch_code = torch_module([](const TorchWriting& c) {
        return "nn.Linear(" + c.arg("in_features") + ", " + c.arg("out_features") +
               c.keywords({"bias"}) + ")";
      }),
  });

  r.add({
      .name = "Embedding",
      .category = "Linear",
      .description = "Lookup table: each integer index becomes a learned vector of embedding_dim",
      .params = {{.name = "num_embeddings",
                  .kind = ParamKind::Int,
                  .description = "number of rows: indices run from 0 to num_embeddings - 1",
                  .min = 1},
                 {.name = "embedding_dim",
                  .kind = ParamKind::Int,
                  .description = "size of each vector",
                  .min = 1},
                 // NOTE: PyTorch's None is -1 here, because an Int cannot be null; PyTorch's
                 // negative indices (-1 for the last row) are written num_embeddings - 1.
                 {.name = "padding_idx",
                  .kind = ParamKind::Int,
                  .default_value = -1,
                  .description = "row kept at zero and out of training (padding); -1 means none",
                  .min = -1}},
      .inputs = {{"input", "(N, *) int64 indices"}},
      .outputs = {{"output", "(N, *, embedding_dim)"}},
      .shape =
          [](ShapeContext& ctx) {
            const int64_t rows = ctx.get_int("num_embeddings"), pad = ctx.get_int("padding_idx");
            if (pad >= rows)
              throw ShapeRuleError("padding_idx " + std::to_string(pad) +
                                   " is outside the table of " + std::to_string(rows) +
                                   " rows; set it below num_embeddings, or to -1 for none");
            SampleShape s = ctx.inputs[0];
            s.push_back(ctx.get_int("embedding_dim"));
            return std::vector<SampleShape>{s};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        const auto pad = p.at("padding_idx").get<int64_t>();
        return std::make_shared<nn::Embedding>(
            p.at("num_embeddings").get<int64_t>(), p.at("embedding_dim").get<int64_t>(),
            pad < 0 ? std::nullopt : std::optional<int64_t>(pad));
      },
      // weight (num_embeddings, embedding_dim); the padding row is kept at zero but still counts.
      .count =
          [](const ParamMap& p) {
            return p.at("num_embeddings").get<int64_t>() * p.at("embedding_dim").get<int64_t>();
          },
      .onnx_export = onnx_rules::embedding,
      .onnx_import = onnx_import::embedding(),
      // padding_idx -1, the default, is PyTorch's None.
      .torch_code = torch_module([](const TorchWriting& c) {
        return "nn.Embedding(" + c.arg("num_embeddings") + ", " + c.arg("embedding_dim") +
               c.keywords({"padding_idx"}) + ")";
      }),
  });
}

}  // namespace nw::graph
