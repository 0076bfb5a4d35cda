#pragma once
// Batch normalisation, as torch.nn.functional.batch_norm: one differentiable op (grad_fn
// "NativeBatchNormBackward0") with gradients for the input, weight and bias, computed by the
// device's layer kernels.
#include "tensor/tensor.h"

namespace nw::nn::functional {

// x: (N, C), (N, C, L) or (N, C, H, W), float32 or float64. running_mean, running_var, weight,
// bias: (C) of x's dtype, or undefined.
// training: normalises each channel with its batch mean and biased variance over N and the
// spatial positions (more than one value per channel needed), and, when the running stats are
// given, updates them in place: r = (1 - momentum) r + momentum * batch stat, the variance
// unbiased. Otherwise normalises with the running stats, which must then be given.
// y = (x - mean) / sqrt(var + eps) * weight + bias.
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(),
                  bool training = false, double momentum = 0.1, double eps = 1e-5);

}  // namespace nw::nn::functional
