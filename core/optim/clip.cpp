#include "optim/clip.h"

#include <cmath>
#include <string>

#include "autograd/grad_mode.h"
#include "backend/optimizer_kernels.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::nn::utils {

namespace {

std::vector<Tensor> grads_of(const std::vector<Tensor>& params) {
  std::vector<Tensor> grads;
  for (const Tensor& p : params) {
    if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
  }
  return grads;
}

double grad_norm(const Tensor& g, double p) {
  if (OptimizerKernels* fused = optimizer_kernels_for(g.device()))
    if (const std::optional<double> n = fused->norm(g, p)) return *n;
  const Tensor a = abs(g);
  if (std::isinf(p)) return a.numel() ? a.max().item<double>() : 0.0;
  return pow(pow(a, p).sum(), 1 / p).item<double>();
}

// Multiplies g in place by coef, rounded to g's dtype as PyTorch's mul_ rounds it.
void scale(Tensor& g, double coef) {
  OptimizerKernels* fused = optimizer_kernels_for(g.device());
  if (fused && fused->scale_(g, coef))
    g.storage()->bump_version();
  else
    g.mul_(coef);
}

}  // namespace

Tensor clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  if (!(norm_type > 0))
    throw Error("clip_grad_norm_: norm_type must be > 0 (or INFINITY for the max norm), got " +
                std::to_string(norm_type));
  NoGradGuard no_grad;
  std::vector<Tensor> grads = grads_of(params);
  if (grads.empty()) return scalar_tensor(0.0);
  const DType dtype = grads[0].dtype();
  const bool single = dtype == kFloat32;
  auto round = [&](double x) { return single ? double(float(x)) : x; };

  // As PyTorch: the norm of the per-gradient norms, each rounded to the gradients' dtype.
  double total = 0;
  if (std::isinf(norm_type)) {
    for (const Tensor& g : grads) {
      const double n = grad_norm(g, norm_type);
      total = (n > total || n != n) ? n : total;
    }
  } else {
    for (const Tensor& g : grads) total += std::pow(grad_norm(g, norm_type), norm_type);
    total = round(std::pow(total, 1 / norm_type));
  }
  if (error_if_nonfinite && !std::isfinite(total))
    throw Error("clip_grad_norm_: the total norm of order " + std::to_string(norm_type) +
                " of the gradients is non-finite (" + std::to_string(total) +
                "), so it cannot be clipped; find the NaN or infinite gradient, or pass "
                "error_if_nonfinite = false to scale by it anyway");
  // clip_coef = max_norm / (total + 1e-6), clamped to at most 1 (a NaN stays NaN).
  double coef = round(round(max_norm) / round(total + round(1e-6)));
  if (coef > 1) coef = 1;
  for (Tensor& g : grads) scale(g, coef);
  return full({}, total, TensorOptions(dtype).device(grads[0].device()));
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  if (!(clip_value >= 0))
    throw Error("clip_grad_value_: clip_value must be >= 0, got " + std::to_string(clip_value));
  NoGradGuard no_grad;
  for (Tensor& g : grads_of(params)) {
    OptimizerKernels* fused = optimizer_kernels_for(g.device());
    if (fused && fused->clamp_(g, clip_value)) {
      g.storage()->bump_version();
    } else {
      g.copy_(clamp(g, -clip_value, clip_value));
    }
  }
}

}  // namespace nw::nn::utils
