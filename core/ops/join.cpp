// cat, stack, split and chunk.
#include "ops/op_util.h"

namespace nw {

using autograd::record;

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  if (tensors.empty()) throw ShapeError("cat: expects a non-empty list of tensors");
  const Tensor& first = tensors[0];
  detail::check_defined(first, "cat");
  int64_t d = wrap_dim(dim, first.dim(), "cat");
  if (first.dim() == 0)
    throw ShapeError("cat: zero-dimensional tensors cannot be concatenated; use stack");
  DType t = first.dtype();
  Shape shape = first.sizes();
  shape[size_t(d)] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& x = tensors[i];
    detail::check_defined(x, "cat");
    detail::check_same_device(first, x, "cat");
    t = promote_types(t, x.dtype());
    if (x.dim() != first.dim())
      throw ShapeError("cat: tensor " + std::to_string(i) + " has shape " + shape_str(x.sizes()) +
                       " but tensor 0 has " + shape_str(first.sizes()) +
                       "; all tensors need the same number of dimensions");
    for (int64_t k = 0; k < x.dim(); ++k)
      if (k != d && x.sizes()[size_t(k)] != first.sizes()[size_t(k)])
        throw ShapeError("cat: sizes must match except in dimension " + std::to_string(d) +
                         ", but tensor " + std::to_string(i) + " has shape " +
                         shape_str(x.sizes()) + " and tensor 0 has " + shape_str(first.sizes()));
    shape[size_t(d)] += x.sizes()[size_t(d)];
  }
  Tensor out = detail::new_tensor(shape, t, first.device());
  int64_t at = 0;
  std::vector<int64_t> lengths;
  for (const Tensor& x : tensors) {
    int64_t len = x.sizes()[size_t(d)];
    lengths.push_back(len);
    Shape st = out.strides();
    Tensor part = detail::make_view(out, x.sizes(), st, at * st[size_t(d)]);
    backend_for(out.device()).copy(x.detach(), part);
    at += len;
  }
  if (autograd::needs_grad(tensors)) {
    std::vector<DType> dtypes;
    for (const Tensor& x : tensors) dtypes.push_back(x.dtype());
    record(out, "CatBackward0", tensors, [d, lengths, dtypes](const Tensor& g) {
      std::vector<Tensor> grads;
      int64_t start = 0;
      for (size_t i = 0; i < lengths.size(); ++i) {
        Tensor gi = g.narrow(d, start, lengths[i]);
        grads.push_back(gi.dtype() == dtypes[i] ? gi : gi.to(dtypes[i]));
        start += lengths[i];
      }
      return grads;
    });
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  if (tensors.empty()) throw ShapeError("stack: expects a non-empty list of tensors");
  detail::check_defined(tensors[0], "stack");
  int64_t d = wrap_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  for (size_t i = 0; i < tensors.size(); ++i) {
    detail::check_defined(tensors[i], "stack");
    if (tensors[i].sizes() != tensors[0].sizes())
      throw ShapeError("stack: expects each tensor to be equal size, but got " +
                       shape_str(tensors[0].sizes()) + " at entry 0 and " +
                       shape_str(tensors[i].sizes()) + " at entry " + std::to_string(i));
    parts.push_back(tensors[i].unsqueeze(d));
  }
  return cat(parts, d);
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  detail::check_defined(x, "split");
  int64_t d = wrap_dim(dim, x.dim(), "split");
  if (split_size <= 0)
    throw ShapeError("split: split_size must be positive, got " + std::to_string(split_size));
  const int64_t n = x.sizes()[size_t(d)];
  std::vector<Tensor> out;
  for (int64_t start = 0; start < n || (n == 0 && out.empty()); start += split_size)
    out.push_back(x.narrow(d, start, std::min(split_size, n - start)));
  return out;
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  detail::check_defined(x, "chunk");
  if (chunks <= 0)
    throw ShapeError("chunk: number of chunks must be positive, got " + std::to_string(chunks));
  int64_t d = wrap_dim(dim, x.dim(), "chunk");
  const int64_t n = x.sizes()[size_t(d)];
  return split(x, std::max<int64_t>((n + chunks - 1) / chunks, 1), d);
}

std::vector<Tensor> Tensor::split(int64_t split_size, int64_t dim) const {
  return nw::split(*this, split_size, dim);
}
std::vector<Tensor> Tensor::chunk(int64_t chunks, int64_t dim) const {
  return nw::chunk(*this, chunks, dim);
}

}  // namespace nw
