// Reductions: one thread block per output element. Each thread folds a strided share of the
// reduced elements, then the block combines the partial results in a shared-memory tree.
// float sums accumulate in double, as the CPU backend's blocked sum does across blocks.
#include <limits>
#include <type_traits>

#include "backend/elementwise_math.h"
#include "cuda_backend.h"
#include "launch.cuh"

namespace nw::cuda {

namespace {

template <typename A>
struct SumOp {
  __device__ A operator()(A acc, A v) const { return A(acc + v); }
};
template <typename A>
struct MaxOp {
  __device__ A operator()(A acc, A v) const { return math::max_nan(v, acc); }
};
template <typename A>
struct MinOp {
  __device__ A operator()(A acc, A v) const { return math::min_nan(v, acc); }
};

// Threads per block: a power of two, no more than there are elements to fold (within [32, 256]).
int block_for(int64_t inner) {
  int threads = 32;
  while (threads < kThreads && threads < inner) threads *= 2;
  return threads;
}

unsigned blocks_for(int64_t outputs) {
  return unsigned(std::min<int64_t>(outputs, int64_t(1) << 20));
}

// outer: (out, x) offsets of output element o; inner: x offsets of the j-th reduced element.
template <typename T, typename A, typename Op>
__global__ void reduce_kernel(const T* x, T* out, int64_t outputs, OffsetCalc<2> outer,
                              int64_t inner_n, OffsetCalc<1> inner, A init, Op op) {
  extern __shared__ __align__(16) unsigned char smem[];
  A* part = reinterpret_cast<A*>(smem);
  for (int64_t o = blockIdx.x; o < outputs; o += gridDim.x) {
    int64_t oo[2];
    outer.get(o, oo);
    A acc = init;
    for (int64_t j = threadIdx.x; j < inner_n; j += blockDim.x) {
      int64_t io[1];
      inner.get(j, io);
      acc = op(acc, A(x[oo[1] + io[0]]));
    }
    part[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned w = blockDim.x / 2; w > 0; w /= 2) {
      if (threadIdx.x < w) part[threadIdx.x] = op(part[threadIdx.x], part[threadIdx.x + w]);
      __syncthreads();
    }
    if (threadIdx.x == 0) out[oo[0]] = T(part[0]);
    __syncthreads();  // part is reused by the next output
  }
}

// The candidate of an arg reduction: NaN wins (the first one), then the better value, then
// the lower index, which is what the CPU's sequential scan finds.
template <typename T>
__device__ bool takes_over(bool is_max, T v, int64_t i, T best, int64_t best_i) {
  if (i < 0) return false;
  if (best_i < 0) return true;
  const bool vn = math::is_nan(v), bn = math::is_nan(best);
  if (vn || bn) return vn && (!bn || i < best_i);
  if (is_max ? v > best : v < best) return true;
  return v == best && i < best_i;
}

template <typename T>
__global__ void arg_reduce_kernel(const T* x, int64_t* out, int64_t outputs, OffsetCalc<2> outer,
                                  int64_t len, int64_t step, bool is_max) {
  extern __shared__ __align__(16) unsigned char smem[];
  int64_t* idx = reinterpret_cast<int64_t*>(smem);
  T* val = reinterpret_cast<T*>(idx + blockDim.x);
  for (int64_t o = blockIdx.x; o < outputs; o += gridDim.x) {
    int64_t oo[2];
    outer.get(o, oo);
    T best{};
    int64_t best_i = -1;
    for (int64_t k = threadIdx.x; k < len; k += blockDim.x) {
      const T v = x[oo[1] + k * step];
      if (takes_over(is_max, v, k, best, best_i)) best = v, best_i = k;
    }
    idx[threadIdx.x] = best_i;
    val[threadIdx.x] = best;
    __syncthreads();
    for (unsigned w = blockDim.x / 2; w > 0; w /= 2) {
      if (threadIdx.x < w && takes_over(is_max, val[threadIdx.x + w], idx[threadIdx.x + w],
                                        val[threadIdx.x], idx[threadIdx.x])) {
        val[threadIdx.x] = val[threadIdx.x + w];
        idx[threadIdx.x] = idx[threadIdx.x + w];
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) out[oo[0]] = idx[0] < 0 ? 0 : idx[0];
    __syncthreads();
  }
}

template <typename T, typename A, template <typename> class Op>
void reduce_typed(ReduceOp op, const Tensor& x, const Tensor& out) {
  // A dimension is reduced when out keeps it as size 1 and x does not.
  Shape inner_sizes(x.sizes().size(), 1);
  for (size_t d = 0; d < inner_sizes.size(); ++d)
    if (out.sizes()[d] == 1) inner_sizes[d] = x.sizes()[d];
  const int64_t outputs = out.numel(), inner_n = numel_of(inner_sizes);
  const auto outer = make_offset_calc<2>(out.sizes(), {&out.strides(), &x.strides()});
  const auto inner = make_offset_calc<1>(inner_sizes, {&x.strides()});
  const int threads = block_for(inner_n);
  reduce_kernel<T, A, Op<A>><<<blocks_for(outputs), threads, threads * sizeof(A)>>>(
      ptr<T>(x), ptr<T>(out), outputs, outer, inner_n, inner, A(reduce_identity<T>(op)), Op<A>{});
  CUDA_CHECK_LAUNCH();
}

}  // namespace

void CudaBackend::reduce(ReduceOp op, const Tensor& x, const Tensor& out) {
  if (out.numel() == 0) return;
  DeviceGuard guard(out.device().index());
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (op) {
      case ReduceOp::Sum: {
        using A = std::conditional_t<std::is_same_v<T, float>, double, T>;
        return reduce_typed<T, A, SumOp>(op, x, out);
      }
      case ReduceOp::Max:
        return reduce_typed<T, T, MaxOp>(op, x, out);
      case ReduceOp::Min:
        return reduce_typed<T, T, MinOp>(op, x, out);
    }
  });
}

void CudaBackend::arg_reduce(bool is_max, const Tensor& x, int64_t dim, const Tensor& out) {
  if (out.numel() == 0) return;
  DeviceGuard guard(out.device().index());
  const int64_t len = x.sizes()[size_t(dim)];
  const int64_t outputs = out.numel();
  // Over out's shape (size 1 at dim), x's strides reach the first element of each line.
  const auto outer = make_offset_calc<2>(out.sizes(), {&out.strides(), &x.strides()});
  const int threads = block_for(len);
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    arg_reduce_kernel<T><<<blocks_for(outputs), threads, threads*(sizeof(int64_t) + sizeof(T))>>>(
        ptr<T>(x), ptr<int64_t>(out), outputs, outer, len, x.strides()[size_t(dim)], is_max);
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace nw::cuda
