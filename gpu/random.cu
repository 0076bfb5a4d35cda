// Random fills with the CPU backend's exact recipe (core/cpu/cpu_random.cpp): element i of a
// draw uses Philox counter (offset + i), so a seed gives the same numbers on every device.
// NOTE: the double arithmetic uses explicit round-to-nearest intrinsics so nvcc cannot fuse it
// into FMAs, which would round differently from the host and break bit-equality with the CPU.
#include <cmath>

#include "cuda_backend.h"
#include "launch.cuh"
#include "tensor/creation.h"
#include "tensor/philox.h"

namespace nw::cuda {

namespace {

struct Uniform {
  double low, high;
  __device__ double operator()(uint64_t seed, uint64_t counter) const {
    const philox::Block b = philox::generate(seed, counter);
    const double u1 = philox::to_double(b.v[0], b.v[1]);
    const double v = __dadd_rn(low, __dmul_rn(__dsub_rn(high, low), u1));
    return v >= high ? low : v;  // the interval is half-open
  }
};

struct Normal {
  double mean, stddev;
  __device__ double operator()(uint64_t seed, uint64_t counter) const {
    const philox::Block b = philox::generate(seed, counter);
    const double u1 = philox::to_double(b.v[0], b.v[1]);
    const double u2 = philox::to_double(b.v[2], b.v[3]);
    // Box-Muller; 1 - u1 is in (0, 1], so the log is finite.
    const double r = sqrt(__dmul_rn(-2.0, log(__dsub_rn(1.0, u1))));
    return __dadd_rn(mean, __dmul_rn(__dmul_rn(stddev, r), cos(__dmul_rn(2.0 * M_PI, u2))));
  }
};

struct RandInt {
  int64_t low;
  uint64_t range;
  __device__ double operator()(uint64_t seed, uint64_t counter) const {
    const philox::Block b = philox::generate(seed, counter);
    const uint64_t bits = (uint64_t(b.v[0]) << 32) | b.v[1];
    return double(low + int64_t(bits % range));
  }
};

template <typename T, typename Draw>
__global__ void draw_kernel(T* out, int64_t n, uint64_t seed, uint64_t offset, Draw draw) {
  const int64_t step = int64_t(blockDim.x) * gridDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step)
    out[i] = static_cast<T>(draw(seed, offset + uint64_t(i)));
}

template <typename Draw>
void fill_random(const Tensor& out, Generator& gen, const Draw& draw) {
  const uint64_t seed = gen.seed(), offset = gen.advance(uint64_t(out.numel()));
  if (out.numel() == 0) return;
  DeviceGuard guard(out.device().index());
  // Draws land in row-major order; a strided out gets them through a contiguous temporary.
  const Tensor dst = out.is_contiguous()
                         ? out
                         : empty(out.sizes(), TensorOptions(out.dtype()).device(out.device()));
  visit_dtype(dst.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    draw_kernel<T, Draw>
        <<<grid_for(dst.numel()), kThreads>>>(ptr<T>(dst), dst.numel(), seed, offset, draw);
    CUDA_CHECK_LAUNCH();
  });
  if (!dst.is_same(out)) backend_for(out.device()).copy(dst, out);
}

}  // namespace

void CudaBackend::uniform(const Tensor& out, double low, double high, Generator& gen) {
  fill_random(out, gen, Uniform{low, high});
}

void CudaBackend::normal(const Tensor& out, double mean, double stddev, Generator& gen) {
  fill_random(out, gen, Normal{mean, stddev});
}

void CudaBackend::randint(const Tensor& out, int64_t low, int64_t high, Generator& gen) {
  fill_random(out, gen, RandInt{low, uint64_t(high - low)});
}

}  // namespace nw::cuda
