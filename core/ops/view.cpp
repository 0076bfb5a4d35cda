// Views: new geometry over the same storage, no copy. Backward of a view maps the gradient back
// to the input's geometry.
#include <algorithm>

#include "ops/op_util.h"
#include "tensor/index.h"

namespace nw {

using autograd::record;

namespace {

bool wants_grad(const Tensor& x) {
  return autograd::needs_grad({&x});
}

// Gradient of a view that picks part of the input: zeros with the gradient written into the same
// part.
template <typename ViewFn>
Tensor embed_grad(const Tensor& g, const Shape& sizes, ViewFn&& view_of) {
  Tensor z = zeros(sizes, TensorOptions(g.dtype()).device(g.device()));
  Tensor part = view_of(z);
  backend_for(g.device()).copy(g, part);
  return z;
}

// Strides for viewing (sizes, strides) as `shape` without a copy, or empty when impossible.
std::optional<Shape> view_strides(const Shape& sizes, const Shape& strides, const Shape& shape) {
  if (numel_of(sizes) == 0 || sizes.empty()) return contiguous_strides(shape);
  Shape out(shape.size());
  // Walk the old dims in chunks that are contiguous among themselves; each chunk must map onto
  // a run of new dims with the same element count.
  int64_t view_d = int64_t(shape.size()) - 1;
  int64_t chunk_base_stride = strides.empty() ? 1 : strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = int64_t(sizes.size()) - 1; d >= 0; --d) {
    tensor_numel *= sizes[size_t(d)];
    if (d == 0 ||
        (sizes[size_t(d - 1)] != 1 && strides[size_t(d - 1)] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[size_t(view_d)] == 1)) {
        out[size_t(view_d)] = view_numel * chunk_base_stride;
        view_numel *= shape[size_t(view_d)];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = strides[size_t(d - 1)];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

Shape infer_shape(const Shape& shape, int64_t numel, const char* op, const Shape& from) {
  Shape out = shape;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer >= 0)
        throw ShapeError(std::string(op) + ": only one dimension can be -1, got shape " +
                         shape_str(shape));
      infer = int64_t(i);
    } else if (out[i] < 0) {
      throw ShapeError(std::string(op) + ": invalid size " + std::to_string(out[i]) + " in shape " +
                       shape_str(shape));
    } else {
      known *= out[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel % known != 0)
      throw ShapeError(std::string(op) + ": shape " + shape_str(shape) +
                       " is invalid for an input of shape " + shape_str(from) + " (" +
                       std::to_string(numel) + " elements)");
    out[size_t(infer)] = numel / known;
  }
  if (numel_of(out) != numel)
    throw ShapeError(std::string(op) + ": shape " + shape_str(shape) +
                     " is invalid for an input of shape " + shape_str(from) + " (" +
                     std::to_string(numel) + " elements); the sizes must multiply to " +
                     std::to_string(numel));
  return out;
}

Tensor reshape_grad_node(Tensor out, const Tensor& x, const char* name) {
  if (wants_grad(x))
    record(out, name, {x},
           [sizes = x.sizes()](const Tensor& g) { return std::vector<Tensor>{g.reshape(sizes)}; });
  return out;
}

}  // namespace

Tensor Tensor::select(int64_t dim, int64_t i) const {
  if (this->dim() == 0)
    throw IndexError("select: cannot index a 0-d tensor; it has no dimensions (use item())");
  int64_t d = wrap_dim(dim, this->dim(), "select");
  int64_t n = sizes()[size_t(d)];
  if (i < -n || i >= n)
    throw IndexError("index " + std::to_string(i) + " is out of range for dimension " +
                     std::to_string(d) + " of size " + std::to_string(n) + " (shape " +
                     shape_str(sizes()) + "); valid indices are " + std::to_string(-n) + " .. " +
                     std::to_string(n - 1));
  if (i < 0) i += n;
  Shape s = sizes(), st = strides();
  int64_t off = storage_offset() + i * st[size_t(d)];
  s.erase(s.begin() + d);
  st.erase(st.begin() + d);
  Tensor out = detail::view_of(*this, s, st, off);
  if (wants_grad(*this))
    record(out, "SelectBackward0", {*this}, [sizes = sizes(), d, i](const Tensor& g) {
      return std::vector<Tensor>{
          embed_grad(g, sizes, [&](const Tensor& z) { return z.select(d, i); })};
    });
  return out;
}

Tensor Tensor::slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop,
                     int64_t step) const {
  if (this->dim() == 0) throw IndexError("slice: cannot slice a 0-d tensor");
  if (step <= 0)
    throw IndexError("slice: step must be positive, got " + std::to_string(step) +
                     "; reverse with flip-free indexing is not supported");
  int64_t d = wrap_dim(dim, this->dim(), "slice");
  int64_t n = sizes()[size_t(d)];
  auto clampi = [n](int64_t v) {
    if (v < 0) v += n;
    return std::clamp<int64_t>(v, 0, n);
  };
  int64_t b = start ? clampi(*start) : 0;
  int64_t e = stop ? clampi(*stop) : n;
  int64_t len = e > b ? (e - b + step - 1) / step : 0;
  Shape s = sizes(), st = strides();
  int64_t off = storage_offset() + b * st[size_t(d)];
  s[size_t(d)] = len;
  st[size_t(d)] *= step;
  Tensor out = detail::view_of(*this, s, st, off);
  if (wants_grad(*this))
    record(out, "SliceBackward0", {*this}, [sizes = sizes(), d, b, e, step](const Tensor& g) {
      return std::vector<Tensor>{
          embed_grad(g, sizes, [&](const Tensor& z) { return z.slice(d, b, e, step); })};
    });
  return out;
}

Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const {
  int64_t d = wrap_dim(dim, this->dim(), "narrow");
  int64_t n = sizes()[size_t(d)];
  if (start < 0) start += n;
  if (start < 0 || length < 0 || start + length > n)
    throw IndexError("narrow: start " + std::to_string(start) + " and length " +
                     std::to_string(length) + " exceed dimension " + std::to_string(d) +
                     " of size " + std::to_string(n) +
                     "; need 0 <= start and start + length <= " + std::to_string(n));
  return slice(d, start, start + length, 1);
}

Tensor Tensor::view(const Shape& shape) const {
  Shape target = infer_shape(shape, numel(), "view", sizes());
  auto st = view_strides(sizes(), strides(), target);
  if (!st)
    throw ShapeError("view: cannot view a tensor of shape " + shape_str(sizes()) +
                     " with strides " + shape_str(strides()) + " as " + shape_str(target) +
                     " without copying (the memory layout does not allow it); use reshape(), "
                     "or contiguous() first");
  return reshape_grad_node(detail::view_of(*this, target, *st, storage_offset()), *this,
                           "ViewBackward0");
}

Tensor Tensor::reshape(const Shape& shape) const {
  Shape target = infer_shape(shape, numel(), "reshape", sizes());
  if (view_strides(sizes(), strides(), target)) return view(target);
  return contiguous().view(target);
}

Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  if (dim() == 0) return reshape({1});
  int64_t s = wrap_dim(start_dim, dim(), "flatten"), e = wrap_dim(end_dim, dim(), "flatten");
  if (s > e)
    throw IndexError("flatten: start_dim " + std::to_string(start_dim) + " comes after end_dim " +
                     std::to_string(end_dim));
  if (s == e) return *this;
  Shape shape(sizes().begin(), sizes().begin() + s);
  int64_t m = 1;
  for (int64_t d = s; d <= e; ++d) m *= sizes()[size_t(d)];
  shape.push_back(m);
  shape.insert(shape.end(), sizes().begin() + e + 1, sizes().end());
  return reshape(shape);
}

Tensor Tensor::squeeze() const {
  Shape s, st;
  for (int64_t d = 0; d < dim(); ++d)
    if (sizes()[size_t(d)] != 1) {
      s.push_back(sizes()[size_t(d)]);
      st.push_back(strides()[size_t(d)]);
    }
  return reshape_grad_node(detail::view_of(*this, s, st, storage_offset()), *this,
                           "SqueezeBackward0");
}

Tensor Tensor::squeeze(int64_t dim) const {
  int64_t d = wrap_dim(dim, this->dim(), "squeeze");
  if (this->dim() == 0 || sizes()[size_t(d)] != 1)
    return reshape_grad_node(detach(), *this, "SqueezeBackward1");
  Shape s = sizes(), st = strides();
  s.erase(s.begin() + d);
  st.erase(st.begin() + d);
  return reshape_grad_node(detail::view_of(*this, s, st, storage_offset()), *this,
                           "SqueezeBackward1");
}

Tensor Tensor::unsqueeze(int64_t dim) const {
  int64_t d = wrap_dim(dim, this->dim() + 1, "unsqueeze");
  Shape s = sizes(), st = strides();
  int64_t stride = d < this->dim() ? st[size_t(d)] * s[size_t(d)] : 1;
  s.insert(s.begin() + d, 1);
  st.insert(st.begin() + d, stride);
  return reshape_grad_node(detail::view_of(*this, s, st, storage_offset()), *this,
                           "UnsqueezeBackward0");
}

Tensor Tensor::permute(const Shape& dims) const {
  if (int64_t(dims.size()) != dim())
    throw ShapeError("permute: got " + std::to_string(dims.size()) + " dims " + shape_str(dims) +
                     " for a tensor with " + std::to_string(dim()) +
                     " dimensions; name every dimension once");
  Shape s(dims.size()), st(dims.size()), inverse(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = wrap_dim(dims[i], dim(), "permute");
    if (seen[size_t(d)])
      throw IndexError("permute: dimension " + std::to_string(d) + " repeats in " +
                       shape_str(dims) + "; name every dimension once");
    seen[size_t(d)] = true;
    s[i] = sizes()[size_t(d)];
    st[i] = strides()[size_t(d)];
    inverse[size_t(d)] = int64_t(i);
  }
  Tensor out = detail::view_of(*this, s, st, storage_offset());
  if (wants_grad(*this))
    record(out, "PermuteBackward0", {*this},
           [inverse](const Tensor& g) { return std::vector<Tensor>{g.permute(inverse)}; });
  return out;
}

Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  if (dim() == 0) return reshape_grad_node(detach(), *this, "TransposeBackward0");
  int64_t a = wrap_dim(dim0, dim(), "transpose"), b = wrap_dim(dim1, dim(), "transpose");
  Shape s = sizes(), st = strides();
  std::swap(s[size_t(a)], s[size_t(b)]);
  std::swap(st[size_t(a)], st[size_t(b)]);
  Tensor out = detail::view_of(*this, s, st, storage_offset());
  if (wants_grad(*this))
    record(out, "TransposeBackward0", {*this},
           [a, b](const Tensor& g) { return std::vector<Tensor>{g.transpose(a, b)}; });
  return out;
}

Tensor Tensor::t() const {
  if (dim() > 2)
    throw ShapeError("t: expects a tensor with at most 2 dimensions, got shape " +
                     shape_str(sizes()) + "; use transpose(dim0, dim1) or permute");
  if (dim() < 2) return reshape_grad_node(detach(), *this, "TBackward0");
  Tensor out = detail::view_of(*this, {size(1), size(0)}, {stride(1), stride(0)}, storage_offset());
  if (wants_grad(*this))
    record(out, "TBackward0", {*this}, [](const Tensor& g) { return std::vector<Tensor>{g.t()}; });
  return out;
}

Tensor Tensor::expand(const Shape& shape) const {
  if (int64_t(shape.size()) < dim())
    throw ShapeError("expand: the target shape " + shape_str(shape) +
                     " has fewer dimensions "
                     "than the tensor's " +
                     shape_str(sizes()));
  Shape target = shape;
  const size_t lead = shape.size() - size_t(dim());
  for (size_t i = 0; i < shape.size(); ++i) {
    if (target[i] == -1) {
      if (i < lead)
        throw ShapeError("expand: -1 is not allowed for new leading dimensions in " +
                         shape_str(shape));
      target[i] = sizes()[i - lead];
    }
    if (i >= lead && sizes()[i - lead] != 1 && sizes()[i - lead] != target[i])
      throw ShapeError("expand: the size " + std::to_string(sizes()[i - lead]) + " of dimension " +
                       std::to_string(i - lead) + " of shape " + shape_str(sizes()) +
                       " must match " + std::to_string(target[i]) + " in the target " +
                       shape_str(shape) + " (only size-1 dimensions expand)");
  }
  Tensor out = detail::view_of(*this, target, detail::broadcast_to(*this, target).strides(),
                               storage_offset());
  if (wants_grad(*this))
    record(out, "ExpandBackward0", {*this},
           [sizes = sizes()](const Tensor& g) { return std::vector<Tensor>{sum_to(g, sizes)}; });
  return out;
}

Tensor Tensor::as_strided(const Shape& sizes, const Shape& strides, int64_t offset) const {
  if (sizes.size() != strides.size())
    throw ShapeError("as_strided: sizes " + shape_str(sizes) + " and strides " +
                     shape_str(strides) + " differ in length");
  Tensor out = detail::view_of(*this, sizes, strides, offset);
  if (wants_grad(*this)) {
    // Each output element reads one storage position; the gradient adds back into it.
    Tensor pos = detail::storage_positions(out, *this, "as_strided");
    record(out, "AsStridedBackward0", {*this}, [pos, in_sizes = this->sizes()](const Tensor& g) {
      Tensor z = zeros({numel_of(in_sizes)}, TensorOptions(g.dtype()).device(g.device()));
      return std::vector<Tensor>{
          nw::scatter_add(z, 0, pos.reshape({-1}), g.contiguous().reshape({-1})).reshape(in_sizes)};
    });
  }
  return out;
}

// ---- index expressions

Tensor Tensor::index(std::initializer_list<TensorIndex> idx) const {
  return index(std::vector<TensorIndex>(idx));
}

Tensor Tensor::index(const std::vector<TensorIndex>& idx) const {
  int64_t consumed = 0, ellipses = 0;
  for (const auto& i : idx) {
    if (i.kind() == TensorIndex::Kind::Integer || i.kind() == TensorIndex::Kind::Slice) ++consumed;
    if (i.kind() == TensorIndex::Kind::Ellipsis) ++ellipses;
  }
  if (ellipses > 1) throw IndexError("index: an index can only have a single ellipsis");
  if (consumed > dim())
    throw IndexError("index: too many indices for a tensor of dimension " + std::to_string(dim()) +
                     " (got " + std::to_string(consumed) + ")");
  Tensor r = *this;
  int64_t d = 0;  // the dimension of r the next index applies to
  for (const auto& i : idx) {
    switch (i.kind()) {
      case TensorIndex::Kind::Integer:
        r = r.select(d, i.integer());
        break;
      case TensorIndex::Kind::Slice:
        r = r.slice(d, i.slice().start, i.slice().stop, i.slice().step);
        ++d;
        break;
      case TensorIndex::Kind::None:
        r = r.unsqueeze(d);
        ++d;
        break;
      case TensorIndex::Kind::Ellipsis:
        d += dim() - consumed;
        break;
    }
  }
  return r;
}

Tensor& Tensor::index_put_(std::initializer_list<TensorIndex> idx, const Tensor& value) {
  detail::check_inplace(*this, "index_put_");
  index(idx).copy_(value);
  return *this;
}

Tensor& Tensor::index_put_(std::initializer_list<TensorIndex> idx, double value) {
  detail::check_inplace(*this, "index_put_");
  index(idx).fill_(value);
  return *this;
}

}  // namespace nw
