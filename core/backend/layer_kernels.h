#pragma once
// The second, optional kernel interface: convolution, pooling and batch normalisation. It sits
// beside Backend (backend/backend.h), which stays narrow; a device implements these layer kernels
// with a library made for them (cuDNN on a GPU, issue 19) or by hand (the CPU, core/cpu/).
//
// As with Backend, the differentiable ops (nn/functional/) check arguments, work out output shapes,
// allocate and record autograd; a kernel only computes. Every tensor handed to a kernel is
// contiguous, float32 or float64, and all share one dtype and device. Outputs are preallocated.
// Sizes come from the tensors: a kernel reads the output extent from `out` (or the input extent
// from `grad_x`), so padding on the far side only (asymmetric "same" padding, a transposed
// convolution's output_padding) needs no field of its own.
#include <string>

#include "tensor/tensor.h"

namespace nw {

// A 2-d convolution's window. Conv1d is a 2-d convolution with height 1.
struct ConvGeometry {
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;  // zero rows above / columns left of the input
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
};

// A 2-d pooling window; output positions start at o * stride - pad.
struct PoolGeometry {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t dilation_h = 1, dilation_w = 1;  // max pooling only
  bool count_include_pad = true;           // average pooling: padded zeros count in the divisor
  int64_t divisor_override = 0;            // average pooling: divide by this when > 0
};

class LayerKernels {
 public:
  virtual ~LayerKernels() = default;
  virtual std::string name() const = 0;

  // ---- convolution. x: (N, C, H, W), w: (O, C/groups, kH, kW), bias: (O) or undefined,
  // out: (N, O, oH, oW).
  virtual void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& bias,
                              const Tensor& out, const ConvGeometry& g) = 0;
  // grad_x (N, C, H, W) = the adjoint of the forward map applied to grad_out (N, O, oH, oW).
  // This is also a transposed convolution's forward pass.
  virtual void conv2d_backward_data(const Tensor& grad_out, const Tensor& w, const Tensor& grad_x,
                                    const ConvGeometry& g) = 0;
  // grad_w (O, C/groups, kH, kW) and, when defined, grad_bias (O), both overwritten.
  virtual void conv2d_backward_weight(const Tensor& grad_out, const Tensor& x, const Tensor& grad_w,
                                      const Tensor& grad_bias, const ConvGeometry& g) = 0;

  // ---- max pooling. x: (N, C, H, W); out: (N, C, oH, oW); indices: int64 like out, each the
  // position h * W + w of the maximum within its input plane (PyTorch's convention). A NaN in
  // the window wins; among equal values the first in row-major order wins.
  virtual void max_pool2d_forward(const Tensor& x, const Tensor& out, const Tensor& indices,
                                  const PoolGeometry& g) = 0;
  // grad_x is overwritten: zeros, plus each grad_out element added at its index.
  virtual void max_pool2d_backward(const Tensor& grad_out, const Tensor& indices,
                                   const Tensor& grad_x) = 0;

  // ---- average pooling (PyTorch's divisor rules: see PoolGeometry).
  virtual void avg_pool2d_forward(const Tensor& x, const Tensor& out, const PoolGeometry& g) = 0;
  virtual void avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x,
                                   const PoolGeometry& g) = 0;
  // Output cell (i, j) averages input rows [floor(i H / oH), ceil((i + 1) H / oH)) and the
  // columns likewise; the sizes come from out / grad_out.
  virtual void adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& out) = 0;
  virtual void adaptive_avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x) = 0;

  // ---- batch normalisation. x, out: (N, C, S) with S the product of the spatial sizes (1 for
  // (N, C) inputs); weight, bias: (C) or undefined (affine=False); running_mean, running_var:
  // (C) or undefined. save_mean, save_invstd: (C), written in both modes with the statistics
  // used, so the backward pass reads the same two tensors either way.
  // training: normalise with the batch mean and biased variance; when running stats are given,
  // update them in place: r = (1 - momentum) r + momentum * s (the variance unbiased).
  // Otherwise: normalise with the running statistics, which must be given.
  virtual void batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                  const Tensor& running_mean, const Tensor& running_var,
                                  bool training, double momentum, double eps, const Tensor& out,
                                  const Tensor& save_mean, const Tensor& save_invstd) = 0;
  // grad_x, grad_weight, grad_bias: each overwritten when defined, skipped when not. In training
  // the statistics depend on x, which adds the two mean terms to grad_x.
  virtual void batch_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                                   const Tensor& save_mean, const Tensor& save_invstd,
                                   bool training, const Tensor& grad_x, const Tensor& grad_weight,
                                   const Tensor& grad_bias) = 0;
};

// The layer kernels for `device`: the ones its backend registered (the CPU's always), else the
// fallback (core/kernels/generic_layer_kernels.h, built from the device's tensor ops; CUDA gets
// these from a plugin built without cuDNN). Throws DeviceError, from backend_for, when the device
// is unusable.
LayerKernels& layer_kernels_for(const Device& device);
// Called by a device backend when it is registered (core/cpu/ at load time, a plugin when
// loaded). nullptr withdraws them, so the device gets the fallback (tests run the generic
// kernels end to end on the CPU so, and register the CPU's own again afterwards).
void register_layer_kernels(DeviceType type, LayerKernels* kernels);
// Called once by the layer that builds kernels from tensor ops (core/kernels/), which sits above
// this registry: a device without kernels of its own gets these.
void register_fallback_layer_kernels(LayerKernels* kernels);

}  // namespace nw
