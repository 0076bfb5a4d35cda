// Adagrad's fused update on the CPU: PyTorch's _single_tensor_adagrad (dense) in one pass.
#include "cpu/optim_kernels.h"
#include "cpu/optim_loops.h"

namespace nw::cpu {

namespace {

using namespace optim;

// A fused step's operands and scalars, the scalars rounded to T as PyTorch's kernels round them.
template <typename T>
struct AdagradArgs {
  T *p, *sum;
  const T* grad;
  T wd, eps, neg_clr, sign;
};

// One pass over the parameter: PyTorch's _single_tensor_adagrad (dense). Each pass works on a
// local copy of the arguments (which nothing can alias), so that its loop vectorizes.
template <typename T, bool kDecay>
void adagrad_kernel(int64_t n, const AdagradArgs<T>& args) {
  parallel_range(n, [&](int64_t begin, int64_t end) {
    sqrt_blocks<T>(
        begin, end,
        [&](int64_t b, int64_t len, T* __restrict total) {
          const AdagradArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];
            if constexpr (kDecay) g = g + a.wd * a.p[i];
            const T s = a.sum[i] + g * g;
            a.sum[i] = s;
            total[k] = s;
          }
        },
        [&](int64_t b, int64_t len, const T* __restrict root) {
          const AdagradArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];  // recomputed: cheaper than keeping a second block
            if constexpr (kDecay) g = g + a.wd * a.p[i];
            a.p[i] = a.p[i] + a.neg_clr * g / (root[k] + a.eps);
          }
        });
  });
}

}  // namespace

bool CpuOptimizerKernels::adagrad_step(const Tensor& p, const Tensor& grad, const Tensor& sum,
                                       const AdagradStep& s) {
  if (!fusable(p, {&grad, &sum})) return false;
  auto fused = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const AdagradArgs<T> a{p.data_ptr<T>(),          sum.data_ptr<T>(), grad.data_ptr<T>(),
                           T(s.weight_decay),        T(s.eps),          T(-s.clr),
                           s.maximize ? T(-1) : T(1)};
    auto run = [&](auto decay) { adagrad_kernel<T, decltype(decay)::value>(p.numel(), a); };
    with_flags(run, s.weight_decay != 0);
  };
  if (p.dtype() == kFloat32)
    fused(TypeTag<float>{});
  else
    fused(TypeTag<double>{});
  return true;
}

}  // namespace nw::cpu
