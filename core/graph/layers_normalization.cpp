// Normalization layers: BatchNorm1d, BatchNorm2d and LayerNorm. num_features and
// normalized_shape come from the incoming shape unless the user pins them.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"
#include "nn/layers/batchnorm.h"
#include "nn/layers/layer_norm.h"

namespace nw::graph {

namespace {

std::vector<ParamSpec> batchnorm_specs() {
  return {{.name = "num_features",
           .kind = ParamKind::Int,
           .description = "channels of the input, C in (N, C, ...)",
           .min = 1,
           .inferred = true},
          {.name = "eps",
           .kind = ParamKind::Float,
           .default_value = 1e-5,
           .description = "added to the variance for numerical stability",
           .min = 0},
          {.name = "momentum",
           .kind = ParamKind::OptionalFloat,
           .default_value = 0.1,
           .description = "weight of each batch in the running statistics; null: a plain average",
           .min = 0,
           .max = 1},
          {.name = "affine",
           .kind = ParamKind::Bool,
           .default_value = true,
           .description = "learn a scale (weight) and shift (bias) per channel"},
          {.name = "track_running_stats",
           .kind = ParamKind::Bool,
           .default_value = true,
           .description = "keep running mean and variance for evaluation"}};
}

template <typename BatchNorm>
nn::ModulePtr make_batchnorm(const ParamMap& p) {
  const ParamValue& m = p.at("momentum");
  return std::make_shared<BatchNorm>(
      p.at("num_features").get<int64_t>(), p.at("eps").get<double>(),
      m.is_null() ? std::nullopt : std::optional<double>(m.get<double>()),
      p.at("affine").get<bool>(), p.at("track_running_stats").get<bool>());
}

// weight and bias (num_features) when affine.
int64_t batchnorm_count(const ParamMap& p) {
  return p.at("affine").get<bool>() ? 2 * p.at("num_features").get<int64_t>() : 0;
}

// momentum null is PyTorch's None (a cumulative average); python_literal writes it so.
std::string batchnorm_torch(int dims, const TorchWriting& c) {
  return "nn.BatchNorm" + std::to_string(dims) + "d(" + c.arg("num_features") +
         c.keywords({"eps", "momentum", "affine", "track_running_stats"}) + ")";
}

std::string list_text(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

void register_normalization_layers(Registry& r) {
  r.add({
      .name = "BatchNorm1d",
      .category = "Normalization",
      .description = "Normalizes each feature (channel) over the batch, for (N, C) or (N, C, L)",
      .params = batchnorm_specs(),
      .inputs = {{"input", "(N, C) or (N, C, L)"}},
      .outputs = {{"output", "the input's shape"}},
      .shape =
          [](ShapeContext& ctx) {
            const SampleShape& s = ctx.inputs[0];
            if (s.size() != 1 && s.size() != 2)
              throw ShapeRuleError("expects (N, C) or (N, C, L) input, gets " + format_shape(s) +
                                       (s.size() == 3 ? "; use BatchNorm2d for images"
                                                      : "; put a Flatten before it"),
                                   0);
            ctx.infer("num_features", s[0], "channels");
            return std::vector<SampleShape>{s};
          },
      .make = make_batchnorm<nn::BatchNorm1d>,
      .count = batchnorm_count,
      .onnx_export = onnx_rules::batch_norm,
      .onnx_import = onnx_import::batch_norm(1, 2),
      .torch_code = torch_module([](const TorchWriting& c) { return batchnorm_torch(1, c); }),
  });

  r.add({
      .name = "BatchNorm2d",
      .category = "Normalization",
      .description = "Normalizes each channel of an image over the batch and the positions",
      .params = batchnorm_specs(),
      .inputs = {{"input", "(N, C, H, W)"}},
      .outputs = {{"output", "the input's shape"}},
      .shape =
          [](ShapeContext& ctx) {
            const SampleShape& s = ctx.inputs[0];
            if (s.size() != 3)
              throw ShapeRuleError("expects (N, C, H, W) input, gets " + format_shape(s) +
                                       (s.size() < 3 ? "; use BatchNorm1d for (N, C) or (N, C, L)"
                                                     : "; Reshape the input to (C, H, W)"),
                                   0);
            ctx.infer("num_features", s[0], "channels");
            return std::vector<SampleShape>{s};
          },
      .make = make_batchnorm<nn::BatchNorm2d>,
      .count = batchnorm_count,
      .onnx_export = onnx_rules::batch_norm,
      .onnx_import = onnx_import::batch_norm(3, 3),
      .torch_code = torch_module([](const TorchWriting& c) { return batchnorm_torch(2, c); }),
  });

  r.add({
      .name = "LayerNorm",
      .category = "Normalization",
      .description = "Normalizes each sample over its last dimensions (normalized_shape)",
      .params = {{.name = "normalized_shape",
                  .kind = ParamKind::IntList,
                  .description = "the trailing dimensions to normalize over; empty: the last one",
                  .min = 1,
                  .inferred = true},
                 {.name = "eps",
                  .kind = ParamKind::Float,
                  .default_value = 1e-5,
                  .description = "added to the variance for numerical stability",
                  .min = 0},
                 {.name = "elementwise_affine",
                  .kind = ParamKind::Bool,
                  .default_value = true,
                  .description = "learn a scale (weight) and shift (bias) per element"}},
      .inputs = {{"input", "(N, *, *normalized_shape)"}},
      .outputs = {{"output", "the input's shape"}},
      .shape =
          [](ShapeContext& ctx) {
            const SampleShape& s = ctx.inputs[0];
            if (s.empty())
              throw ShapeRuleError("expects at least one feature dimension, gets " +
                                       format_shape(s) + "; put it after a layer with features",
                                   0);
            if (!ctx.is_pinned("normalized_shape")) {
              ctx.params["normalized_shape"] = ParamValue::array({s.back()});
              return std::vector<SampleShape>{s};
            }
            const std::vector<int64_t> ns = ctx.get_list("normalized_shape");
            const size_t n = std::min(ns.size(), s.size());
            const std::vector<int64_t> tail(s.end() - static_cast<std::ptrdiff_t>(n), s.end());
            if (ns.size() > s.size() || tail != ns)
              throw ShapeRuleError("normalized_shape " + list_text(ns) +
                                       " does not match the last dimensions of the input " +
                                       format_shape(s) + "; set it to " + list_text(tail) +
                                       " or clear it to infer it",
                                   0);
            return std::vector<SampleShape>{s};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::LayerNorm>(p.at("normalized_shape").get<Shape>(),
                                               p.at("eps").get<double>(),
                                               p.at("elementwise_affine").get<bool>());
      },
      // weight and bias of normalized_shape when elementwise_affine (nn has no bias=false).
      .count = [](const ParamMap& p) -> int64_t {
        if (!p.at("elementwise_affine").get<bool>()) return 0;
        int64_t n = 2;
        for (int64_t d : p.at("normalized_shape").get<Shape>()) n *= d;
        return n;
      },
      .onnx_export = onnx_rules::layer_norm,
      .onnx_import = onnx_import::layer_norm(),
      .torch_code = torch_module([](const TorchWriting& c) {
        return "nn.LayerNorm(" + c.arg("normalized_shape") +
               c.keywords({"eps", "elementwise_affine"}) + ")";
      }),
  });
}

}  // namespace nw::graph
