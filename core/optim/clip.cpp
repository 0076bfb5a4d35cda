#include "optim/clip.h"

#include <cmath>
#include <string>
#include <type_traits>

#include "autograd/grad_mode.h"
#include "optim/fused.h"
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

double grad_norm(const Tensor& g, double p) {
  if (optim::detail::fusable(g, {})) {
    return g.dtype() == kFloat32 ? norm_loop(g.data_ptr<float>(), g.numel(), p)
                                 : norm_loop(g.data_ptr<double>(), g.numel(), p);
  }
  const Tensor a = abs(g);
  if (std::isinf(p)) return a.numel() ? a.max().item<double>() : 0.0;
  return pow(pow(a, p).sum(), 1 / p).item<double>();
}

// Multiplies g in place by coef, rounded to g's dtype as PyTorch's mul_ rounds it.
void scale(Tensor& g, double coef) {
  if (optim::detail::fusable(g, {})) {
    auto run = [&](auto* x) {
      using T = std::remove_pointer_t<decltype(x)>;
      const T c = T(coef);
      optim::detail::parallel_range(g.numel(), [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) x[i] *= c;
      });
    };
    if (g.dtype() == kFloat32)
      run(g.data_ptr<float>());
    else
      run(g.data_ptr<double>());
    g.storage()->bump_version();
  } else {
    g.mul_(coef);
  }
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
    if (optim::detail::fusable(g, {})) {
      auto run = [&](auto* x) {
        using T = std::remove_pointer_t<decltype(x)>;
        const T hi = T(clip_value), lo = -hi;
        optim::detail::parallel_range(g.numel(), [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) x[i] = x[i] < lo ? lo : (x[i] > hi ? hi : x[i]);
        });
      };
      if (g.dtype() == kFloat32)
        run(g.data_ptr<float>());
      else
        run(g.data_ptr<double>());
      g.storage()->bump_version();
    } else {
      g.copy_(clamp(g, -clip_value, clip_value));
    }
  }
}

}  // namespace nw::nn::utils
