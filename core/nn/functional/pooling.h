#pragma once
// Pooling, as torch.nn.functional spells it. Each is one differentiable op with PyTorch's grad_fn
// name ("MaxPool2DWithIndicesBackward0", "AvgPool2DBackward0", "AdaptiveAvgPool2DBackward0"),
// computed by the device's layer kernels. x: (N, C, H, W) or (C, H, W), float32 or float64.
//
// Output size, per dimension: (H + 2 padding - dilation (kernel - 1) - 1) / stride + 1, rounded
// down, or up with ceil_mode (then a last window that would start in the right padding is
// dropped). padding may be at most half the kernel size.
#include <optional>
#include <utility>

#include "nn/functional/window.h"
#include "tensor/tensor.h"

namespace nw::nn::functional {

// stride not given (Size2()) means stride = kernel_size, as in PyTorch.
Tensor max_pool2d(const Tensor& x, Size2 kernel_size, Size2 stride = Size2(), Size2 padding = 0,
                  Size2 dilation = 1, bool ceil_mode = false);
// The pooled values and, for each, the position h * W + w of the maximum within its input plane
// (int64, not differentiable), as PyTorch's return_indices=True.
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, Size2 kernel_size,
                                                  Size2 stride = Size2(), Size2 padding = 0,
                                                  Size2 dilation = 1, bool ceil_mode = false);

// count_include_pad: padded zeros count in the divisor; divisor_override replaces the divisor.
Tensor avg_pool2d(const Tensor& x, Size2 kernel_size, Size2 stride = Size2(), Size2 padding = 0,
                  bool ceil_mode = false, bool count_include_pad = true,
                  std::optional<int64_t> divisor_override = std::nullopt);

// Averages over windows chosen so the output is output_size: cell i covers input rows
// [floor(i H / oH), ceil((i + 1) H / oH)); windows overlap when H is not a multiple of oH.
Tensor adaptive_avg_pool2d(const Tensor& x, Size2 output_size);

}  // namespace nw::nn::functional
