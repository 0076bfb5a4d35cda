// embedding: the picked rows of weight forward; the backward scatters the gradient rows back onto
// a zero table, without the padding row.
#include "nn/functional/embedding.h"

#include <string>

#include "nn/functional/arg_checks.h"
#include "ops/op_util.h"

namespace nw::nn::functional {

namespace {

void check_indices(const Tensor& indices, int64_t num) {
  if (indices.dtype() != kInt64)
    throw DTypeError(std::string("embedding: indices must be an int64 tensor, got ") +
                     nw::detail::describe(indices) + "; convert them with .to(nw::kInt64)");
  const Tensor host = indices.cpu().contiguous();
  const int64_t* p = host.data_ptr<int64_t>();
  for (int64_t i = 0; i < host.numel(); ++i)
    if (p[i] < 0 || p[i] >= num)
      throw IndexError("embedding: index " + std::to_string(p[i]) + " is out of range for " +
                       std::to_string(num) + " embeddings at position " +
                       detail::position_str(i, indices.sizes()) + "; indices must lie in [0, " +
                       std::to_string(num - 1) + "] (set num_embeddings to at least " +
                       std::to_string(p[i] + 1) + " if the index is right)");
}

}  // namespace

Tensor embedding(const Tensor& indices, const Tensor& weight, std::optional<int64_t> padding_idx) {
  nw::detail::check_defined(indices, "embedding");
  detail::check_floating(weight, "embedding", "weight");
  if (weight.dim() != 2)
    throw ShapeError("embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape " +
                     shape_str(weight.sizes()));
  nw::detail::check_same_device(indices, weight, "embedding");
  const int64_t num = weight.size(0), dim = weight.size(1);
  std::optional<int64_t> pad = padding_idx;
  if (pad) {
    if (*pad < -num || *pad >= num)
      throw IndexError("embedding: padding_idx " + std::to_string(*pad) + " is out of range for " +
                       std::to_string(num) + " embeddings; use a value in [" +
                       std::to_string(-num) + ", " + std::to_string(num - 1) + "]");
    if (*pad < 0) *pad += num;
  }
  check_indices(indices, num);

  const int64_t n = indices.numel();
  const Tensor flat = indices.reshape({n});
  Tensor rows = nw::detail::new_tensor({n, dim}, weight.dtype(), weight.device());
  backend_for(weight.device()).index_select(weight.detach(), 0, flat, rows);
  Shape out_shape = indices.sizes();
  out_shape.push_back(dim);
  Tensor out = nw::detail::make_view(rows, out_shape, contiguous_strides(out_shape), 0);

  if (autograd::needs_grad({&weight}))
    autograd::record(
        out, "EmbeddingBackward0", {weight},
        [si = autograd::SavedTensor(flat), pad, num, dim, n](const Tensor& g) {
          const Tensor& idx = si.unpack("EmbeddingBackward0");
          Tensor g2 = g.reshape({n, dim});
          if (pad) g2 = g2.masked_fill((idx == double(*pad)).unsqueeze(1), 0.0);
          Tensor table = zeros({num, dim}, TensorOptions(g.dtype()).device(g.device()));
          Tensor where_to = idx.unsqueeze(1).expand({n, dim}).contiguous();
          backend_for(g.device()).scatter_add(table, 0, where_to, g2.contiguous());
          return std::vector<Tensor>{table};
        });
  return out;
}

}  // namespace nw::nn::functional
