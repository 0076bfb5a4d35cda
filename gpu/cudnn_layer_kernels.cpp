// CudnnLayerKernels: each call tries its cuDNN piece and, where that declines the problem, runs
// the generic kernel (see cudnn_layer_kernels.h for which cases and why).
#include "cudnn_layer_kernels.h"

#include "cudnn_handle.h"
#include "kernels/generic_layer_kernels.h"
#include "max_pool.h"

namespace nw::cuda {

CudnnLayerKernels::CudnnLayerKernels(LayerKernels& fallback) : fallback_(fallback) {}

std::string CudnnLayerKernels::name() const {
  return "cudnn " + cudnn_runtime_version();
}

void CudnnLayerKernels::conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& bias,
                                       const Tensor& out, const ConvGeometry& g) {
  if (!cudnn_conv_forward(x, w, bias, out, g)) fallback_.conv2d_forward(x, w, bias, out, g);
}

void CudnnLayerKernels::conv2d_backward_data(const Tensor& grad_out, const Tensor& w,
                                             const Tensor& grad_x, const ConvGeometry& g) {
  if (!cudnn_conv_backward_data(grad_out, w, grad_x, g))
    fallback_.conv2d_backward_data(grad_out, w, grad_x, g);
}

void CudnnLayerKernels::conv2d_backward_weight(const Tensor& grad_out, const Tensor& x,
                                               const Tensor& grad_w, const Tensor& grad_bias,
                                               const ConvGeometry& g) {
  if (!cudnn_conv_backward_weight(grad_out, x, grad_w, grad_bias, g))
    fallback_.conv2d_backward_weight(grad_out, x, grad_w, grad_bias, g);
}

// cuDNN's max pooling yields no indices, and its backward needs x and y: the interface's
// contract (indices, then a scatter by them) is the plugin's own kernel's (max_pool.cu).
void CudnnLayerKernels::max_pool2d_forward(const Tensor& x, const Tensor& out,
                                           const Tensor& indices, const PoolGeometry& g) {
  cuda::max_pool2d_forward(x, out, indices, g);
}

void CudnnLayerKernels::max_pool2d_backward(const Tensor& grad_out, const Tensor& indices,
                                            const Tensor& grad_x) {
  cuda::max_pool2d_backward(grad_out, indices, grad_x);
}

void CudnnLayerKernels::avg_pool2d_forward(const Tensor& x, const Tensor& out,
                                           const PoolGeometry& g) {
  if (!cudnn_avg_pool_forward(x, out, g)) fallback_.avg_pool2d_forward(x, out, g);
}

void CudnnLayerKernels::avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x,
                                            const PoolGeometry& g) {
  if (!cudnn_avg_pool_backward(grad_out, grad_x, g))
    fallback_.avg_pool2d_backward(grad_out, grad_x, g);
}

// Adaptive windows vary in size across the output; cuDNN pools with one window.
void CudnnLayerKernels::adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& out) {
  fallback_.adaptive_avg_pool2d_forward(x, out);
}

void CudnnLayerKernels::adaptive_avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x) {
  fallback_.adaptive_avg_pool2d_backward(grad_out, grad_x);
}

void CudnnLayerKernels::batch_norm_forward(const Tensor& x, const Tensor& weight,
                                           const Tensor& bias, const Tensor& running_mean,
                                           const Tensor& running_var, bool training,
                                           double momentum, double eps, const Tensor& out,
                                           const Tensor& save_mean, const Tensor& save_invstd) {
  if (!cudnn_batch_norm_forward(x, weight, bias, running_mean, running_var, training, momentum, eps,
                                out, save_mean, save_invstd))
    fallback_.batch_norm_forward(x, weight, bias, running_mean, running_var, training, momentum,
                                 eps, out, save_mean, save_invstd);
}

void CudnnLayerKernels::batch_norm_backward(const Tensor& grad_out, const Tensor& x,
                                            const Tensor& weight, const Tensor& save_mean,
                                            const Tensor& save_invstd, bool training,
                                            const Tensor& grad_x, const Tensor& grad_weight,
                                            const Tensor& grad_bias) {
  if (!cudnn_batch_norm_backward(grad_out, x, weight, save_mean, save_invstd, training, grad_x,
                                 grad_weight, grad_bias))
    fallback_.batch_norm_backward(grad_out, x, weight, save_mean, save_invstd, training, grad_x,
                                  grad_weight, grad_bias);
}

void register_cudnn_layer_kernels() {
  // Never destroyed, like the backend: tensors freed at exit may still reach their device.
  static CudnnLayerKernels* kernels = new CudnnLayerKernels(generic_layer_kernels());
  register_layer_kernels(DeviceType::CUDA, kernels);
}

}  // namespace nw::cuda
