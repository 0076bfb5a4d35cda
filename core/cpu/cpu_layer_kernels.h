#pragma once
// The CPU's layer kernels: convolution as im2col + OpenBLAS GEMM over chunks of the batch
// (conv_*.cpp), pooling with fast paths for the common 2x2 window (pool_*.cpp), and batch
// normalisation with double accumulators (batchnorm.cpp).
#include "backend/layer_kernels.h"

namespace nw {

class CpuLayerKernels final : public LayerKernels {
 public:
  std::string name() const override { return "cpu"; }
  void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out,
                      const ConvGeometry& g) override;
  void conv2d_backward_data(const Tensor& grad_out, const Tensor& w, const Tensor& grad_x,
                            const ConvGeometry& g) override;
  void conv2d_backward_weight(const Tensor& grad_out, const Tensor& x, const Tensor& grad_w,
                              const Tensor& grad_bias, const ConvGeometry& g) override;
  void max_pool2d_forward(const Tensor& x, const Tensor& out, const Tensor& indices,
                          const PoolGeometry& g) override;
  void max_pool2d_backward(const Tensor& grad_out, const Tensor& indices,
                           const Tensor& grad_x) override;
  void avg_pool2d_forward(const Tensor& x, const Tensor& out, const PoolGeometry& g) override;
  void avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x,
                           const PoolGeometry& g) override;
  void adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& out) override;
  void adaptive_avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x) override;
  void batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                          const Tensor& running_mean, const Tensor& running_var, bool training,
                          double momentum, double eps, const Tensor& out, const Tensor& save_mean,
                          const Tensor& save_invstd) override;
  void batch_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                           const Tensor& save_mean, const Tensor& save_invstd, bool training,
                           const Tensor& grad_x, const Tensor& grad_weight,
                           const Tensor& grad_bias) override;
};

LayerKernels& cpu_layer_kernels();

}  // namespace nw
