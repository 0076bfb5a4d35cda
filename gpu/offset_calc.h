#pragma once
// Where each of N operands sits for the i-th element (row-major) of one shape. Built on the host
// from sizes and per-operand strides, passed to kernels by value. Dimensions of size 1 are
// dropped and dimensions that every operand steps over as one longer run are merged, so a
// contiguous tensor costs one division per element however many dimensions it has.
// Plain C++ with __host__ __device__ members, so host tests can check the index math.
#include <array>
#include <cstdint>
#include <string>

#include "tensor/errors.h"
#include "tensor/shape.h"

#ifdef __CUDACC__
#define NW_GPU_HD __host__ __device__ inline
#else
#define NW_GPU_HD inline
#endif

namespace nw::cuda {

// Dimensions left after merging; more are refused with a ShapeError.
inline constexpr int kMaxDims = 16;

template <int N>
struct OffsetCalc {
  int ndim = 0;
  int64_t sizes[kMaxDims] = {};
  int64_t strides[kMaxDims][N] = {};  // in elements, [dim][operand]

  // off[k]: element offset of operand k for the row-major element `linear` of the shape.
  NW_GPU_HD void get(int64_t linear, int64_t (&off)[N]) const {
    for (int k = 0; k < N; ++k) off[k] = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t idx = linear % sizes[d];
      linear /= sizes[d];
      for (int k = 0; k < N; ++k) off[k] += idx * strides[d][k];
    }
  }
};

// strides[k]: operand k's strides (elements) for `sizes`, one per dimension.
template <int N>
OffsetCalc<N> make_offset_calc(const Shape& sizes, const std::array<const Shape*, N>& strides) {
  Shape sz;
  std::array<Shape, N> st;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 1) continue;
    sz.push_back(sizes[d]);
    for (int k = 0; k < N; ++k) st[size_t(k)].push_back((*strides[size_t(k)])[d]);
  }
  // Merge dim i-1 into dim i when every operand steps over both as one run.
  for (size_t i = sz.size(); i-- > 1;) {
    bool merge = true;
    for (int k = 0; k < N; ++k) merge = merge && st[size_t(k)][i - 1] == st[size_t(k)][i] * sz[i];
    if (!merge) continue;
    sz[i] *= sz[i - 1];
    sz.erase(sz.begin() + long(i) - 1);
    for (int k = 0; k < N; ++k) st[size_t(k)].erase(st[size_t(k)].begin() + long(i) - 1);
  }
  if (sz.size() > size_t(kMaxDims))
    throw ShapeError("CUDA kernels walk at most " + std::to_string(kMaxDims) +
                     " dimensions that cannot be merged, but shape " + shape_str(sizes) +
                     " with these strides has " + std::to_string(sz.size()) +
                     "; reshape the tensor to fewer dimensions");
  OffsetCalc<N> c;
  c.ndim = int(sz.size());
  for (size_t d = 0; d < sz.size(); ++d) {
    c.sizes[d] = sz[d];
    for (int k = 0; k < N; ++k) c.strides[d][k] = st[size_t(k)][d];
  }
  return c;
}

}  // namespace nw::cuda
