#pragma once
// Embedding: a (num_embeddings, embedding_dim) table looked up by int64 indices; weights start
// N(0, 1) as in PyTorch, with the padding row zeroed and excluded from gradients.
#include <optional>

#include "nn/module.h"

namespace nw::nn {

class Embedding : public Module {
 public:
  Embedding(int64_t num_embeddings, int64_t embedding_dim,
            std::optional<int64_t> padding_idx = std::nullopt);
  using Module::forward;
  Tensor forward(const Tensor& indices) override;  // int64 (...) -> (..., embedding_dim)
  std::string extra_repr() const override;

  Tensor weight;

 private:
  int64_t num_, dim_;
  std::optional<int64_t> padding_idx_;
};

}  // namespace nw::nn
