#pragma once
// Which path a functional op takes. An op runs its NW_HD functors (activation_math.h) through the
// CPU loops of cpu_map.h when its tensors are float32/float64 on the host, and composes public
// tensor ops otherwise (CUDA, until its backend instantiates the same functors). Both paths are
// tested on the CPU: ComposedPathGuard makes every op on this thread take the composed path.
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

// True when `t` can take the fused CPU path.
inline bool use_cpu_kernel(const Tensor& t) {
  return t.device().is_cpu() && (t.dtype() == kFloat32 || t.dtype() == kFloat64) &&
         !composed_path_forced();
}

}  // namespace nw::nn::functional::detail
