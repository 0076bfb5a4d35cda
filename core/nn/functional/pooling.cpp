// max_pool2d, avg_pool2d and adaptive_avg_pool2d: shape rules and checks as PyTorch's
// (pool2d_shape_check), kernels from the device's LayerKernels, backward beside forward.
#include "nn/functional/pooling.h"

#include "nn/functional/layer_util.h"

namespace nw::nn::functional {

namespace {

using autograd::SavedTensor;
using layer_util::kernel_view;
using layer_util::KernelOutput;

// A pooling call in the 4-d form the kernels take.
struct PoolPlan {
  PoolGeometry g;
  Shape x4, out4, out_shape;
};

// PyTorch's pooling_output_shape: floor or ceil division, and in ceil mode no window may start
// past the input and its left padding.
int64_t pooled_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dilation,
                    bool ceil_mode) {
  const int64_t num = in + 2 * pad - dilation * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

void check_input(const char* op, const Tensor& x) {
  layer_util::check_float(op, x, "input");
  layer_util::check_rank(op, x, 4, "(N, C, H, W) or (C, H, W)");
  if (x.size(-1) == 0 || x.size(-2) == 0 || x.size(-3) == 0)
    throw ShapeError(std::string(op) + ": input " + shape_str(x.sizes()) +
                     " has an empty channel or spatial dimension");
}

// x4 and out_shape around the output's spatial size.
void set_shapes(PoolPlan& p, const Tensor& x, int64_t oH, int64_t oW) {
  const bool batched = x.dim() == 4;
  p.x4 = {batched ? x.size(0) : 1, x.size(-3), x.size(-2), x.size(-1)};
  p.out4 = {p.x4[0], p.x4[1], oH, oW};
  p.out_shape = batched ? p.out4 : Shape{p.x4[1], oH, oW};
}

PoolPlan plan_pool(const char* op, const Tensor& x, Size2 kernel, Size2 stride, Size2 padding,
                   Size2 dilation, bool ceil_mode) {
  check_input(op, x);
  if (!stride.given) stride = kernel;
  layer_util::check_at_least(op, kernel, 1, "kernel_size");
  layer_util::check_at_least(op, stride, 1, "stride");
  layer_util::check_at_least(op, dilation, 1, "dilation");
  layer_util::check_at_least(op, padding, 0, "padding");
  if (padding.h > kernel.h / 2 || padding.w > kernel.w / 2)
    throw ShapeError(std::string(op) + ": padding " + padding.pair_str() +
                     " must be at most half the kernel size " + kernel.pair_str() +
                     "; use a larger kernel or less padding");
  const int64_t H = x.size(-2), W = x.size(-1);
  const int64_t oH = pooled_size(H, kernel.h, padding.h, stride.h, dilation.h, ceil_mode);
  const int64_t oW = pooled_size(W, kernel.w, padding.w, stride.w, dilation.w, ceil_mode);
  if (oH < 1 || oW < 1)
    throw ShapeError(std::string(op) + ": input " + shape_str(x.sizes()) +
                     " is too small for kernel " + kernel.pair_str() + " with padding " +
                     padding.pair_str() + " and dilation " + dilation.pair_str() +
                     " (output would be " + Size2(oH, oW).pair_str() +
                     "); use a smaller kernel or more padding");
  PoolPlan p;
  p.g.kernel_h = kernel.h;
  p.g.kernel_w = kernel.w;
  p.g.stride_h = stride.h;
  p.g.stride_w = stride.w;
  p.g.pad_h = padding.h;
  p.g.pad_w = padding.w;
  p.g.dilation_h = dilation.h;
  p.g.dilation_w = dilation.w;
  set_shapes(p, x, oH, oW);
  return p;
}

}  // namespace

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, Size2 kernel_size, Size2 stride,
                                                  Size2 padding, Size2 dilation, bool ceil_mode) {
  const PoolPlan p = plan_pool("max_pool2d", x, kernel_size, stride, padding, dilation, ceil_mode);
  LayerKernels& k = layer_kernels_for(x.device());
  KernelOutput out(p.out_shape, p.out4, x);
  Tensor indices = nw::detail::new_tensor(p.out_shape, kInt64, x.device());
  const Tensor idx4 = nw::detail::make_view(indices, p.out4, contiguous_strides(p.out4), 0);
  k.max_pool2d_forward(kernel_view(x, p.x4), out.view, idx4, p.g);
  if (autograd::needs_grad({&x})) {
    constexpr const char* kNode = "MaxPool2DWithIndicesBackward0";
    autograd::record(out.result, kNode, {x},
                     [p, idx = SavedTensor(indices), x_shape = x.sizes()](const Tensor& g) {
                       KernelOutput gx(x_shape, p.x4, g);
                       layer_kernels_for(g.device())
                           .max_pool2d_backward(kernel_view(g, p.out4),
                                                kernel_view(idx.unpack(kNode), p.out4), gx.view);
                       return std::vector<Tensor>{gx.result};
                     });
  }
  return {out.result, indices};
}

Tensor max_pool2d(const Tensor& x, Size2 kernel_size, Size2 stride, Size2 padding, Size2 dilation,
                  bool ceil_mode) {
  return max_pool2d_with_indices(x, kernel_size, stride, padding, dilation, ceil_mode).first;
}

Tensor avg_pool2d(const Tensor& x, Size2 kernel_size, Size2 stride, Size2 padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  PoolPlan p = plan_pool("avg_pool2d", x, kernel_size, stride, padding, 1, ceil_mode);
  if (divisor_override && *divisor_override == 0)
    throw ShapeError("avg_pool2d: divisor_override must not be zero");
  p.g.count_include_pad = count_include_pad;
  p.g.divisor_override = divisor_override.value_or(0);
  KernelOutput out(p.out_shape, p.out4, x);
  layer_kernels_for(x.device()).avg_pool2d_forward(kernel_view(x, p.x4), out.view, p.g);
  if (autograd::needs_grad({&x})) {
    autograd::record(
        out.result, "AvgPool2DBackward0", {x}, [p, x_shape = x.sizes()](const Tensor& g) {
          KernelOutput gx(x_shape, p.x4, g);
          layer_kernels_for(g.device()).avg_pool2d_backward(kernel_view(g, p.out4), gx.view, p.g);
          return std::vector<Tensor>{gx.result};
        });
  }
  return out.result;
}

Tensor adaptive_avg_pool2d(const Tensor& x, Size2 output_size) {
  const char* op = "adaptive_avg_pool2d";
  check_input(op, x);
  layer_util::check_at_least(op, output_size, 1, "output_size");
  PoolPlan p;
  set_shapes(p, x, output_size.h, output_size.w);
  KernelOutput out(p.out_shape, p.out4, x);
  layer_kernels_for(x.device()).adaptive_avg_pool2d_forward(kernel_view(x, p.x4), out.view);
  if (autograd::needs_grad({&x})) {
    autograd::record(out.result, "AdaptiveAvgPool2DBackward0", {x},
                     [p, x_shape = x.sizes()](const Tensor& g) {
                       KernelOutput gx(x_shape, p.x4, g);
                       layer_kernels_for(g.device())
                           .adaptive_avg_pool2d_backward(kernel_view(g, p.out4), gx.view);
                       return std::vector<Tensor>{gx.result};
                     });
  }
  return out.result;
}

}  // namespace nw::nn::functional
