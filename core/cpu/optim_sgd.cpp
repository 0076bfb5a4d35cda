// SGD's fused update on the CPU: PyTorch's _single_tensor_sgd in one pass.
#include "cpu/optim_kernels.h"
#include "cpu/optim_loops.h"

namespace nw::cpu {

namespace {

using namespace optim;

// A fused step's operands and scalars, the scalars rounded to T as PyTorch's kernels round them.
template <typename T>
struct SGDArgs {
  T *p, *buf;  // buf: momentum only
  const T* grad;
  T wd, mom, keep, neg_lr, sign;
};

// One pass over the parameter: PyTorch's _single_tensor_sgd; kFirst makes the momentum buffer d,
// as PyTorch's clone does. The switches are template arguments, and the loop works on a local
// copy of the arguments (which nothing can alias), so that it vectorizes.
template <typename T, bool kDecay, bool kMomentum, bool kFirst, bool kNesterov>
void sgd_kernel(int64_t n, const SGDArgs<T>& args) {
  parallel_range(n, [&](int64_t begin, int64_t end) {
    const SGDArgs<T> a = args;
    for (int64_t i = begin; i < end; ++i) {
      T d = a.sign * a.grad[i];
      if constexpr (kDecay) d = d + a.wd * a.p[i];
      if constexpr (kMomentum) {
        const T b = kFirst ? d : a.buf[i] * a.mom + a.keep * d;
        a.buf[i] = b;
        d = kNesterov ? d + a.mom * b : b;
      }
      a.p[i] = a.p[i] + a.neg_lr * d;
    }
  });
}

}  // namespace

bool CpuOptimizerKernels::sgd_step(const Tensor& p, const Tensor& grad, const Tensor& buf,
                                   const SgdStep& s) {
  if (!fusable(p, {&grad, &buf})) return false;
  const bool momentum = buf.defined();
  auto fused = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const SGDArgs<T> a{
        p.data_ptr<T>(), ptr<T>(&buf),       grad.data_ptr<T>(), T(s.weight_decay),
        T(s.momentum),   T(1 - s.dampening), T(-s.lr),           s.maximize ? T(-1) : T(1)};
    auto run = [&](auto decay, auto mom, auto first_step, auto nesterov) {
      sgd_kernel<T, decltype(decay)::value, decltype(mom)::value, decltype(first_step)::value,
                 decltype(nesterov)::value>(p.numel(), a);
    };
    with_flags(run, s.weight_decay != 0, momentum, s.first, s.nesterov);
  };
  if (p.dtype() == kFloat32)
    fused(TypeTag<float>{});
  else
    fused(TypeTag<double>{});
  return true;
}

}  // namespace nw::cpu
