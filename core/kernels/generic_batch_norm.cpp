// Generic batch normalisation over x: (N, C, S), per channel, with the CPU kernel's formulas
// (core/cpu/batchnorm.cpp): the mean first, then the biased variance from it (two passes);
// running statistics r = (1 - momentum) r + momentum * s with the unbiased variance;
// y = x * alpha + beta with alpha = invstd * weight and beta = bias - mean * alpha.
#include "autograd/grad_mode.h"
#include "kernels/generic_layer_kernels.h"
#include "kernels/generic_views.h"
#include "tensor/ops.h"

namespace nw {

namespace {

// A per-channel (C) tensor seen as (1, C, 1), to broadcast against (N, C, S).
Tensor per_channel(const Tensor& t) {
  return t.reshape({1, -1, 1});
}

}  // namespace

void GenericLayerKernels::batch_norm_forward(const Tensor& x, const Tensor& weight,
                                             const Tensor& bias, const Tensor& running_mean,
                                             const Tensor& running_var, bool training,
                                             double momentum, double eps, const Tensor& out,
                                             const Tensor& save_mean, const Tensor& save_invstd) {
  NoGradGuard no_grad;
  const double M = double(x.size(0) * x.size(2));
  Tensor mean, invstd;
  if (training) {
    mean = M > 0 ? sum(x, {0, 2}) / M : zeros(save_mean.sizes(), generic::like(x));
    const Tensor d = x - per_channel(mean);
    const Tensor sq = sum(d * d, {0, 2});
    invstd = 1.0 / sqrt(sq / M + eps);
    if (running_mean.defined())
      generic::writable(running_mean).mul_(1.0 - momentum).add_(mean, momentum);
    if (running_var.defined())
      generic::writable(running_var).mul_(1.0 - momentum).add_(sq / (M - 1), momentum);
  } else {
    mean = running_mean.clone();
    invstd = 1.0 / sqrt(running_var + eps);
  }
  generic::writable(save_mean).copy_(mean);
  generic::writable(save_invstd).copy_(invstd);
  if (x.numel() == 0) return;
  const Tensor alpha = weight.defined() ? invstd * weight : invstd;
  const Tensor beta = bias.defined() ? bias - mean * alpha : -(mean * alpha);
  generic::writable(out).copy_(x * per_channel(alpha) + per_channel(beta));
}

void GenericLayerKernels::batch_norm_backward(const Tensor& grad_out, const Tensor& x,
                                              const Tensor& weight, const Tensor& save_mean,
                                              const Tensor& save_invstd, bool training,
                                              const Tensor& grad_x, const Tensor& grad_weight,
                                              const Tensor& grad_bias) {
  NoGradGuard no_grad;
  const double M = double(x.size(0) * x.size(2));
  const Tensor xc = x - per_channel(save_mean);  // x - mean
  const Tensor sum_g = sum(grad_out, {0, 2});
  const Tensor dot = sum(xc * grad_out, {0, 2});
  if (grad_weight.defined()) generic::writable(grad_weight).copy_(dot * save_invstd);
  if (grad_bias.defined()) generic::writable(grad_bias).copy_(sum_g);
  if (!grad_x.defined() || grad_x.numel() == 0) return;
  const Tensor scale = weight.defined() ? save_invstd * weight : save_invstd;
  if (training) {
    // dx = (dy - mean(dy) - (x - mean) * mean(dy * xhat) * invstd) * invstd * w
    const Tensor k = dot * save_invstd * save_invstd / M;
    generic::writable(grad_x).copy_((grad_out - per_channel(sum_g / M) - xc * per_channel(k)) *
                                    per_channel(scale));
  } else {
    generic::writable(grad_x).copy_(grad_out * per_channel(scale));
  }
}

}  // namespace nw
