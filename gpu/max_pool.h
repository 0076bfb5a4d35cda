#pragma once
// Max pooling on CUDA with the interface's indices (backend/layer_kernels.h), which cuDNN's
// pooling does not return: forward one thread per output in PyTorch's scan order (a larger value
// or a NaN takes over, so ties keep the first), backward a scatter-add by the indices.
#include "backend/layer_kernels.h"

namespace nw::cuda {

// x: (N, C, H, W) -> out, indices: (N, C, oH, oW); float32 or float64, contiguous.
void max_pool2d_forward(const Tensor& x, const Tensor& out, const Tensor& indices,
                        const PoolGeometry& g);
// grad_x (N, C, H, W) overwritten: zeros plus grad_out added at each index.
void max_pool2d_backward(const Tensor& grad_out, const Tensor& indices, const Tensor& grad_x);

}  // namespace nw::cuda
