// conv1d, conv2d and conv_transpose2d: each is reduced to one 4-d plan (ConvPlan) that the layer
// kernels run, forward and backward side by side. A transposed convolution runs the kernels in
// the other direction: its forward is conv2d's backward-data and its input gradient is conv2d's
// forward, so both share every kernel.
#include "nn/functional/conv.h"

#include "nn/functional/layer_util.h"

namespace nw::nn::functional {

namespace {

using autograd::SavedTensor;
using layer_util::kernel_view;
using layer_util::KernelOutput;

constexpr const char* kNode = "ConvolutionBackward0";

struct ConvPlan {
  ConvGeometry g;
  bool transposed = false;
  Shape x4, w4, out4;  // what the kernels see
  Shape out_shape;     // what the caller gets
};

// "(3, 3)" for 2-d convolutions, "3" for 1-d ones, whose height is an implementation detail.
std::string sp(int64_t h, int64_t w, int spatial) {
  return spatial == 1 ? std::to_string(w) : Size2(h, w).pair_str();
}

// Checks channels, groups and bias, and fills everything but the output size.
ConvPlan plan_channels(const char* op, const Tensor& x, const Tensor& weight, const Tensor& bias,
                       int64_t groups, bool transposed, int spatial) {
  layer_util::check_float(op, x, "input");
  layer_util::check_float(op, weight, "weight");
  layer_util::check_like(op, x, weight, "weight");
  layer_util::check_like(op, x, bias, "bias");
  const int64_t batched = spatial + 2;
  layer_util::check_rank(op, x, batched,
                         spatial == 2 ? "(N, C, H, W) or (C, H, W)" : "(N, C, L) or (C, L)");
  if (weight.dim() != batched)
    throw ShapeError(
        std::string(op) + ": weight must have " + std::to_string(batched) + " dimensions (" +
        (transposed ? "in_channels, out_channels/groups"
                    : "out_channels, "
                      "in_channels/groups") +
        (spatial == 2 ? ", kH, kW" : ", kernel_size") + "), got " + shape_str(weight.sizes()));
  if (groups < 1)
    throw ShapeError(std::string(op) + ": groups must be positive, got " + std::to_string(groups));
  ConvPlan p;
  p.transposed = transposed;
  p.g.groups = groups;
  const bool unbatched = x.dim() == batched - 1;
  const int64_t N = unbatched ? 1 : x.size(0), C = x.size(-spatial - 1);
  const int64_t H = spatial == 2 ? x.size(-2) : 1, W = x.size(-1);
  const int64_t kH = spatial == 2 ? weight.size(2) : 1, kW = weight.size(-1);
  p.x4 = {N, C, H, W};
  p.w4 = {weight.size(0), weight.size(1), kH, kW};

  // The weight's "input" side: dim 1 times groups for a convolution, dim 0 for a transposed one.
  const int64_t expects = transposed ? weight.size(0) : weight.size(1) * groups;
  if (C != expects) {
    std::string grp = groups > 1 ? ", groups=" + std::to_string(groups) : "";
    throw ShapeError(std::string(op) + ": input has " + std::to_string(C) +
                     " channels but weight expects " + std::to_string(expects) + " (weight " +
                     shape_str(weight.sizes()) + grp + "); set in_channels to " +
                     std::to_string(C));
  }
  if (C == 0) throw ShapeError(std::string(op) + ": input has 0 channels");
  const int64_t O = transposed ? weight.size(1) * groups : weight.size(0);
  if (C % groups != 0 || O % groups != 0)
    throw ShapeError(std::string(op) + ": in_channels (" + std::to_string(C) +
                     ") and out_channels (" + std::to_string(O) +
                     ") must both be divisible by groups (" + std::to_string(groups) + ")");
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != O))
    throw ShapeError(std::string(op) + ": bias must have shape (" + std::to_string(O) +
                     ") (one value per output channel), got " + shape_str(bias.sizes()));
  p.out4 = {N, O, 0, 0};
  return p;
}

// The returned shape: out4 without the dimensions conv1d and unbatched inputs do not have.
void finish(ConvPlan& p, const Tensor& x, int spatial) {
  if (p.out4[2] < 1 || p.out4[3] < 1) throw ShapeError("convolution: the output would be empty");
  p.out_shape.clear();
  if (x.dim() == spatial + 2) p.out_shape.push_back(p.out4[0]);
  p.out_shape.push_back(p.out4[1]);
  if (spatial == 2) p.out_shape.push_back(p.out4[2]);
  p.out_shape.push_back(p.out4[3]);
}

ConvPlan plan_conv(const char* op, const Tensor& x, const Tensor& weight, const Tensor& bias,
                   Size2 stride, const Padding& padding, Size2 dilation, int64_t groups,
                   int spatial) {
  ConvPlan p = plan_channels(op, x, weight, bias, groups, false, spatial);
  layer_util::check_at_least(op, stride, 1, "stride");
  layer_util::check_at_least(op, dilation, 1, "dilation");
  const int64_t H = p.x4[2], W = p.x4[3], kH = p.w4[2], kW = p.w4[3];
  Size2 pad = padding.size;
  if (padding.mode == "same") {
    if (stride.h != 1 || stride.w != 1)
      throw ShapeError(std::string(op) + ": padding='same' needs stride 1, got stride " +
                       sp(stride.h, stride.w, spatial) + "; give the padding as numbers instead");
    // The window's span minus one, split with the extra zero (if odd) on the far side; the
    // kernels read the far side from the output size.
    pad = Size2(dilation.h * (kH - 1) / 2, dilation.w * (kW - 1) / 2);
  } else if (padding.mode == "valid") {
    pad = Size2(0);
  } else if (!padding.mode.empty()) {
    throw ShapeError(std::string(op) + ": padding must be a number, a pair, \"same\" or " +
                     "\"valid\", got \"" + padding.mode + "\"");
  }
  layer_util::check_at_least(op, pad, 0, "padding");
  p.g = {stride.h, stride.w, pad.h, pad.w, dilation.h, dilation.w, groups};
  const int64_t span_h = dilation.h * (kH - 1) + 1, span_w = dilation.w * (kW - 1) + 1;
  if (padding.mode == "same") {
    p.out4[2] = H;
    p.out4[3] = W;
  } else {
    if (H + 2 * pad.h < span_h || W + 2 * pad.w < span_w)
      throw ShapeError(std::string(op) + ": the kernel spans " + sp(span_h, span_w, spatial) +
                       " (kernel " + sp(kH, kW, spatial) + ", dilation " +
                       sp(dilation.h, dilation.w, spatial) + ") but the padded input is only " +
                       sp(H + 2 * pad.h, W + 2 * pad.w, spatial) + " (input " +
                       shape_str(x.sizes()) + "); use a smaller kernel or more padding");
    p.out4[2] = (H + 2 * pad.h - span_h) / stride.h + 1;
    p.out4[3] = (W + 2 * pad.w - span_w) / stride.w + 1;
  }
  finish(p, x, spatial);
  return p;
}

Tensor conv_forward(const ConvPlan& p, const Tensor& x, const Tensor& w, const Tensor& bias) {
  LayerKernels& k = layer_kernels_for(x.device());
  const Tensor x4 = kernel_view(x, p.x4), w4 = kernel_view(w, p.w4);
  KernelOutput out(p.out_shape, p.out4, x);
  if (!p.transposed) {
    k.conv2d_forward(x4, w4, bias.defined() ? bias.detach().contiguous() : Tensor(), out.view, p.g);
  } else {
    k.conv2d_backward_data(x4, w4, out.view, p.g);
    if (bias.defined()) {
      NoGradGuard no_grad;
      out.view.add_(bias.detach().reshape({1, bias.numel(), 1, 1}));
    }
  }
  return out.result;
}

std::vector<Tensor> conv_backward(const ConvPlan& p, const Tensor& g, const Tensor& x,
                                  const Tensor& w, const Shape& x_shape, const Shape& w_shape,
                                  bool need_x, bool need_w, bool need_b) {
  LayerKernels& k = layer_kernels_for(g.device());
  const Tensor g4 = kernel_view(g, p.out4);
  Tensor gx, gw, gb;
  if (need_x) {
    KernelOutput o(x_shape, p.x4, g);
    const Tensor w4 = kernel_view(w, p.w4);
    if (p.transposed)
      k.conv2d_forward(g4, w4, Tensor(), o.view, p.g);
    else
      k.conv2d_backward_data(g4, w4, o.view, p.g);
    gx = o.result;
  }
  if (need_w) {
    KernelOutput o(w_shape, p.w4, g);
    const Tensor x4 = kernel_view(x, p.x4);
    if (p.transposed) {
      k.conv2d_backward_weight(x4, g4, o.view, Tensor(), p.g);
    } else {
      if (need_b) gb = nw::detail::new_tensor({p.out4[1]}, g.dtype(), g.device());
      k.conv2d_backward_weight(g4, x4, o.view, gb, p.g);
    }
    gw = o.result;
  }
  if (need_b && !gb.defined()) gb = g4.sum({0, 2, 3});
  return {gx, gw, gb};
}

// Runs the plan and records its backward node.
Tensor convolution(const ConvPlan& p, const Tensor& x, const Tensor& w, const Tensor& bias) {
  Tensor out = conv_forward(p, x, w, bias);
  if (autograd::needs_grad({&x, &w, &bias})) {
    const bool need_x = x.requires_grad(), need_w = w.requires_grad();
    const bool need_b = bias.defined() && bias.requires_grad();
    // Each input is kept only if the other one's gradient needs it.
    autograd::record(out, kNode, {x, w, bias},
                     [p, need_x, need_w, need_b, sx = need_w ? SavedTensor(x) : SavedTensor(),
                      sw = need_x ? SavedTensor(w) : SavedTensor(), x_shape = x.sizes(),
                      w_shape = w.sizes()](const Tensor& g) {
                       return conv_backward(p, g, sx.unpack(kNode), sw.unpack(kNode), x_shape,
                                            w_shape, need_x, need_w, need_b);
                     });
  }
  return out;
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Size2 stride,
              Padding padding, Size2 dilation, int64_t groups) {
  return convolution(plan_conv("conv2d", x, weight, bias, stride, padding, dilation, groups, 2), x,
                     weight, bias);
}

Tensor conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias, int64_t stride,
              Padding padding, int64_t dilation, int64_t groups) {
  if (padding.mode.empty() && !padding.size.single)
    throw ShapeError("conv1d: padding must be one number, \"same\" or \"valid\", got " +
                     padding.size.pair_str());
  // Height 1: no stride, dilation or padding along it.
  Padding pad2 = padding.mode.empty() ? Padding(0, padding.size.w) : padding;
  return convolution(
      plan_conv("conv1d", x, weight, bias, Size2(1, stride), pad2, Size2(1, dilation), groups, 1),
      x, weight, bias);
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Size2 stride,
                        Size2 padding, Size2 output_padding, int64_t groups, Size2 dilation) {
  const char* op = "conv_transpose2d";
  ConvPlan p = plan_channels(op, x, weight, bias, groups, true, 2);
  layer_util::check_at_least(op, stride, 1, "stride");
  layer_util::check_at_least(op, dilation, 1, "dilation");
  layer_util::check_at_least(op, padding, 0, "padding");
  layer_util::check_at_least(op, output_padding, 0, "output_padding");
  if ((output_padding.h >= stride.h && output_padding.h >= dilation.h) ||
      (output_padding.w >= stride.w && output_padding.w >= dilation.w))
    throw ShapeError(std::string(op) + ": output_padding " + output_padding.pair_str() +
                     " must be smaller than either stride " + stride.pair_str() + " or dilation " +
                     dilation.pair_str());
  p.g = {stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w, groups};
  const int64_t H = p.x4[2], W = p.x4[3], kH = p.w4[2], kW = p.w4[3];
  p.out4[2] = (H - 1) * stride.h - 2 * padding.h + dilation.h * (kH - 1) + output_padding.h + 1;
  p.out4[3] = (W - 1) * stride.w - 2 * padding.w + dilation.w * (kW - 1) + output_padding.w + 1;
  if (p.out4[2] < 1 || p.out4[3] < 1)
    throw ShapeError(std::string(op) + ": padding " + padding.pair_str() + " leaves no output (" +
                     Size2(p.out4[2], p.out4[3]).pair_str() + ") for input " +
                     shape_str(x.sizes()) + " and weight " + shape_str(weight.sizes()) +
                     "; use less padding");
  finish(p, x, 2);
  return convolution(p, x, weight, bias);
}

}  // namespace nw::nn::functional
