// Pooling layers: MaxPool2d, AvgPool2d and AdaptiveAvgPool2d (nn has no 1-d pooling yet).
//
// NOTE: PyTorch's stride defaults to None, meaning "the kernel size". Here stride is an inferred
// parameter with a null default: unless the user pins it, the shape rule fills it with
// kernel_size, so the completed parameters always hold a number and the validator never reports
// it as missing.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"
#include "nn/layers/pooling.h"

namespace nw::graph {

namespace {

using nn::Size2;

Size2 size2(const ParamValue& v) {
  if (v.is_null()) return Size2();  // stride not given: the module uses kernel_size
  if (v.is_array()) return Size2(v[0].get<int64_t>(), v[1].get<int64_t>());
  return Size2(v.get<int64_t>());
}

// "2" or "(2, 3)". Appended, not "(" + ...: that form trips GCC 12's -Wrestrict.
std::string size_text(std::pair<int64_t, int64_t> v) {
  if (v.first == v.second) return std::to_string(v.first);
  std::string s = "(";
  return s.append(std::to_string(v.first))
      .append(", ")
      .append(std::to_string(v.second))
      .append(")");
}

void expect_image(const SampleShape& s) {
  if (s.size() != 3)
    throw ShapeRuleError("expects (N, C, H, W) input, gets " + format_shape(s) + "; " +
                             (s.size() < 3 ? "put an Unflatten before it (e.g. to (1, 28, 28))"
                                           : "Reshape the input to (C, H, W)"),
                         0);
}

// Fills stride with kernel_size unless the user pinned it (PyTorch's stride=None).
void default_stride(ShapeContext& ctx) {
  if (!ctx.is_pinned("stride") || ctx.params["stride"].is_null())
    ctx.params["stride"] = ctx.params.at("kernel_size");
}

// Output length of one axis, exactly as nn/functional/pooling.cpp computes it (PyTorch's
// pooling_output_shape); below 1 when the window does not fit.
int64_t pooled(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
  const int64_t num = in + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0);
  int64_t out = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
  if (ceil_mode && (out - 1) * s >= in + p) --out;  // no window may start in the right padding
  return out;
}

// The pooled (C, H_out, W_out) of a window pooling layer; dilation is 1 for AvgPool2d.
SampleShape pool_shape(ShapeContext& ctx, std::pair<int64_t, int64_t> dilation) {
  const SampleShape& s = ctx.inputs[0];
  expect_image(s);
  default_stride(ctx);
  const auto k = ctx.get_pair("kernel_size"), st = ctx.get_pair("stride"),
             p = ctx.get_pair("padding");
  if (p.first > k.first / 2 || p.second > k.second / 2)
    throw ShapeRuleError("padding " + size_text(p) + " is more than half of kernel_size " +
                         size_text(k) + "; lower padding to at most " +
                         size_text({k.first / 2, k.second / 2}));
  const bool ceil_mode = ctx.get_bool("ceil_mode");
  const int64_t oh = pooled(s[1], k.first, st.first, p.first, dilation.first, ceil_mode);
  const int64_t ow = pooled(s[2], k.second, st.second, p.second, dilation.second, ceil_mode);
  if (oh < 1 || ow < 1) {
    const bool dilated = dilation.first > 1 || dilation.second > 1;
    throw ShapeRuleError(
        std::string(dilated ? "the dilated " : "") + "kernel_size " + size_text(k) +
            " is larger than the padded input " + std::to_string(s[1] + 2 * p.first) + "x" +
            std::to_string(s[2] + 2 * p.second) + "; lower kernel_size or add padding",
        0);
  }
  return {s[0], oh, ow};
}

// ", stride=..." unless the stride is the kernel size (PyTorch's stride=None).
std::string stride_torch(const TorchWriting& c) {
  const std::string stride = c.size_arg("stride");
  return stride == c.size_arg("kernel_size") ? "" : ", stride=" + stride;
}

ParamSpec pair_spec(std::string name, ParamValue def, std::string description, double min,
                    bool inferred = false) {
  return {.name = std::move(name),
          .kind = ParamKind::IntPair,
          .default_value = std::move(def),
          .description = std::move(description),
          .min = min,
          .inferred = inferred};
}

ParamSpec bool_spec(std::string name, bool def, std::string description) {
  return {.name = std::move(name),
          .kind = ParamKind::Bool,
          .default_value = def,
          .description = std::move(description)};
}

std::vector<ParamSpec> window_specs() {
  return {pair_spec("kernel_size", nullptr, "window size: 2 or [height, width]", 1),
          pair_spec("stride", nullptr,
                    "step of the window: 2 or [height, width]; empty (null): kernel_size", 1, true),
          pair_spec("padding", 0, "implicit padding on each side, at most half the kernel", 0)};
}

}  // namespace

void register_pooling_layers(Registry& r) {
  std::vector<ParamSpec> max_params = window_specs();
  max_params.push_back(pair_spec("dilation", 1, "spacing between window elements", 1));
  max_params.push_back(bool_spec("ceil_mode", false, "round the output size up instead of down"));
  r.add({
      .name = "MaxPool2d",
      .category = "Pooling",
      .description = "2-d max pooling: the largest value of each window",
      .params = max_params,
      .inputs = {{"input", "(N, C, H, W)"}},
      .outputs = {{"output", "(N, C, H_out, W_out)"}},
      .shape =
          [](ShapeContext& ctx) {
            return std::vector<SampleShape>{pool_shape(ctx, ctx.get_pair("dilation"))};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::MaxPool2d>(size2(p.at("kernel_size")), size2(p.at("stride")),
                                               size2(p.at("padding")), size2(p.at("dilation")),
                                               false, p.at("ceil_mode").get<bool>());
      },
      .onnx_export = onnx_rules::max_pool,
      .onnx_import = onnx_import::max_pool(),
      .torch_code = torch_module([](const TorchWriting& c) {
        return "nn.MaxPool2d(" + c.size_arg("kernel_size") + stride_torch(c) +
               c.keywords({"padding", "dilation", "ceil_mode"}) + ")";
      }),
  });

  std::vector<ParamSpec> avg_params = window_specs();
  avg_params.push_back(bool_spec("ceil_mode", false, "round the output size up instead of down"));
  avg_params.push_back(bool_spec("count_include_pad", true, "count padded zeros in the average"));
  // NOTE: PyTorch's None is 0 here (an Int cannot be null, and PyTorch rejects 0 anyway).
  avg_params.push_back({.name = "divisor_override",
                        .kind = ParamKind::Int,
                        .default_value = 0,
                        .description = "divide by this instead of the window size; 0 means none",
                        .min = 0});
  r.add({
      .name = "AvgPool2d",
      .category = "Pooling",
      .description = "2-d average pooling: the mean of each window",
      .params = avg_params,
      .inputs = {{"input", "(N, C, H, W)"}},
      .outputs = {{"output", "(N, C, H_out, W_out)"}},
      .shape =
          [](ShapeContext& ctx) {
            return std::vector<SampleShape>{pool_shape(ctx, {1, 1})};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        const auto divisor = p.at("divisor_override").get<int64_t>();
        return std::make_shared<nn::AvgPool2d>(
            size2(p.at("kernel_size")), size2(p.at("stride")), size2(p.at("padding")),
            p.at("ceil_mode").get<bool>(), p.at("count_include_pad").get<bool>(),
            divisor ? std::optional<int64_t>(divisor) : std::nullopt);
      },
      .onnx_export = onnx_rules::avg_pool,
      .onnx_import = onnx_import::avg_pool(),
      // divisor_override 0, the default, is PyTorch's None.
      .torch_code = torch_module([](const TorchWriting& c) {
        return "nn.AvgPool2d(" + c.size_arg("kernel_size") + stride_torch(c) +
               c.keywords({"padding", "ceil_mode", "count_include_pad", "divisor_override"}) + ")";
      }),
  });

  r.add({
      .name = "AdaptiveAvgPool2d",
      .category = "Pooling",
      .description = "2-d average pooling to a fixed output size, whatever the input size",
      .params = {pair_spec("output_size", nullptr, "output height and width: 1 or [height, width]",
                           1)},
      .inputs = {{"input", "(N, C, H, W)"}},
      .outputs = {{"output", "(N, C, *output_size)"}},
      .shape =
          [](ShapeContext& ctx) {
            expect_image(ctx.inputs[0]);
            const auto [h, w] = ctx.get_pair("output_size");
            return std::vector<SampleShape>{{ctx.inputs[0][0], h, w}};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::AdaptiveAvgPool2d>(size2(p.at("output_size")));
      },
      .onnx_export = onnx_rules::adaptive_avg_pool,
      .onnx_import = onnx_import::adaptive_avg_pool(),
      .torch_code = torch_module([](const TorchWriting& c) {
        return "nn.AdaptiveAvgPool2d(" + c.size_arg("output_size") + ")";
      }),
  });
}

}  // namespace nw::graph
