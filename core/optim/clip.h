#pragma once
// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_ (1.13). Both change
// the parameters' .grad in place and skip parameters without one.
#include <vector>

#include "tensor/tensor.h"

namespace nw::nn::utils {

// Scales all gradients by min(1, max_norm / (total_norm + 1e-6)), where total_norm is the
// norm_type-norm of every gradient taken together as one vector (norm_type > 0, or INFINITY for
// the largest magnitude). Returns total_norm before clipping: a 0-d tensor of the gradients'
// dtype on their device, float32 0 when no parameter has a gradient. A NaN or infinite total
// scales the gradients to NaN or 0, as in PyTorch, unless error_if_nonfinite asks for an error.
Tensor clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

// Clamps every gradient element into [-clip_value, clip_value] (clip_value >= 0).
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

}  // namespace nw::nn::utils
