#pragma once
// A lookup table of vectors, as torch.nn.functional.embedding.
#include <optional>

#include "tensor/tensor.h"

namespace nw::nn::functional {

// indices: int64 of any shape, each in [0, num_embeddings); weight: (num_embeddings, dim)
// -> indices.shape + (dim). The rows of weight that indices pick get the gradient (repeats add
// up); the row padding_idx (negative counts from the end) gets none, as in PyTorch.
Tensor embedding(const Tensor& indices, const Tensor& weight,
                 std::optional<int64_t> padding_idx = std::nullopt);

}  // namespace nw::nn::functional
