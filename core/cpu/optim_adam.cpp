// Adam's and AdamW's fused update on the CPU: PyTorch's _single_tensor_adam(w) in one pass.
#include "cpu/optim_kernels.h"
#include "cpu/optim_loops.h"

namespace nw::cpu {

namespace {

using namespace optim;

// A fused step's operands and scalars, the scalars rounded to T as PyTorch's kernels round them.
template <typename T>
struct AdamArgs {
  T *p, *m, *v, *v_max;  // v_max: amsgrad only
  const T* grad;
  T b1, b2, one_b1, one_b2, wd, eps, sign, neg_step, bc2, decay;
};

// One pass over the parameter: PyTorch's _single_tensor_adam(w); kDecoupled is AdamW's decay,
// kL2 Adam's. The switches are template arguments, and each pass works on a local copy of the
// arguments (which nothing can alias), so that every loop vectorizes.
template <typename T, bool kDecoupled, bool kL2, bool kAmsgrad>
void adam_kernel(int64_t n, const AdamArgs<T>& args) {
  parallel_range(n, [&](int64_t begin, int64_t end) {
    sqrt_blocks<T>(
        begin, end,
        [&](int64_t b, int64_t len, T* __restrict second_moment) {
          const AdamArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];
            if constexpr (kDecoupled) a.p[i] = a.p[i] * a.decay;
            if constexpr (kL2) g = g + a.wd * a.p[i];
            a.m[i] = a.m[i] * a.b1 + a.one_b1 * g;
            const T v = a.v[i] * a.b2 + a.one_b2 * g * g;
            a.v[i] = v;
            if constexpr (kAmsgrad) {
              const T v_max = nan_max(a.v_max[i], v);
              a.v_max[i] = v_max;
              second_moment[k] = v_max;
            } else {
              second_moment[k] = v;
            }
          }
        },
        [&](int64_t b, int64_t len, const T* __restrict root) {
          const AdamArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            const T denom = root[k] / a.bc2 + a.eps;
            a.p[i] = a.p[i] + a.neg_step * a.m[i] / denom;
          }
        });
  });
}

}  // namespace

bool CpuOptimizerKernels::adam_step(const Tensor& p, const Tensor& grad, const Tensor& m,
                                    const Tensor& v, const Tensor& v_max, const AdamStep& s) {
  if (!fusable(p, {&grad, &m, &v, &v_max})) return false;
  auto fused = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const AdamArgs<T> a{p.data_ptr<T>(),    m.data_ptr<T>(),
                        v.data_ptr<T>(),    ptr<T>(&v_max),
                        grad.data_ptr<T>(), T(s.beta1),
                        T(s.beta2),         T(1 - s.beta1),
                        T(1 - s.beta2),     T(s.weight_decay),
                        T(s.eps),           s.maximize ? T(-1) : T(1),
                        T(-s.step_size),    T(s.bias_correction2_sqrt),
                        T(s.decay)};
    auto run = [&](auto decoupled_decay, auto l2, auto amsgrad) {
      adam_kernel<T, decltype(decoupled_decay)::value, decltype(l2)::value,
                  decltype(amsgrad)::value>(p.numel(), a);
    };
    with_flags(run, s.decoupled, !s.decoupled && s.weight_decay != 0, v_max.defined());
  };
  if (p.dtype() == kFloat32)
    fused(TypeTag<float>{});
  else
    fused(TypeTag<double>{});
  return true;
}

}  // namespace nw::cpu
