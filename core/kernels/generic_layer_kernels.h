#pragma once
// Layer kernels written only with device-neutral tensor ops (views, contiguous copies, matmul,
// reductions, elementwise, index ops), so they run on any device whose Backend implements those:
// layer_kernels_for falls back to them on a device without kernels of its own (CUDA until cuDNN
// lands). Convolution is im2col through as_strided views of a zero-padded copy and one batched
// matmul over all groups; pooling reduces strided window views; batch norm is a few reductions.
// Each call runs under NoGradGuard: the caller (nn/functional/) records autograd.
#include "backend/layer_kernels.h"

namespace nw {

class GenericLayerKernels final : public LayerKernels {
 public:
  std::string name() const override { return "generic"; }
  // generic_conv.cpp
  void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out,
                      const ConvGeometry& g) override;
  void conv2d_backward_data(const Tensor& grad_out, const Tensor& w, const Tensor& grad_x,
                            const ConvGeometry& g) override;
  void conv2d_backward_weight(const Tensor& grad_out, const Tensor& x, const Tensor& grad_w,
                              const Tensor& grad_bias, const ConvGeometry& g) override;
  // generic_pool.cpp
  void max_pool2d_forward(const Tensor& x, const Tensor& out, const Tensor& indices,
                          const PoolGeometry& g) override;
  void max_pool2d_backward(const Tensor& grad_out, const Tensor& indices,
                           const Tensor& grad_x) override;
  void avg_pool2d_forward(const Tensor& x, const Tensor& out, const PoolGeometry& g) override;
  void avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x,
                           const PoolGeometry& g) override;
  void adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& out) override;
  void adaptive_avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x) override;
  // generic_batch_norm.cpp
  void batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                          const Tensor& running_mean, const Tensor& running_var, bool training,
                          double momentum, double eps, const Tensor& out, const Tensor& save_mean,
                          const Tensor& save_invstd) override;
  void batch_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                           const Tensor& save_mean, const Tensor& save_invstd, bool training,
                           const Tensor& grad_x, const Tensor& grad_weight,
                           const Tensor& grad_bias) override;
};

// The one instance, shared by every device that falls back to it.
LayerKernels& generic_layer_kernels();

}  // namespace nw
