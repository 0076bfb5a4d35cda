#pragma once
// The CPU's optimizer kernels (backend/optimizer_kernels.h), registered by core/cpu/register.cpp.
// One file per optimizer: optim_sgd.cpp, optim_adam.cpp, optim_rmsprop.cpp, optim_adagrad.cpp,
// and gradient clipping's loops in optim_clip.cpp.
#include "backend/optimizer_kernels.h"

namespace nw::cpu {

class CpuOptimizerKernels final : public OptimizerKernels {
 public:
  bool sgd_step(const Tensor& p, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdStep& s) override;
  bool adam_step(const Tensor& p, const Tensor& grad, const Tensor& exp_avg,
                 const Tensor& exp_avg_sq, const Tensor& max_exp_avg_sq,
                 const AdamStep& s) override;
  bool rmsprop_step(const Tensor& p, const Tensor& grad, const Tensor& square_avg,
                    const Tensor& grad_avg, const Tensor& momentum_buffer,
                    const RmspropStep& s) override;
  bool adagrad_step(const Tensor& p, const Tensor& grad, const Tensor& sum,
                    const AdagradStep& s) override;
  std::optional<double> norm(const Tensor& g, double p) override;
  bool scale_(const Tensor& g, double coef) override;
  bool clamp_(const Tensor& g, double limit) override;
};

OptimizerKernels& cpu_optimizer_kernels();

}  // namespace nw::cpu
