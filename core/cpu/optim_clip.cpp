// Gradient clipping's loops on the CPU: the norm (summed in double), the scale and the clamp,
// each one pass over a contiguous float32/float64 gradient.
#include <cmath>
#include <type_traits>

#include "cpu/optim_kernels.h"
#include "cpu/optim_loops.h"

namespace nw::cpu {

namespace {

using namespace optim;

// The norm of one gradient, rounded to its dtype as torch.norm returns it. Sums run in double.
template <typename T>
double norm_loop(const T* g, int64_t n, double p) {
  double acc = 0;
  if (std::isinf(p)) {
    for (int64_t i = 0; i < n; ++i) {
      const double a = std::abs(double(g[i]));
      acc = (a > acc || a != a) ? a : acc;
    }
    return T(acc);
  }
  if (p == 1) {
    for (int64_t i = 0; i < n; ++i) acc += std::abs(double(g[i]));
    return T(acc);
  }
  if (p == 2) {
    for (int64_t i = 0; i < n; ++i) acc += double(g[i]) * double(g[i]);
    return T(std::sqrt(acc));
  }
  for (int64_t i = 0; i < n; ++i) acc += std::pow(std::abs(double(g[i])), p);
  return T(std::pow(acc, 1 / p));
}

}  // namespace

OptimizerKernels& cpu_optimizer_kernels() {
  static CpuOptimizerKernels kernels;
  return kernels;
}

std::optional<double> CpuOptimizerKernels::norm(const Tensor& g, double p) {
  if (!fusable(g, {})) return std::nullopt;
  return g.dtype() == kFloat32 ? norm_loop(g.data_ptr<float>(), g.numel(), p)
                               : norm_loop(g.data_ptr<double>(), g.numel(), p);
}

bool CpuOptimizerKernels::scale_(const Tensor& g, double coef) {
  if (!fusable(g, {})) return false;
  auto run = [&](auto* x) {
    using T = std::remove_pointer_t<decltype(x)>;
    const T c = T(coef);
    parallel_range(g.numel(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) x[i] *= c;
    });
  };
  if (g.dtype() == kFloat32)
    run(g.data_ptr<float>());
  else
    run(g.data_ptr<double>());
  return true;
}

bool CpuOptimizerKernels::clamp_(const Tensor& g, double limit) {
  if (!fusable(g, {})) return false;
  auto run = [&](auto* x) {
    using T = std::remove_pointer_t<decltype(x)>;
    const T hi = T(limit), lo = -hi;
    parallel_range(g.numel(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) x[i] = x[i] < lo ? lo : (x[i] > hi ? hi : x[i]);
    });
  };
  if (g.dtype() == kFloat32)
    run(g.data_ptr<float>());
  else
    run(g.data_ptr<double>());
  return true;
}

}  // namespace nw::cpu
