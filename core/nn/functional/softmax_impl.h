#pragma once
// Internal to core/nn/functional: the softmax kernels without autograd, shared by softmax,
// log_softmax and the fused cross_entropy (whose backward ends in log_softmax_backward).
#include "tensor/tensor.h"

namespace nw::nn::functional::detail {

// softmax (log = false) or log_softmax (log = true) of floating `x` along wrapped dim `dim`.
Tensor softmax_forward(const Tensor& x, int64_t dim, bool log);
// Input gradient from the output gradient `g` and the forward output `y`:
// log_softmax: g - exp(y) * sum(g); softmax: y * (g - sum(g * y)); sums along `dim`.
Tensor softmax_backward(const Tensor& g, const Tensor& y, int64_t dim, bool log);

}  // namespace nw::nn::functional::detail
