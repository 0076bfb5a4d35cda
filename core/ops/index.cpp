// gather, scatter_add, index_select and one_hot. Index tensors are int64 and checked against
// the indexed dimension before any kernel runs.
#include "ops/op_util.h"

namespace nw {

using autograd::record;
using autograd::SavedTensor;

namespace {

void check_index(const Tensor& index, int64_t size, int64_t dim, const char* op) {
  detail::check_defined(index, op);
  if (index.dtype() != kInt64)
    throw DTypeError(std::string(op) + ": index must be an int64 tensor, got " +
                     dtype_name(index.dtype()) + "; convert with to(nw::kInt64)");
  if (index.numel() == 0) return;
  Tensor host = index.device().is_cpu() ? index : index.cpu();
  int64_t lo = host.min().item<int64_t>(), hi = host.max().item<int64_t>();
  if (lo < 0 || hi >= size)
    throw IndexError(std::string(op) + ": index " + std::to_string(lo < 0 ? lo : hi) +
                     " is out of bounds for dimension " + std::to_string(dim) + " with size " +
                     std::to_string(size) + "; indices must lie in [0, " +
                     std::to_string(size - 1) + "]");
}

void check_gather_shape(const Tensor& x, const Tensor& index, int64_t d, const char* op) {
  if (index.dim() != x.dim())
    throw ShapeError(std::string(op) + ": index of shape " + shape_str(index.sizes()) +
                     " must have as many dimensions as the input " + shape_str(x.sizes()));
  for (int64_t k = 0; k < x.dim(); ++k)
    if (k != d && index.sizes()[size_t(k)] > x.sizes()[size_t(k)])
      throw ShapeError(std::string(op) + ": index of shape " + shape_str(index.sizes()) +
                       " is larger than the input " + shape_str(x.sizes()) + " in dimension " +
                       std::to_string(k));
}

}  // namespace

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  detail::check_defined(x, "gather");
  int64_t d = wrap_dim(dim, x.dim(), "gather");
  detail::check_defined(index, "gather");
  detail::check_same_device(x, index, "gather");
  check_gather_shape(x, index, d, "gather");
  check_index(index, x.dim() ? x.sizes()[size_t(d)] : 1, d, "gather");
  Tensor out = detail::new_tensor(index.sizes(), x.dtype(), x.device());
  backend_for(x.device()).gather(x.detach(), d, index, out);
  if (autograd::needs_grad({&x}))
    record(out, "GatherBackward0", {x},
           [si = SavedTensor(index), sizes = x.sizes(), d](const Tensor& g) {
             Tensor z = zeros(sizes, TensorOptions(g.dtype()).device(g.device()));
             return std::vector<Tensor>{scatter_add(z, d, si.unpack("GatherBackward0"), g)};
           });
  return out;
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  detail::check_defined(x, "scatter_add");
  detail::check_defined(src, "scatter_add");
  detail::check_defined(index, "scatter_add");
  detail::check_same_device(x, index, "scatter_add");
  detail::check_same_device(x, src, "scatter_add");
  int64_t d = wrap_dim(dim, x.dim(), "scatter_add");
  check_gather_shape(x, index, d, "scatter_add");
  if (src.dim() != index.dim())
    throw ShapeError("scatter_add: src of shape " + shape_str(src.sizes()) +
                     " must have as many dimensions as index " + shape_str(index.sizes()));
  for (int64_t k = 0; k < index.dim(); ++k)
    if (index.sizes()[size_t(k)] > src.sizes()[size_t(k)])
      throw ShapeError("scatter_add: index of shape " + shape_str(index.sizes()) +
                       " is larger than src " + shape_str(src.sizes()));
  if (src.dtype() != x.dtype())
    throw DTypeError(std::string("scatter_add: src is ") + dtype_name(src.dtype()) +
                     " but the input is " + dtype_name(x.dtype()) + "; convert src first");
  check_index(index, x.dim() ? x.sizes()[size_t(d)] : 1, d, "scatter_add");
  Tensor out = x.detach().clone();
  backend_for(x.device()).scatter_add(out, d, index, src.detach());
  if (autograd::needs_grad({&x, &src}))
    record(out, "ScatterAddBackward0", {x, src}, [si = SavedTensor(index), d](const Tensor& g) {
      return std::vector<Tensor>{g, g.gather(d, si.unpack("ScatterAddBackward0"))};
    });
  return out;
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  detail::check_defined(x, "index_select");
  if (index.defined() && index.dim() > 1)
    throw ShapeError("index_select: index must be 1-D, got shape " + shape_str(index.sizes()));
  detail::check_defined(index, "index_select");
  detail::check_same_device(x, index, "index_select");
  int64_t d = wrap_dim(dim, x.dim(), "index_select");
  check_index(index, x.dim() ? x.sizes()[size_t(d)] : 1, d, "index_select");
  Shape shape = x.sizes();
  if (x.dim()) shape[size_t(d)] = index.numel();
  Tensor out = detail::new_tensor(shape, x.dtype(), x.device());
  Tensor idx1 = index.dim() == 0 ? index.reshape({1}) : index;
  backend_for(x.device()).index_select(x.detach(), d, idx1, out);
  if (autograd::needs_grad({&x}))
    record(out, "IndexSelectBackward0", {x},
           [si = SavedTensor(idx1), sizes = x.sizes(), d](const Tensor& g) {
             // Scatter each selected slice back; repeated indices add up.
             const Tensor& idx = si.unpack("IndexSelectBackward0");
             Shape view(size_t(g.dim()), 1);
             view[size_t(d)] = idx.numel();
             Tensor full_idx = idx.reshape(view).expand(g.sizes()).contiguous();
             Tensor z = zeros(sizes, TensorOptions(g.dtype()).device(g.device()));
             return std::vector<Tensor>{scatter_add(z, d, full_idx, g)};
           });
  return out;
}

Tensor one_hot(const Tensor& labels, int64_t num_classes) {
  detail::check_defined(labels, "one_hot");
  if (labels.dtype() != kInt64)
    throw DTypeError(std::string("one_hot: labels must be int64 class indices, got ") +
                     dtype_name(labels.dtype()));
  if (num_classes < 0) num_classes = labels.numel() ? labels.max().item<int64_t>() + 1 : 0;
  check_index(labels, num_classes, labels.dim(), "one_hot");
  Shape shape = labels.sizes();
  shape.push_back(num_classes);
  Tensor out = zeros(shape, TensorOptions(kInt64).device(labels.device()));
  Tensor ones_src = ones_like(labels).unsqueeze(-1);
  backend_for(labels.device()).scatter_add(out, labels.dim(), labels.unsqueeze(-1), ones_src);
  return out;
}

Tensor Tensor::gather(int64_t dim, const Tensor& index) const {
  return nw::gather(*this, dim, index);
}
Tensor Tensor::scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const {
  return nw::scatter_add(*this, dim, index, src);
}
Tensor Tensor::index_select(int64_t dim, const Tensor& index) const {
  return nw::index_select(*this, dim, index);
}

}  // namespace nw
