#pragma once
// Layer normalization, as torch.nn.functional.layer_norm. (batch_norm lives with the BatchNorm
// layers.)
#include "tensor/tensor.h"

namespace nw::nn::functional {

// Normalizes x over its trailing dimensions, which must equal normalized_shape, with the biased
// variance: y = (x - mean) / sqrt(var + eps) * weight + bias. weight and bias, when defined, have
// shape normalized_shape. One op (grad_fn "NativeLayerNormBackward0") with gradients for all three.
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

}  // namespace nw::nn::functional
