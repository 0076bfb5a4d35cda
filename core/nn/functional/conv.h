#pragma once
// Convolutions, as torch.nn.functional spells them. Each is one differentiable op (grad_fn
// "ConvolutionBackward0", like PyTorch's) with gradients for the input, the weight and the bias,
// computed by the device's layer kernels (backend/layer_kernels.h). Inputs may also come without
// the batch dimension, as in PyTorch; x, weight and bias share one dtype (float32 or float64) and
// device.
#include "nn/functional/window.h"
#include "tensor/tensor.h"

namespace nw::nn::functional {

// x: (N, C, H, W) or (C, H, W); weight: (O, C/groups, kH, kW); bias: (O) or undefined
// -> (N, O, oH, oW) with oH = (H + 2 pad - dilation (kH - 1) - 1) / stride + 1.
// padding "same" pads so that oH = H, oW = W (extra zero on the far side when the window's
// span is even, as PyTorch does); it needs stride 1. "valid" means no padding.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
              Size2 stride = 1, Padding padding = 0, Size2 dilation = 1, int64_t groups = 1);

// x: (N, C, L) or (C, L); weight: (O, C/groups, k); bias: (O) or undefined -> (N, O, oL).
// Runs as a 2-d convolution of height 1.
Tensor conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
              int64_t stride = 1, Padding padding = 0, int64_t dilation = 1, int64_t groups = 1);

// The adjoint of conv2d (the gradient of conv2d with respect to its input), as a layer.
// x: (N, C, H, W) or (C, H, W); weight: (C, O/groups, kH, kW); bias: (O) or undefined
// -> (N, O, oH, oW), oH = (H - 1) stride - 2 pad + dilation (kH - 1) + output_padding + 1.
// output_padding picks among the input sizes a strided conv2d maps to the same output size;
// it must be smaller than stride or dilation.
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
                        Size2 stride = 1, Size2 padding = 0, Size2 output_padding = 0,
                        int64_t groups = 1, Size2 dilation = 1);

}  // namespace nw::nn::functional
