// Convolution layers: Conv1d and Conv2d (ConvTranspose2d is layers_conv_transpose.cpp), with
// PyTorch's parameters. Padding is zeros only (nn has no padding_mode), so padding_mode is not
// offered.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/conv_params.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"

namespace nw::graph {

namespace conv {

using nn::Padding;
using nn::Size2;

// ---- parameters, read in the form the shape rule and the factory both need

Size2 size2(const ParamValue& v) {
  if (v.is_array()) return Size2(v[0].get<int64_t>(), v[1].get<int64_t>());
  return Size2(v.get<int64_t>());
}

Padding padding_of(const ParamValue& v) {
  if (v.is_string()) return Padding(v.get<std::string>());
  if (v.is_array()) return Padding(v[0].get<int64_t>(), v[1].get<int64_t>());
  return Padding(v.get<int64_t>());
}

// "3" or "(3, 5)". Appended, not "(" + ...: that form trips GCC 12's -Wrestrict.
std::string size_text(int64_t h, int64_t w) {
  if (h == w) return std::to_string(h);
  std::string s = "(";
  return s.append(std::to_string(h)).append(", ").append(std::to_string(w)).append(")");
}

// One spatial dimension of a window op.
struct Axis {
  int64_t in, kernel, stride, pad, dilation;
  int64_t span() const { return dilation * (kernel - 1) + 1; }
  bool fits() const { return span() <= in + 2 * pad; }
  int64_t out() const { return (in + 2 * pad - span()) / stride + 1; }
};

// Throws unless the kernel fits the padded input: "kernel_size 5 is larger than the padded
// input 4x4; lower kernel_size or add padding". one_d: only `w` is real (Conv1d's length).
void check_fits(const Axis& h, const Axis& w, bool one_d) {
  if (h.fits() && w.fits()) return;
  const bool dilated = h.dilation > 1 || w.dilation > 1;
  const std::string kernel = one_d ? std::to_string(w.kernel) : size_text(h.kernel, w.kernel);
  const std::string span = one_d ? std::to_string(w.span()) : size_text(h.span(), w.span());
  const std::string input =
      one_d ? "length " + std::to_string(w.in + 2 * w.pad)
            : std::to_string(h.in + 2 * h.pad) + "x" + std::to_string(w.in + 2 * w.pad);
  throw ShapeRuleError(
      (dilated ? "the dilated kernel (span " + span + ")" : "kernel_size " + kernel) +
          " is larger than the padded input " + input + "; lower kernel_size" +
          (dilated ? " or dilation" : "") + " or add padding",
      0);
}

void check_groups(const ShapeContext& ctx) {
  const int64_t in = ctx.get_int("in_channels"), out = ctx.get_int("out_channels"),
                g = ctx.get_int("groups");
  if (in % g || out % g)
    throw ShapeRuleError("groups " + std::to_string(g) + " must divide in_channels (" +
                         std::to_string(in) + ") and out_channels (" + std::to_string(out) +
                         "); pick groups that divides both, or 1");
}

void expect_rank(const SampleShape& s, size_t rank, const std::string& wanted,
                 const std::string& fix) {
  if (s.size() != rank)
    throw ShapeRuleError("expects " + wanted + " input, gets " + format_shape(s) + "; " + fix, 0);
}

// The padding of one axis as a number: "valid" is 0; "same" is conv_out's.
int64_t pad_of(const ShapeContext& ctx, bool height) {
  const ParamValue& v = ctx.params.at("padding");
  if (v.is_string()) return 0;
  const auto [h, w] = ctx.get_pair("padding");
  return height ? h : w;
}

// A convolution's output height and width, honouring padding "same".
std::pair<int64_t, int64_t> conv_out(const ShapeContext& ctx, const Axis& h, const Axis& w,
                                     bool one_d = false) {
  if (ctx.get_string("padding") == "same") {
    if (h.stride != 1 || w.stride != 1)
      throw ShapeRuleError("padding \"same\" needs stride 1, gets stride " +
                           (one_d ? std::to_string(w.stride) : size_text(h.stride, w.stride)) +
                           "; set stride to 1 or give padding as numbers");
    return {h.in, w.in};
  }
  check_fits(h, w, one_d);
  return {h.out(), w.out()};
}

// Conv1d/Conv2d(in, out, kernel, stride=, ...); padding may be "same" or "valid", as PyTorch
// takes it.
std::string conv_torch(const std::string& cls, const TorchWriting& c) {
  return cls + "(" + c.arg("in_channels") + ", " + c.arg("out_channels") + ", " +
         c.size_arg("kernel_size") +
         c.keywords({"stride", "padding", "dilation", "groups", "bias"}) + ")";
}

ParamSpec in_channels() {
  return {.name = "in_channels",
          .kind = ParamKind::Int,
          .description = "channels of the input, C in (N, C, ...)",
          .min = 1,
          .inferred = true};
}

ParamSpec out_channels() {
  return {.name = "out_channels",
          .kind = ParamKind::Int,
          .description = "channels of the output: the number of filters",
          .min = 1};
}

ParamSpec int_or_pair(std::string name, ParamValue def, std::string description, double min) {
  return {.name = std::move(name),
          .kind = ParamKind::IntPair,
          .default_value = std::move(def),
          .description = std::move(description),
          .min = min};
}

ParamSpec groups() {
  return {.name = "groups",
          .kind = ParamKind::Int,
          .default_value = 1,
          .description = "blocked connections: channels split into this many independent groups",
          .min = 1};
}

ParamSpec bias() {
  return {.name = "bias",
          .kind = ParamKind::Bool,
          .default_value = true,
          .description = "learn an additive bias per output channel"};
}

ParamSpec conv_padding(ParamKind kind, std::string description) {
  return {.name = "padding",
          .kind = kind,
          .default_value = 0,
          .description = std::move(description),
          .min = 0,
          .choices = {"valid", "same"}};
}

// Multiply-accumulates per sample of a convolution: one per weight per output position.
int64_t conv_macs(const ShapeContext& ctx, const std::vector<SampleShape>& out) {
  int64_t n = ctx.get_int("in_channels") / ctx.get_int("groups");
  for (int64_t d : out[0]) n *= d;  // out_channels x spatial
  const auto [kh, kw] = ctx.get_pair("kernel_size");
  return n * kh * kw;
}

// weight (out, in / groups, kernel) or, transposed, (in, out / groups, kernel): the same count.
int64_t conv_count(const ParamMap& p, int64_t kernel) {
  const int64_t in = p.at("in_channels").get<int64_t>(), out = p.at("out_channels").get<int64_t>(),
                g = p.at("groups").get<int64_t>();
  if (in % g || out % g) throw Error("groups must divide in_channels and out_channels");
  return in / g * out * kernel + (p.at("bias").get<bool>() ? out : 0);
}
int64_t conv2d_count(const ParamMap& p) {
  const Size2 k = size2(p.at("kernel_size"));
  return conv_count(p, k.h * k.w);
}

}  // namespace conv

using namespace conv;

void register_convolution_layers(Registry& r) {
  r.add({
      .name = "Conv1d",
      .category = "Convolution",
      .description = "1-d convolution over (channels, length), e.g. of a signal or a sequence",
      .params = {in_channels(),
                 out_channels(),
                 {.name = "kernel_size",
                  .kind = ParamKind::Int,
                  .description = "length of the sliding window",
                  .min = 1},
                 {.name = "stride",
                  .kind = ParamKind::Int,
                  .default_value = 1,
                  .description = "step of the window",
                  .min = 1},
                 conv_padding(ParamKind::Padding,
                              "zeros added at both ends: a number, \"valid\" (none) or \"same\" "
                              "(output as long as the input; stride 1 only)"),
                 {.name = "dilation",
                  .kind = ParamKind::Int,
                  .default_value = 1,
                  .description = "spacing between kernel elements",
                  .min = 1},
                 groups(),
                 bias()},
      .inputs = {{"input", "(N, in_channels, L)"}},
      .outputs = {{"output", "(N, out_channels, L_out)"}},
      .shape =
          [](ShapeContext& ctx) {
            const SampleShape& s = ctx.inputs[0];
            expect_rank(s, 2, "(N, C, L)",
                        s.size() == 1 ? "put an Unflatten before it to add a channel dimension"
                                      : "use Conv2d for images, or Reshape to (C, L)");
            if (ctx.params.at("padding").is_array())
              throw ShapeRuleError("Conv1d takes one padding number, gets " +
                                   ctx.params.at("padding").dump() + "; set padding to one number");
            ctx.infer("in_channels", s[0], "channels");
            check_groups(ctx);
            // A length is an image of height 1: the same rule with a 1x1 height axis.
            const Axis h{1, 1, 1, 0, 1};
            const Axis w{s[1], ctx.get_int("kernel_size"), ctx.get_int("stride"), pad_of(ctx, true),
                         ctx.get_int("dilation")};
            const int64_t length = conv_out(ctx, h, w, true).second;
            return std::vector<SampleShape>{{ctx.get_int("out_channels"), length}};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::Conv1d>(
            p.at("in_channels").get<int64_t>(), p.at("out_channels").get<int64_t>(),
            p.at("kernel_size").get<int64_t>(), p.at("stride").get<int64_t>(),
            padding_of(p.at("padding")), p.at("dilation").get<int64_t>(),
            p.at("groups").get<int64_t>(), p.at("bias").get<bool>());
      },
      .macs =
          [](const ShapeContext& ctx, const std::vector<SampleShape>& out) {
            return ctx.get_int("in_channels") / ctx.get_int("groups") * out[0][0] * out[0][1] *
                   ctx.get_int("kernel_size");
          },
      .count = [](const ParamMap& p) { return conv_count(p, p.at("kernel_size").get<int64_t>()); },
      .onnx_export = onnx_rules::conv,
      .onnx_import = onnx_import::conv(3),
      .torch_code = torch_module([](const TorchWriting& c) { return conv_torch("nn.Conv1d", c); }),
  });

  r.add({
      .name = "Conv2d",
      .category = "Convolution",
      .description = "2-d convolution over (channels, height, width): learned filters on images",
      .params = {in_channels(), out_channels(),
                 int_or_pair("kernel_size", nullptr, "window size: 3 or [height, width]", 1),
                 int_or_pair("stride", 1, "step of the window: 1 or [height, width]", 1),
                 conv_padding(ParamKind::Padding,
                              "zeros added on each side: a number, [height, width], \"valid\" "
                              "(none) or \"same\" (output as large as the input; stride 1 only)"),
                 int_or_pair("dilation", 1, "spacing between kernel elements", 1), groups(),
                 bias()},
      .inputs = {{"input", "(N, in_channels, H, W)"}},
      .outputs = {{"output", "(N, out_channels, H_out, W_out)"}},
      .shape =
          [](ShapeContext& ctx) {
            const SampleShape& s = ctx.inputs[0];
            expect_rank(s, 3, "(N, C, H, W)",
                        s.size() < 3 ? "put an Unflatten before it (e.g. to (1, 28, 28)) or use "
                                       "Linear"
                                     : "Reshape the input to (C, H, W)");
            ctx.infer("in_channels", s[0], "channels");
            check_groups(ctx);
            const auto [kh, kw] = ctx.get_pair("kernel_size");
            const auto [sh, sw] = ctx.get_pair("stride");
            const auto [dh, dw] = ctx.get_pair("dilation");
            const Axis h{s[1], kh, sh, pad_of(ctx, true), dh};
            const Axis w{s[2], kw, sw, pad_of(ctx, false), dw};
            const auto [oh, ow] = conv_out(ctx, h, w);
            return std::vector<SampleShape>{{ctx.get_int("out_channels"), oh, ow}};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::Conv2d>(
            p.at("in_channels").get<int64_t>(), p.at("out_channels").get<int64_t>(),
            size2(p.at("kernel_size")), size2(p.at("stride")), padding_of(p.at("padding")),
            size2(p.at("dilation")), p.at("groups").get<int64_t>(), p.at("bias").get<bool>());
      },
      .macs = conv_macs,
      .count = conv2d_count,
      .onnx_export = onnx_rules::conv,
      .onnx_import = onnx_import::conv(4),
      .torch_code = torch_module([](const TorchWriting& c) { return conv_torch("nn.Conv2d", c); }),
  });
  register_conv_transpose_layer(r);  // next to Conv2d in the palette
}

}  // namespace nw::graph
