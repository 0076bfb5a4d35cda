// batch_norm: argument checks, the (N, C, S) view the kernels take, the running-stat update and
// the backward node.
#include "nn/functional/batchnorm.h"

#include "nn/functional/layer_util.h"

namespace nw::nn::functional {

namespace {

using autograd::SavedTensor;
using layer_util::kernel_view;
using layer_util::KernelOutput;

constexpr const char* kOp = "batch_norm";
constexpr const char* kNode = "NativeBatchNormBackward0";

// A per-channel tensor: undefined, or (C) of x's dtype and device.
void check_channel_tensor(const Tensor& x, const Tensor& t, const char* what) {
  if (!t.defined()) return;
  layer_util::check_like(kOp, x, t, what);
  if (t.dim() != 1 || t.size(0) != x.size(1))
    throw ShapeError(std::string(kOp) + ": " + what + " must have shape (" +
                     std::to_string(x.size(1)) + "), one value per channel of the input " +
                     shape_str(x.sizes()) + ", got " + shape_str(t.sizes()) +
                     "; set num_features to " + std::to_string(x.size(1)));
}

// Running stats are written in place by the kernel, so they must be contiguous and not part of
// a graph.
void check_running(const Tensor& x, const Tensor& t, const char* what) {
  check_channel_tensor(x, t, what);
  if (!t.defined()) return;
  if (!t.is_contiguous())
    throw ShapeError(std::string(kOp) + ": " + what +
                     " must be contiguous (it is updated in place); pass a contiguous tensor");
  if (t.requires_grad())
    throw AutogradError(std::string(kOp) + ": " + what +
                        " requires grad, but running statistics are buffers updated in place; "
                        "register it as a buffer or detach it");
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum,
                  double eps) {
  layer_util::check_float(kOp, x, "input");
  if (x.dim() < 2 || x.dim() > 4)
    throw ShapeError(std::string(kOp) + ": expects input of shape (N, C), (N, C, L) or " +
                     "(N, C, H, W), got " + shape_str(x.sizes()));
  check_running(x, running_mean, "running_mean");
  check_running(x, running_var, "running_var");
  check_channel_tensor(x, weight, "weight");
  check_channel_tensor(x, bias, "bias");
  if (running_mean.defined() != running_var.defined())
    throw ShapeError(std::string(kOp) + ": give both running_mean and running_var, or neither");
  if (!training && !running_mean.defined())
    throw ShapeError(std::string(kOp) +
                     ": evaluation mode normalises with the running statistics, but none were "
                     "given; pass running_mean and running_var, or training=true");
  const int64_t N = x.size(0), C = x.size(1), S = x.numel() / std::max<int64_t>(N * C, 1);
  if (training && N * S <= 1)
    throw ShapeError(std::string(kOp) +
                     ": training needs more than one value per channel to compute a variance, "
                     "got input " +
                     shape_str(x.sizes()) + "; use a batch of at least 2 or call eval()");

  const Shape x3{N, C, S};
  KernelOutput out(x.sizes(), x3, x);
  Tensor save_mean = nw::detail::new_tensor({C}, x.dtype(), x.device());
  Tensor save_invstd = nw::detail::new_tensor({C}, x.dtype(), x.device());
  const Tensor w = weight.defined() ? weight.detach().contiguous() : Tensor();
  const Tensor b = bias.defined() ? bias.detach().contiguous() : Tensor();
  layer_kernels_for(x.device())
      .batch_norm_forward(kernel_view(x, x3), w, b, running_mean, running_var, training, momentum,
                          eps, out.view, save_mean, save_invstd);
  if (training && running_mean.defined()) {
    // Written in place: autograd must see the new version if anything saved them.
    running_mean.storage()->bump_version();
    running_var.storage()->bump_version();
  }

  if (autograd::needs_grad({&x, &weight, &bias})) {
    const bool need_x = x.requires_grad();
    const bool need_w = weight.defined() && weight.requires_grad();
    const bool need_b = bias.defined() && bias.requires_grad();
    autograd::record(
        out.result, kNode, {x, weight, bias},
        [=, sx = SavedTensor(x), sw = SavedTensor(weight), mean = save_mean,
         invstd = save_invstd](const Tensor& g) {
          const Tensor& xv = sx.unpack(kNode);
          const Tensor& wv = sw.unpack(kNode);
          KernelOutput gx(need_x ? xv.sizes() : Shape{0}, need_x ? x3 : Shape{0}, g);
          Tensor gw = need_w ? nw::detail::new_tensor({C}, g.dtype(), g.device()) : Tensor();
          Tensor gb = need_b ? nw::detail::new_tensor({C}, g.dtype(), g.device()) : Tensor();
          layer_kernels_for(g.device())
              .batch_norm_backward(kernel_view(g, x3), kernel_view(xv, x3),
                                   wv.defined() ? wv.contiguous() : Tensor(), mean, invstd,
                                   training, need_x ? gx.view : Tensor(), gw, gb);
          return std::vector<Tensor>{need_x ? gx.result : Tensor(), gw, gb};
        });
  }
  return out.result;
}

}  // namespace nw::nn::functional
