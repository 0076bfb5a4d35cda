// Reductions. A whole contiguous tensor, or contiguous trailing blocks, go through a blocked
// multi-accumulator loop (fast and far more accurate than one running sum); every other layout
// folds x into out through the strided loop with out's reduced dimensions at stride 0.
#include <cstring>
#include <limits>
#include <vector>

#include "backend/elementwise_math.h"
#include "cpu/cpu_backend.h"
#include "cpu/strided_loop.h"

namespace nw {

namespace {

template <typename T>
struct SumOp {
  static T apply(T a, T b) { return T(a + b); }
};
template <typename T>
struct MaxOp {
  static T apply(T a, T b) { return math::max_nan(b, a); }
};
template <typename T>
struct MinOp {
  static T apply(T a, T b) { return math::min_nan(b, a); }
};

// Reduces p[0..n) with 16 independent accumulators per block of 4096, then combines the blocks
// pairwise-ish in a wider type for sums.
template <typename T, typename Op>
T reduce_contiguous(const T* p, int64_t n, T init) {
  constexpr int kLanes = 16;
  constexpr int64_t kBlock = 4096;
  using Wide = std::conditional_t<std::is_same_v<T, float>, double, T>;
  Wide total = Wide(init);
  bool first = true;
  for (int64_t start = 0; start < n; start += kBlock) {
    int64_t m = std::min(kBlock, n - start);
    const T* q = p + start;
    T acc[kLanes];
    for (int j = 0; j < kLanes; ++j) acc[j] = init;
    int64_t i = 0;
    for (; i + kLanes <= m; i += kLanes)
      for (int j = 0; j < kLanes; ++j) acc[j] = Op::apply(acc[j], q[i + j]);
    for (; i < m; ++i) acc[0] = Op::apply(acc[0], q[i]);
    for (int w = kLanes / 2; w > 0; w /= 2)
      for (int j = 0; j < w; ++j) acc[j] = Op::apply(acc[j], acc[j + w]);
    if constexpr (std::is_same_v<Op, SumOp<T>>) {
      total += Wide(acc[0]);
    } else {
      total = first ? Wide(acc[0]) : Wide(Op::apply(T(total), acc[0]));
      first = false;
    }
  }
  return T(total);
}

template <typename T, typename Op>
void reduce_typed(ReduceOp op, const Tensor& x, const Tensor& out) {
  const T init = reduce_identity<T>(op);
  const int64_t n = x.numel();
  T* o = static_cast<T*>(out.raw_data());
  const int64_t outer = out.numel();
  if (x.is_contiguous() && out.is_contiguous() && outer > 0 && n % outer == 0) {
    // Is every reduced dimension trailing? Then each output owns one contiguous block.
    const int64_t block = n / outer;
    bool trailing = true;
    bool seen_reduced = false;
    for (int64_t d = 0; d < x.dim(); ++d) {
      bool reduced = out.sizes()[size_t(d)] == 1 && x.sizes()[size_t(d)] != 1;
      if (reduced)
        seen_reduced = true;
      else if (seen_reduced && x.sizes()[size_t(d)] != 1)
        trailing = false;
    }
    if (trailing) {
      const T* p = static_cast<const T*>(x.raw_data());
      int threads = n >= cpu::kParallelGrain ? get_num_threads() : 1;
      if (outer == 1 && threads > 1) {
        std::vector<T> part(size_t(threads), init);
#pragma omp parallel num_threads(threads)
        {
          int t = omp_get_thread_num(), nt = omp_get_num_threads();
          int64_t b = n * t / nt, e = n * (t + 1) / nt;
          part[size_t(t)] = reduce_contiguous<T, Op>(p + b, e - b, init);
        }
        T r = part[0];
        for (int t = 1; t < threads; ++t) r = Op::apply(r, part[size_t(t)]);
        o[0] = r;
        return;
      }
#pragma omp parallel for num_threads(threads) if (threads > 1 && outer > 1)
      for (int64_t i = 0; i < outer; ++i)
        o[i] = reduce_contiguous<T, Op>(p + i * block, block, init);
      return;
    }
  }
  // General layout: out (viewed with stride 0 on reduced dims) op= x, single-threaded because
  // several x elements land on one out element.
  for (int64_t i = 0; i < outer; ++i) o[i] = init;
  Shape ostrides = out.strides();
  for (size_t d = 0; d < ostrides.size(); ++d)
    if (out.sizes()[d] == 1) ostrides[d] = 0;
  Tensor ov = out.as_strided(x.sizes(), ostrides, out.storage_offset());
  auto loop = cpu::make_loop<2>(x.sizes(), {&ov, &x});
  cpu::run_loop<2>(loop, {static_cast<char*>(ov.raw_data()), static_cast<char*>(x.raw_data())},
                   false, [](int64_t m, std::array<char*, 2> p, std::array<int64_t, 2> s) {
                     if (s[0] == 0) {
                       T acc = *reinterpret_cast<T*>(p[0]);
                       for (int64_t i = 0; i < m; ++i)
                         acc = Op::apply(acc, *reinterpret_cast<const T*>(p[1] + i * s[1]));
                       *reinterpret_cast<T*>(p[0]) = acc;
                     } else {
                       for (int64_t i = 0; i < m; ++i) {
                         T* d = reinterpret_cast<T*>(p[0] + i * s[0]);
                         *d = Op::apply(*d, *reinterpret_cast<const T*>(p[1] + i * s[1]));
                       }
                     }
                   });
}

}  // namespace

void CpuBackend::reduce(ReduceOp op, const Tensor& x, const Tensor& out) {
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (op) {
      case ReduceOp::Sum:
        return reduce_typed<T, SumOp<T>>(op, x, out);
      case ReduceOp::Max:
        return reduce_typed<T, MaxOp<T>>(op, x, out);
      case ReduceOp::Min:
        return reduce_typed<T, MinOp<T>>(op, x, out);
    }
  });
}

void CpuBackend::arg_reduce(bool is_max, const Tensor& x, int64_t dim, const Tensor& out) {
  const int64_t len = x.sizes()[size_t(dim)];
  const int64_t step = x.strides()[size_t(dim)];
  // Walk every output position; out's dim has size 1, so a loop over out with x's strides
  // visits the first element of each reduced line.
  Tensor xs = x.as_strided(out.sizes(), x.strides(), x.storage_offset());
  auto loop = cpu::make_loop<2>(out.sizes(), {&out, &xs});
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const int64_t sx = step * int64_t(sizeof(T));
    cpu::run_loop<2>(loop, {static_cast<char*>(out.raw_data()), static_cast<char*>(xs.raw_data())},
                     true, [&](int64_t n, std::array<char*, 2> p, std::array<int64_t, 2> s) {
                       for (int64_t i = 0; i < n; ++i) {
                         const char* base = p[1] + i * s[1];
                         T best = *reinterpret_cast<const T*>(base);
                         int64_t arg = 0;
                         for (int64_t k = 1; k < len && !math::is_nan(best); ++k) {
                           T v = *reinterpret_cast<const T*>(base + k * sx);
                           bool better = is_max ? (v > best) : (v < best);
                           if (better || math::is_nan(v)) {
                             best = v;
                             arg = k;
                           }
                         }
                         *reinterpret_cast<int64_t*>(p[0] + i * s[0]) = arg;
                       }
                     });
  });
}

}  // namespace nw
