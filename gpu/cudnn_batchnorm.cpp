// Batch normalisation through cuDNN's spatial mode, x: (N, C, S) described as (N, C, S, 1).
// Training forward normalises with the batch statistics and updates the running ones (cuDNN
// uses the unbiased variance there, as PyTorch does); evaluation forward uses the running
// statistics. Training backward gives all three gradients in one call. Evaluation backward is
// one multiply per element, which cuDNN has no call for: the generic kernel does it.
#include "backend/backend.h"
#include "cuda_backend.h"
#include "cudnn_handle.h"
#include "cudnn_layer_kernels.h"
#include "tensor/creation.h"

namespace nw::cuda {

namespace {

TensorDesc data_desc(const Tensor& x) {
  return TensorDesc(x.dtype(), x.size(0), x.size(1), x.size(2), 1);
}

TensorDesc channel_desc(const Tensor& x) {
  return TensorDesc(x.dtype(), 1, x.size(1), 1, 1);
}

// cuDNN needs every per-channel operand: affine=False is weight 1 and bias 0.
Tensor or_filled(const Tensor& t, const Tensor& x, double value) {
  return t.defined() ? t : full({x.size(1)}, value, TensorOptions(x.dtype()).device(x.device()));
}

// An output the caller does not want still needs somewhere to go.
Tensor or_scratch(const Tensor& t, const Shape& shape, const Tensor& x) {
  return t.defined() ? t : empty(shape, TensorOptions(x.dtype()).device(x.device()));
}

}  // namespace

bool cudnn_batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                              const Tensor& running_mean, const Tensor& running_var, bool training,
                              double momentum, double eps, const Tensor& out,
                              const Tensor& save_mean, const Tensor& save_invstd) {
  // A single value per channel has no unbiased variance; the generic kernel gives PyTorch's
  // answer for it.
  if (!cudnn_sized(x) || eps < CUDNN_BN_MIN_EPSILON || (training && x.size(0) * x.size(2) < 2))
    return false;
  const int device = x.device().index();
  DeviceGuard guard(device);
  const Tensor w = or_filled(weight, x, 1.0), b = or_filled(bias, x, 0.0);
  const TensorDesc xd = data_desc(x), cd = channel_desc(x);
  const Scaling s(x.dtype());
  CudnnHandle handle(device);
  if (training) {
    const bool running = running_mean.defined() && running_var.defined();
    CUDNN_CHECK(cudnnBatchNormalizationForwardTraining(
        handle.get(), CUDNN_BATCHNORM_SPATIAL, s.alpha(), s.beta(), xd.get(), x.raw_data(),
        xd.get(), out.raw_data(), cd.get(), w.raw_data(), b.raw_data(), momentum,
        running ? running_mean.raw_data() : nullptr, running ? running_var.raw_data() : nullptr,
        eps, save_mean.raw_data(), save_invstd.raw_data()));
    return true;
  }
  CUDNN_CHECK(cudnnBatchNormalizationForwardInference(
      handle.get(), CUDNN_BATCHNORM_SPATIAL, s.alpha(), s.beta(), xd.get(), x.raw_data(), xd.get(),
      out.raw_data(), cd.get(), w.raw_data(), b.raw_data(), running_mean.raw_data(),
      running_var.raw_data(), eps));
  // The statistics used, for the backward pass: mean and 1 / sqrt(var + eps).
  Backend& be = backend_for(x.device());
  be.copy(running_mean, save_mean);
  be.unary(UnaryOp::Affine, running_var, save_invstd, 1.0, eps);
  be.unary(UnaryOp::Pow, save_invstd, save_invstd, -0.5, 0.0);
  return true;
}

bool cudnn_batch_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                               const Tensor& save_mean, const Tensor& save_invstd, bool training,
                               const Tensor& grad_x, const Tensor& grad_weight,
                               const Tensor& grad_bias) {
  if (!training || !cudnn_sized(x) || x.size(0) * x.size(2) < 2) return false;
  const int device = x.device().index();
  DeviceGuard guard(device);
  const Tensor w = or_filled(weight, x, 1.0);
  const Tensor gx = or_scratch(grad_x, x.sizes(), x);
  const Tensor gw = or_scratch(grad_weight, {x.size(1)}, x);
  const Tensor gb = or_scratch(grad_bias, {x.size(1)}, x);
  const TensorDesc xd = data_desc(x), cd = channel_desc(x);
  const Scaling s(x.dtype());
  CudnnHandle handle(device);
  // epsilon is read only when no saved statistics are given; they always are.
  CUDNN_CHECK(cudnnBatchNormalizationBackward(
      handle.get(), CUDNN_BATCHNORM_SPATIAL, s.alpha(), s.beta(), s.alpha(), s.beta(), xd.get(),
      x.raw_data(), xd.get(), grad_out.raw_data(), xd.get(), gx.raw_data(), cd.get(), w.raw_data(),
      gw.raw_data(), gb.raw_data(), CUDNN_BN_MIN_EPSILON, save_mean.raw_data(),
      save_invstd.raw_data()));
  return true;
}

}  // namespace nw::cuda
