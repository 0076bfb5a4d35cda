#pragma once
// Dropout, as torch.nn.functional spells it. Masks are drawn from nw::default_generator(), so a
// run is reproducible after nw::manual_seed. Kept elements are scaled by 1 / (1 - p), so the
// expected value is unchanged and evaluation needs no rescaling.
#include "tensor/tensor.h"

namespace nw::nn::functional {

// Zeroes each element with probability p. Returns x itself when !training or p == 0; p == 1
// gives zeros. Throws for p outside [0, 1].
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);

// Zeroes whole channels: x is (N, C, H, W), or (C, H, W) without a batch dimension; one draw per
// (n, c) (or per c). NOTE: PyTorch 1.13 still reads a 3-D input as (N, C, L); this follows the
// documented (C, H, W) meaning that PyTorch announced for later releases.
Tensor dropout2d(const Tensor& x, double p = 0.5, bool training = true);

}  // namespace nw::nn::functional
