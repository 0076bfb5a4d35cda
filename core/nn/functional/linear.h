#pragma once
// The affine map of a Linear layer, as torch.nn.functional.linear.
#include "tensor/tensor.h"

namespace nw::nn::functional {

// x: (..., in_features), weight: (out_features, in_features), bias: (out_features) or undefined
// -> (..., out_features) = x @ weight^T + bias. One GEMM over the flattened leading dimensions,
// forward and for each gradient (grad_fn "AddmmBackward0", or "MmBackward0" without a bias).
// x and weight must share dtype and device.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace nw::nn::functional
