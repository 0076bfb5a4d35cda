#pragma once
// The generic strided kernel: one thread per element (grid-stride), offsets from an OffsetCalc,
// the work done by a functor f(off) that reads and writes through its own typed pointers.
#include <algorithm>
#include <array>

#include "check.h"
#include "offset_calc.h"
#include "tensor/tensor.h"

namespace nw::cuda {

inline constexpr int kThreads = 256;

// Blocks for n elements at kThreads each; the grid-stride loops cover whatever is left over.
inline unsigned grid_for(int64_t n) {
  return unsigned(std::clamp<int64_t>((n + kThreads - 1) / kThreads, 1, int64_t(1) << 20));
}

template <int N, typename F>
__global__ void strided_kernel(int64_t n, OffsetCalc<N> calc, F f) {
  const int64_t step = int64_t(blockDim.x) * gridDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    int64_t off[N];
    calc.get(i, off);
    f(off);
  }
}

// Runs f over every element of `sizes`, operand k walking with strides[k]. The caller has made
// the right device current.
template <int N, typename F>
void launch_strided(const Shape& sizes, const std::array<const Shape*, N>& strides, const F& f) {
  const int64_t n = numel_of(sizes);
  if (n == 0) return;
  strided_kernel<N, F><<<grid_for(n), kThreads>>>(n, make_offset_calc<N>(sizes, strides), f);
  CUDA_CHECK_LAUNCH();
}

template <typename T>
T* ptr(const Tensor& t) {
  return static_cast<T*>(t.raw_data());
}

}  // namespace nw::cuda
