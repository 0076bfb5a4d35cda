#pragma once
// Which path a functional op takes. softmax and the class losses run one-pass host loops when
// their tensors are float32/float64 on the host, and compose public tensor ops otherwise (CUDA).
// Both paths are tested on the CPU: ComposedPathGuard makes every op on this thread take the
// composed path. (The activations and dropout have one path: a backend op, see activation.cpp.)
#include "tensor/tensor.h"

namespace nw::nn::functional::detail {

bool composed_path_forced();
void force_composed_path(bool on);

class ComposedPathGuard {
 public:
  ComposedPathGuard() : prev_(composed_path_forced()) { force_composed_path(true); }
  ~ComposedPathGuard() { force_composed_path(prev_); }
  ComposedPathGuard(const ComposedPathGuard&) = delete;
  ComposedPathGuard& operator=(const ComposedPathGuard&) = delete;

 private:
  bool prev_;
};

// Calls f(TypeTag<float>) or f(TypeTag<double>); only for tensors that passed use_cpu_kernel.
template <typename F>
decltype(auto) visit_float(DType t, F&& f) {
  if (t == kFloat64) return f(TypeTag<double>{});
  return f(TypeTag<float>{});
}

// True when `t` can take the fused CPU path.
inline bool use_cpu_kernel(const Tensor& t) {
  return t.device().is_cpu() && (t.dtype() == kFloat32 || t.dtype() == kFloat64) &&
         !composed_path_forced();
}

}  // namespace nw::nn::functional::detail
