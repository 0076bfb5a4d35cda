#pragma once
// The CUDA plugin's layer kernels: convolution (cudnn_conv.cpp, the algorithm chosen once per
// problem and kept in a ConvAlgorithmCache), average pooling (cudnn_pool.cpp) and batch
// normalisation (cudnn_batchnorm.cpp) through cuDNN; max pooling by the plugin's own kernel
// (max_pool.cu), since cuDNN returns no indices and its backward needs x and y, which the
// interface does not pass. What cuDNN cannot do to the interface's contract goes to the generic
// kernels (core/kernels/), each case named where it is decided: adaptive pooling, a divisor
// override, an output extent other than cuDNN's own (padding on the far side only),
// evaluation-mode batch-norm backward, an epsilon below CUDNN_BN_MIN_EPSILON, empty tensors,
// sizes past cuDNN's 32-bit arguments, and a convolution cuDNN offers no algorithm for under the
// TF32 setting.
#include "backend/layer_kernels.h"

namespace nw::cuda {

class CudnnLayerKernels final : public LayerKernels {
 public:
  // `fallback`: the generic kernels, for what cuDNN does not cover.
  explicit CudnnLayerKernels(LayerKernels& fallback);
  std::string name() const override;  // "cudnn 9.19.0"
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

 private:
  LayerKernels& fallback_;
};

// Registers the cuDNN kernels for CUDA (from the plugin's init, once a device is usable).
void register_cudnn_layer_kernels();

// The pieces, one file each. Each returns false, having done nothing, when cuDNN cannot take the
// problem as given; the caller then runs the generic kernel.
bool cudnn_conv_forward(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out,
                        const ConvGeometry& g);
bool cudnn_conv_backward_data(const Tensor& grad_out, const Tensor& w, const Tensor& grad_x,
                              const ConvGeometry& g);
bool cudnn_conv_backward_weight(const Tensor& grad_out, const Tensor& x, const Tensor& grad_w,
                                const Tensor& grad_bias, const ConvGeometry& g);
bool cudnn_avg_pool_forward(const Tensor& x, const Tensor& out, const PoolGeometry& g);
bool cudnn_avg_pool_backward(const Tensor& grad_out, const Tensor& grad_x, const PoolGeometry& g);
bool cudnn_batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                              const Tensor& running_mean, const Tensor& running_var, bool training,
                              double momentum, double eps, const Tensor& out,
                              const Tensor& save_mean, const Tensor& save_invstd);
bool cudnn_batch_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                               const Tensor& save_mean, const Tensor& save_invstd, bool training,
                               const Tensor& grad_x, const Tensor& grad_weight,
                               const Tensor& grad_bias);

}  // namespace nw::cuda
