#pragma once
// The iteration engine of the CPU kernels: walks N operands of one shape with their own byte
// strides, merging dimensions that are laid out back to back, and hands the innermost run to a
// kernel as (length, pointers, strides). Kernels then pick a contiguous or scalar fast path.
#include <omp.h>

#include <array>
#include <cstdint>

#include "backend/threads.h"
#include "tensor/tensor.h"

namespace nw::cpu {

using nw::kParallelGrain;  // backend/threads.h

template <size_t N>
struct Loop {
  Shape sizes;                   // coalesced, innermost last; never empty
  std::array<Shape, N> strides;  // bytes
};

template <size_t N>
Loop<N> make_loop(const Shape& sizes, const std::array<const Tensor*, N>& ops) {
  Loop<N> l;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 1) continue;
    l.sizes.push_back(sizes[d]);
    for (size_t k = 0; k < N; ++k)
      l.strides[k].push_back(ops[k]->strides()[d] * int64_t(ops[k]->element_size()));
  }
  // Merge dim i into i+1 when every operand steps over it as one longer run.
  for (size_t i = l.sizes.size(); i-- > 1;) {
    bool merge = true;
    for (size_t k = 0; k < N; ++k)
      merge = merge && l.strides[k][i - 1] == l.strides[k][i] * l.sizes[i];
    if (!merge) continue;
    l.sizes[i] *= l.sizes[i - 1];
    l.sizes.erase(l.sizes.begin() + long(i) - 1);
    for (size_t k = 0; k < N; ++k) l.strides[k].erase(l.strides[k].begin() + long(i) - 1);
  }
  if (l.sizes.empty()) {
    l.sizes.push_back(1);
    for (size_t k = 0; k < N; ++k) l.strides[k].push_back(0);
  }
  return l;
}

// Calls kernel(n, ptrs, inner_strides) for every innermost run; rows are split across threads
// when `parallel` and the work is large enough. Runs of one long dimension are split too.
template <size_t N, typename F>
void run_loop(const Loop<N>& l, std::array<char*, N> base, bool parallel, F&& kernel) {
  const int64_t ndim = int64_t(l.sizes.size());
  const int64_t inner = l.sizes.back();
  std::array<int64_t, N> inner_strides;
  for (size_t k = 0; k < N; ++k) inner_strides[k] = l.strides[k].back();
  int64_t rows = 1;
  for (int64_t d = 0; d + 1 < ndim; ++d) rows *= l.sizes[d];

  int threads = parallel && rows * inner >= kParallelGrain ? get_num_threads() : 1;
  if (rows == 1) {
    if (threads <= 1) {
      kernel(inner, base, inner_strides);
      return;
    }
    // One long run: give each thread a contiguous piece of it.
#pragma omp parallel num_threads(threads)
    {
      int t = omp_get_thread_num(), nt = omp_get_num_threads();
      int64_t begin = inner * t / nt, end = inner * (t + 1) / nt;
      std::array<char*, N> p;
      for (size_t k = 0; k < N; ++k) p[k] = base[k] + begin * inner_strides[k];
      if (end > begin) kernel(end - begin, p, inner_strides);
    }
    return;
  }

  auto do_rows = [&](int64_t begin, int64_t end) {
    if (begin >= end) return;
    Shape idx(size_t(ndim - 1), 0);
    int64_t r = begin;
    for (int64_t d = ndim - 2; d >= 0; --d) {
      idx[size_t(d)] = r % l.sizes[size_t(d)];
      r /= l.sizes[size_t(d)];
    }
    std::array<char*, N> p;
    for (size_t k = 0; k < N; ++k) {
      p[k] = base[k];
      for (int64_t d = 0; d + 1 < ndim; ++d) p[k] += idx[size_t(d)] * l.strides[k][size_t(d)];
    }
    for (int64_t row = begin; row < end; ++row) {
      kernel(inner, p, inner_strides);
      // Odometer step over the outer dimensions.
      for (int64_t d = ndim - 2; d >= 0; --d) {
        size_t ud = size_t(d);
        for (size_t k = 0; k < N; ++k) p[k] += l.strides[k][ud];
        if (++idx[ud] < l.sizes[ud]) break;
        for (size_t k = 0; k < N; ++k) p[k] -= l.strides[k][ud] * l.sizes[ud];
        idx[ud] = 0;
      }
    }
  };
  if (threads <= 1) {
    do_rows(0, rows);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    int t = omp_get_thread_num(), nt = omp_get_num_threads();
    do_rows(rows * t / nt, rows * (t + 1) / nt);
  }
}

}  // namespace nw::cpu
