// Random fills. Element i of a draw uses Philox counter (offset + i) and its whole 128-bit block,
// so the numbers depend only on the seed and the position, never on threading or device.
#include <cmath>

#include "backend/threads.h"
#include "cpu/cpu_backend.h"
#include "tensor/creation.h"
#include "tensor/philox.h"

namespace nw {

namespace {

// Two independent uniforms in [0, 1) for element i.
inline void uniform_pair(uint64_t seed, uint64_t offset, int64_t i, double& u1, double& u2) {
  philox::Block b = philox::generate(seed, offset + uint64_t(i));
  u1 = philox::to_double(b.v[0], b.v[1]);
  u2 = philox::to_double(b.v[2], b.v[3]);
}

template <typename F>
void fill_contiguous(const Tensor& out, F&& value_at) {
  // Draws are written through a contiguous temporary when out is strided.
  Tensor dst = out.is_contiguous() ? out : empty(out.sizes(), TensorOptions(out.dtype()));
  visit_dtype(dst.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(dst.raw_data());
    const int64_t n = dst.numel();
#pragma omp parallel for num_threads(get_num_threads()) if (n > 65536)
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(value_at(i));
  });
  if (!dst.is_same(out)) cpu_backend().copy(dst, out);
}

}  // namespace

void CpuBackend::uniform(const Tensor& out, double low, double high, Generator& gen) {
  const uint64_t seed = gen.seed(), offset = gen.advance(uint64_t(out.numel()));
  fill_contiguous(out, [=](int64_t i) {
    double u1, u2;
    uniform_pair(seed, offset, i, u1, u2);
    double v = low + (high - low) * u1;
    // Rounding to float may reach `high`; the interval is half-open.
    return v >= high ? low : v;
  });
}

void CpuBackend::normal(const Tensor& out, double mean, double stddev, Generator& gen) {
  const uint64_t seed = gen.seed(), offset = gen.advance(uint64_t(out.numel()));
  fill_contiguous(out, [=](int64_t i) {
    double u1, u2;
    uniform_pair(seed, offset, i, u1, u2);
    // Box-Muller; 1 - u1 is in (0, 1], so the log is finite.
    double r = std::sqrt(-2.0 * std::log(1.0 - u1));
    return mean + stddev * r * std::cos(2.0 * M_PI * u2);
  });
}

void CpuBackend::randint(const Tensor& out, int64_t low, int64_t high, Generator& gen) {
  const uint64_t seed = gen.seed(), offset = gen.advance(uint64_t(out.numel()));
  const uint64_t range = uint64_t(high - low);
  fill_contiguous(out, [=](int64_t i) {
    philox::Block b = philox::generate(seed, offset + uint64_t(i));
    uint64_t bits = (uint64_t(b.v[0]) << 32) | b.v[1];
    return double(low + int64_t(bits % range));
  });
}

}  // namespace nw
