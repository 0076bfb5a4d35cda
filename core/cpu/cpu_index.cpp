// gather, scatter_add and index_select. Bounds are checked by the ops before they get here.
#include <cstring>

#include "cpu/cpu_backend.h"
#include "cpu/strided_loop.h"

namespace nw {

namespace {

// Visits every element of `shape` with its multi-index, in row-major order.
template <typename F>
void for_each_index(const Shape& shape, F&& f) {
  const int64_t n = numel_of(shape);
  Shape idx(shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    f(idx);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

int64_t offset_of(const Shape& idx, const Shape& strides) {
  int64_t o = 0;
  for (size_t d = 0; d < idx.size(); ++d) o += idx[d] * strides[d];
  return o;
}

}  // namespace

void CpuBackend::gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) {
  const int64_t* ip = static_cast<const int64_t*>(index.raw_data());
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* xp = static_cast<const T*>(x.raw_data());
    T* op = static_cast<T*>(out.raw_data());
    for_each_index(index.sizes(), [&](const Shape& idx) {
      Shape src = idx;
      src[size_t(dim)] = ip[offset_of(idx, index.strides())];
      op[offset_of(idx, out.strides())] = xp[offset_of(src, x.strides())];
    });
  });
}

void CpuBackend::scatter_add(const Tensor& out, int64_t dim, const Tensor& index,
                             const Tensor& src) {
  const int64_t* ip = static_cast<const int64_t*>(index.raw_data());
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* sp = static_cast<const T*>(src.raw_data());
    T* op = static_cast<T*>(out.raw_data());
    for_each_index(index.sizes(), [&](const Shape& idx) {
      Shape dst = idx;
      dst[size_t(dim)] = ip[offset_of(idx, index.strides())];
      op[offset_of(dst, out.strides())] += sp[offset_of(idx, src.strides())];
    });
  });
}

void CpuBackend::index_select(const Tensor& x, int64_t dim, const Tensor& index,
                              const Tensor& out) {
  const int64_t* ip = static_cast<const int64_t*>(index.raw_data());
  const int64_t istride = index.dim() ? index.stride(0) : 0;
  const int64_t count = index.numel();
  // Row gathers of a contiguous tensor along dim 0 (a batch from a dataset) are block copies.
  if (dim == 0 && x.is_contiguous() && out.is_contiguous()) {
    const size_t row = size_t(x.numel() / std::max<int64_t>(x.size(0), 1)) * x.element_size();
    const char* xp = static_cast<const char*>(x.raw_data());
    char* op = static_cast<char*>(out.raw_data());
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(op + size_t(i) * row, xp + size_t(ip[i * istride]) * row, row);
    return;
  }
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* xp = static_cast<const T*>(x.raw_data());
    T* op = static_cast<T*>(out.raw_data());
    for_each_index(out.sizes(), [&](const Shape& idx) {
      Shape src = idx;
      src[size_t(dim)] = ip[idx[size_t(dim)] * istride];
      op[offset_of(idx, out.strides())] = xp[offset_of(src, x.strides())];
    });
  });
}

}  // namespace nw
