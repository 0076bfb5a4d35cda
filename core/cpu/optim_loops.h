#pragma once
// The loops of the CPU's optimizer kernels (backend/optimizer_kernels.h): for contiguous float32
// and float64 parameters, one pass over raw pointers (in L1-sized blocks where a square root is
// needed), split across threads when the parameter is large. Anything else (strided, mixed
// dtypes) is declined, and optim/ takes the tensor-op form.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <type_traits>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "backend/threads.h"
#include "tensor/tensor.h"

namespace nw::cpu::optim {

// True when `param` is a contiguous float32/float64 CPU tensor and every operand is too, with
// param's dtype and element count. Undefined operands (absent state) are skipped.
inline bool fusable(const Tensor& param, std::initializer_list<const Tensor*> operands) {
  if (!param.device().is_cpu() || !param.is_contiguous()) return false;
  if (param.dtype() != kFloat32 && param.dtype() != kFloat64) return false;
  for (const Tensor* t : operands) {
    if (!t || !t->defined()) continue;
    if (!t->device().is_cpu() || !t->is_contiguous() || t->dtype() != param.dtype() ||
        t->numel() != param.numel())
      return false;
  }
  return true;
}

// Typed pointer to the first element of an optional operand, or nullptr when it is absent.
template <typename T>
T* ptr(const Tensor* t) {
  return t && t->defined() ? t->data_ptr<T>() : nullptr;
}

// Calls body(begin, end) over [0, n): on this thread for small n (a parallel region costs more
// than the loop), else in contiguous pieces, one per thread.
template <typename F>
void parallel_range(int64_t n, F&& body) {
  const int threads = n >= kParallelGrain ? get_num_threads() : 1;
  if (threads <= 1) {
    body(int64_t(0), n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t begin = n * t / nt, end = n * (t + 1) / nt;
    if (end > begin) body(begin, end);
  }
}

// Square roots of x[0, n) in place. std::sqrt may set errno, so GCC keeps one library call per
// element and will not vectorize a loop that holds it (the build has no -fno-math-errno); SSE's
// square-root instructions give the same correctly rounded results several at a time.
inline void sqrt_inplace(float* x, int64_t n) {
  int64_t i = 0;
#if defined(__SSE2__)
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(x + i, _mm_sqrt_ps(_mm_loadu_ps(x + i)));
#endif
  for (; i < n; ++i) x[i] = std::sqrt(x[i]);
}

inline void sqrt_inplace(double* x, int64_t n) {
  int64_t i = 0;
#if defined(__SSE2__)
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(x + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
#endif
  for (; i < n; ++i) x[i] = std::sqrt(x[i]);
}

// Runs an update that needs a square root per element over [begin, end) in blocks that stay in
// L1: first(b, len, root) updates elements [b, b + len) up to the value whose root is needed,
// storing it in root[0, len); the roots are taken; second(b, len, root) finishes the elements.
// Each pass is a plain loop the compiler vectorizes.
template <typename T, typename First, typename Second>
void sqrt_blocks(int64_t begin, int64_t end, First&& first, Second&& second) {
  constexpr int64_t kBlock = 512;
  alignas(64) T root[kBlock];
  for (int64_t b = begin; b < end; b += kBlock) {
    const int64_t len = std::min(kBlock, end - b);
    first(b, len, root);
    sqrt_inplace(root, len);
    second(b, len, static_cast<const T*>(root));
  }
}

// Calls f(std::bool_constant<flag>...) for the runtime flags, in order, so that a kernel can take
// its switches as template arguments: its loops are then branch-free and vectorize (GCC does not
// unswitch loops this big by itself).
template <typename F>
void with_flags(F&& f) {
  f();
}
template <typename F, typename... Bools>
void with_flags(F&& f, bool flag, Bools... rest) {
  auto bind = [&](auto constant) {
    with_flags([&](auto... more) { f(constant, more...); }, rest...);
  };
  if (flag)
    bind(std::true_type{});
  else
    bind(std::false_type{});
}

// NaN-propagating maximum, as torch.maximum; written as selects so that a loop using it stays
// free of branches and vectorizes.
template <typename T>
inline T nan_max(T a, T b) {
  T r = a < b ? b : a;
  r = b != b ? b : r;
  return a != a ? a : r;
}

}  // namespace nw::cpu::optim
