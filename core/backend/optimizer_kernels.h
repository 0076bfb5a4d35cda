#pragma once
// The third, optional kernel interface: each optimizer's update, and gradient clipping's norm,
// scale and clamp, as one fused pass over a parameter. Each element is then read and written
// once and nothing is allocated, where the tensor-op form in optim/ (which every backend runs)
// makes a pass and a temporary per op. A device implements it when it has such kernels (the CPU:
// core/cpu/optim_*.cpp); optim/ asks optimizer_kernels_for(device) and falls back to the
// tensor-op form when there are none or a call declines.
//
// Every call takes the tensors as they are and returns false, touching nothing, when it does not
// take them (strided, mixed dtypes, not float32/float64, another device). An undefined tensor is
// an absent operand (no momentum buffer, no amsgrad maximum). Scalars come as double; a kernel
// rounds them to the parameter's dtype as PyTorch's kernels do.
#include <optional>

#include "tensor/tensor.h"

namespace nw {

// PyTorch's _single_tensor_sgd; `first` makes the momentum buffer the step's direction.
struct SgdStep {
  double lr = 0, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false, maximize = false, first = false;
};
// Adam and AdamW; the per-step scalars are computed in double by the caller, as PyTorch does.
struct AdamStep {
  double beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0;
  double step_size = 0, bias_correction2_sqrt = 1, decay = 1;  // decay: AdamW's 1 - lr * wd
  bool maximize = false, decoupled = false;                    // decoupled: AdamW
};
struct RmspropStep {
  double lr = 0, alpha = 0, eps = 0, weight_decay = 0, momentum = 0;
  bool maximize = false;
};
struct AdagradStep {
  double clr = 0, eps = 0, weight_decay = 0;  // clr: this step's decayed learning rate
  bool maximize = false;
};

class OptimizerKernels {
 public:
  virtual ~OptimizerKernels() = default;
  // p, grad and the state tensors share p's shape; each is updated in place.
  virtual bool sgd_step(const Tensor& p, const Tensor& grad, const Tensor& momentum_buffer,
                        const SgdStep& s) = 0;
  virtual bool adam_step(const Tensor& p, const Tensor& grad, const Tensor& exp_avg,
                         const Tensor& exp_avg_sq, const Tensor& max_exp_avg_sq,
                         const AdamStep& s) = 0;
  virtual bool rmsprop_step(const Tensor& p, const Tensor& grad, const Tensor& square_avg,
                            const Tensor& grad_avg, const Tensor& momentum_buffer,
                            const RmspropStep& s) = 0;
  virtual bool adagrad_step(const Tensor& p, const Tensor& grad, const Tensor& sum,
                            const AdagradStep& s) = 0;
  // The order-p norm of g (p may be infinity), summed in double and rounded to g's dtype as
  // torch.norm returns it; nullopt when declined.
  virtual std::optional<double> norm(const Tensor& g, double p) = 0;
  // g *= coef, coef rounded to g's dtype; and g = clamp(g, -limit, limit). Both in place.
  virtual bool scale_(const Tensor& g, double coef) = 0;
  virtual bool clamp_(const Tensor& g, double limit) = 0;
};

// The fused kernels of `device`'s kind, or nullptr when it has none.
OptimizerKernels* optimizer_kernels_for(const Device& device);
// Called by a device backend that has them (core/cpu/register.cpp); nullptr withdraws them, so
// optim/ takes the tensor-op form (tests compare the two so).
void register_optimizer_kernels(DeviceType type, OptimizerKernels* kernels);

}  // namespace nw
