// ConvTranspose2d: learned upsampling, with PyTorch's parameters (zero padding only).
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/conv_params.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"

namespace nw::graph {

using namespace conv;

void register_conv_transpose_layer(Registry& r) {
  r.add({
      .name = "ConvTranspose2d",
      .category = "Convolution",
      .description = "Transposed 2-d convolution: learned upsampling, the adjoint of Conv2d",
      .params = {in_channels(), out_channels(),
                 int_or_pair("kernel_size", nullptr, "window size: 3 or [height, width]", 1),
                 int_or_pair("stride", 1, "upsampling factor: 1 or [height, width]", 1),
                 int_or_pair("padding", 0, "rows and columns cropped from each side of the output",
                             0),
                 int_or_pair("output_padding", 0,
                             "extra rows and columns on one side of the output; below stride or "
                             "dilation",
                             0),
                 groups(), bias(),
                 int_or_pair("dilation", 1, "spacing between kernel elements", 1)},
      .inputs = {{"input", "(N, in_channels, H, W)"}},
      .outputs = {{"output", "(N, out_channels, H_out, W_out)"}},
      .shape =
          [](ShapeContext& ctx) {
            const SampleShape& s = ctx.inputs[0];
            expect_rank(s, 3, "(N, C, H, W)",
                        s.size() < 3 ? "put an Unflatten before it (e.g. to (64, 7, 7))"
                                     : "Reshape the input to (C, H, W)");
            ctx.infer("in_channels", s[0], "channels");
            check_groups(ctx);
            const auto [kh, kw] = ctx.get_pair("kernel_size");
            const auto [sh, sw] = ctx.get_pair("stride");
            const auto [ph, pw] = ctx.get_pair("padding");
            const auto [oph, opw] = ctx.get_pair("output_padding");
            const auto [dh, dw] = ctx.get_pair("dilation");
            if ((oph >= sh && oph >= dh) || (opw >= sw && opw >= dw))
              throw ShapeRuleError("output_padding " + size_text(oph, opw) +
                                   " must be smaller than stride " + size_text(sh, sw) +
                                   " or dilation " + size_text(dh, dw) + "; lower output_padding");
            const int64_t oh = (s[1] - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
            const int64_t ow = (s[2] - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
            if (oh < 1 || ow < 1)
              throw ShapeRuleError(
                  "padding " + size_text(ph, pw) + " crops away the whole output; lower padding",
                  0);
            return std::vector<SampleShape>{{ctx.get_int("out_channels"), oh, ow}};
          },
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::ConvTranspose2d>(
            p.at("in_channels").get<int64_t>(), p.at("out_channels").get<int64_t>(),
            size2(p.at("kernel_size")), size2(p.at("stride")), size2(p.at("padding")),
            size2(p.at("output_padding")), p.at("groups").get<int64_t>(), p.at("bias").get<bool>(),
            size2(p.at("dilation")));
      },
      // Every input position scatters through every weight of its group.
      .macs =
          [](const ShapeContext& ctx, const std::vector<SampleShape>&) {
            const SampleShape& in = ctx.inputs[0];
            const auto [kh, kw] = ctx.get_pair("kernel_size");
            return in[0] * in[1] * in[2] * (ctx.get_int("out_channels") / ctx.get_int("groups")) *
                   kh * kw;
          },
      .count = conv2d_count,
      .onnx_export = onnx_rules::conv_transpose,
      .onnx_import = onnx_import::conv_transpose(),
      .torch_code = torch_module([](const TorchWriting& c) {
        return "nn.ConvTranspose2d(" + c.arg("in_channels") + ", " + c.arg("out_channels") + ", " +
               c.size_arg("kernel_size") +
               c.keywords({"stride", "padding", "output_padding", "groups", "bias", "dilation"}) +
               ")";
      }),
  });
}

}  // namespace nw::graph
