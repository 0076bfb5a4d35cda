#pragma once
// Activation functions, as torch.nn.functional spells them. Each is one differentiable op with
// PyTorch's grad_fn name; inputs keep their shape and (floating) dtype.
//
// NOTE: nw::relu and nw::nn::functional::relu both take a Tensor, so an unqualified `relu(x)`
// written inside nw::nn::functional is ambiguous through argument-dependent lookup; qualify it.
#include <string_view>

#include "tensor/tensor.h"

namespace nw::nn::functional {

Tensor relu(const Tensor& x);  // nw::relu
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
Tensor elu(const Tensor& x, double alpha = 1.0);
// approximate: "none" (exact, x * Phi(x) with erf) or "tanh" (PyTorch's tanh approximation).
Tensor gelu(const Tensor& x, std::string_view approximate = "none");
Tensor silu(const Tensor& x);
Tensor sigmoid(const Tensor& x);  // nw::sigmoid
Tensor tanh(const Tensor& x);     // nw::tanh

// Along `dim` (negative counts from the end); fused and stable (the max is subtracted first).
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);

}  // namespace nw::nn::functional
