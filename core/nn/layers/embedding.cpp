#include "nn/layers/embedding.h"

#include "autograd/grad_mode.h"
#include "nn/functional/embedding.h"
#include "nn/init.h"
#include "tensor/creation.h"

namespace nw::nn {

Embedding::Embedding(int64_t num_embeddings, int64_t embedding_dim,
                     std::optional<int64_t> padding_idx)
    : Module("Embedding"), num_(num_embeddings), dim_(embedding_dim) {
  if (num_embeddings <= 0 || embedding_dim <= 0)
    throw Error("Embedding: num_embeddings and embedding_dim must be positive, got " +
                std::to_string(num_embeddings) + " and " + std::to_string(embedding_dim));
  if (padding_idx) {
    int64_t p = *padding_idx < 0 ? *padding_idx + num_embeddings : *padding_idx;
    if (p < 0 || p >= num_embeddings)
      throw Error("Embedding: padding_idx " + std::to_string(*padding_idx) +
                  " is outside the table of " + std::to_string(num_embeddings) + " rows");
    padding_idx_ = p;
  }
  weight = register_parameter("weight", empty({num_embeddings, embedding_dim}));
  init::normal_(weight);
  if (padding_idx_) {
    NoGradGuard ng;
    weight[*padding_idx_].fill_(0.0);
  }
}

Tensor Embedding::forward(const Tensor& indices) {
  return functional::embedding(indices, weight, padding_idx_);
}

std::string Embedding::extra_repr() const {
  std::string s = std::to_string(num_) + ", " + std::to_string(dim_);
  if (padding_idx_) s += ", padding_idx=" + std::to_string(*padding_idx_);
  return s;
}

}  // namespace nw::nn
