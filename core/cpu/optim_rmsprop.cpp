// RMSprop's fused update on the CPU: PyTorch's _single_tensor_rmsprop in one pass.
#include "cpu/optim_kernels.h"
#include "cpu/optim_loops.h"

namespace nw::cpu {

namespace {

using namespace optim;

// A fused step's operands and scalars, the scalars rounded to T as PyTorch's kernels round them.
template <typename T>
struct RMSpropArgs {
  T *p, *sq, *grad_avg, *buf;  // grad_avg: centered only; buf: momentum only
  const T* grad;
  T alpha, one_alpha, eps, wd, mom, neg_lr, sign;
};

// One pass over the parameter: PyTorch's _single_tensor_rmsprop. The switches are template
// arguments, and each pass works on a local copy of the arguments (which nothing can alias), so
// that every loop vectorizes.
template <typename T, bool kDecay, bool kCentered, bool kMomentum>
void rmsprop_kernel(int64_t n, const RMSpropArgs<T>& args) {
  parallel_range(n, [&](int64_t begin, int64_t end) {
    sqrt_blocks<T>(
        begin, end,
        [&](int64_t b, int64_t len, T* __restrict variance) {
          const RMSpropArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];
            if constexpr (kDecay) g = g + a.wd * a.p[i];
            const T s = a.sq[i] * a.alpha + a.one_alpha * g * g;
            a.sq[i] = s;
            if constexpr (kCentered) {
              const T ga = a.grad_avg[i] * a.alpha + a.one_alpha * g;
              a.grad_avg[i] = ga;
              variance[k] = s + T(-1) * ga * ga;
            } else {
              variance[k] = s;
            }
          }
        },
        [&](int64_t b, int64_t len, const T* __restrict root) {
          const RMSpropArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];  // recomputed: cheaper than keeping a second block
            if constexpr (kDecay) g = g + a.wd * a.p[i];
            const T avg = root[k] + a.eps;
            if constexpr (kMomentum) {
              const T m = a.buf[i] * a.mom + g / avg;
              a.buf[i] = m;
              a.p[i] = a.p[i] + a.neg_lr * m;
            } else {
              a.p[i] = a.p[i] + a.neg_lr * g / avg;
            }
          }
        });
  });
}

}  // namespace

bool CpuOptimizerKernels::rmsprop_step(const Tensor& p, const Tensor& grad, const Tensor& sq,
                                       const Tensor& grad_avg, const Tensor& buf,
                                       const RmspropStep& s) {
  if (!fusable(p, {&grad, &sq, &grad_avg, &buf})) return false;
  auto fused = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const RMSpropArgs<T> a{p.data_ptr<T>(), sq.data_ptr<T>(),   ptr<T>(&grad_avg),
                           ptr<T>(&buf),    grad.data_ptr<T>(), T(s.alpha),
                           T(1 - s.alpha),  T(s.eps),           T(s.weight_decay),
                           T(s.momentum),   T(-s.lr),           s.maximize ? T(-1) : T(1)};
    auto run = [&](auto decay, auto centered, auto momentum) {
      rmsprop_kernel<T, decltype(decay)::value, decltype(centered)::value,
                     decltype(momentum)::value>(p.numel(), a);
    };
    with_flags(run, s.weight_decay != 0, grad_avg.defined(), buf.defined());
  };
  if (p.dtype() == kFloat32)
    fused(TypeTag<float>{});
  else
    fused(TypeTag<double>{});
  return true;
}

}  // namespace nw::cpu
