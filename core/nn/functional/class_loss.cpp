#include "nn/functional/class_loss.h"

#include <sstream>
#include <string>

#include "nn/functional/arg_checks.h"
#include "nn/functional/kernel_path.h"
#include "ops/op_util.h"

namespace nw::nn::functional::detail {

namespace {

Shape expected_target_shape(const Tensor& input) {
  Shape s;
  for (int64_t d = 0; d < input.dim(); ++d)
    if (d != 1) s.push_back(input.size(d));
  return input.dim() == 1 ? Shape{} : s;
}

void check_target(const ClassLoss& c, const Tensor& input, const Tensor& target) {
  const std::string op = c.op;
  if (target.dtype() != kInt64) {
    const std::string fix =
        target.is_floating_point() && target.sizes() == input.sizes()
            ? "class-probability targets are not supported; pass class indices, e.g. "
              "target.argmax(" +
                  std::to_string(input.dim() == 1 ? 0 : 1) + ")"
            : "convert it with target.to(nw::kInt64)";
    throw DTypeError(op + ": target must hold int64 class indices, got " +
                     nw::detail::describe(target) + "; " + fix);
  }
  nw::detail::check_same_device(input, target, c.op);
  const Shape expected = expected_target_shape(input);
  if (target.sizes() != expected)
    throw ShapeError(op + ": input of shape " + shape_str(input.sizes()) +
                     " needs a target of shape " + shape_str(expected) + ", got " +
                     shape_str(target.sizes()) + "; " +
                     (target.numel() == numel_of(expected)
                          ? "reshape it with target.reshape(" + braces_str(expected) + ")"
                          : std::string("give one class index per sample")));
  const Tensor host = target.cpu().contiguous();
  const int64_t* t = host.data_ptr<int64_t>();
  for (int64_t i = 0; i < host.numel(); ++i)
    if (t[i] != c.ignore_index && (t[i] < 0 || t[i] >= c.C))
      throw IndexError(op + ": target " + std::to_string(t[i]) + " is out of range for " +
                       std::to_string(c.C) + " classes at position " +
                       position_str(i, target.sizes()) + "; class indices must lie in [0, " +
                       std::to_string(c.C - 1) + "] (or equal ignore_index " +
                       std::to_string(c.ignore_index) + ")");
}

void check_weight(const ClassLoss& c, const Tensor& input, const Tensor& weight) {
  if (!weight.defined()) return;
  const std::string op = c.op;
  check_floating(weight, c.op, "weight");
  nw::detail::check_same_device(input, weight, c.op);
  if (weight.dim() != 1 || weight.size(0) != c.C)
    throw ShapeError(op + ": weight of shape " + shape_str(weight.sizes()) +
                     " must hold one value per class, shape " + shape_str({c.C}));
  if (weight.dtype() != input.dtype())
    throw DTypeError(op + ": weight is " + dtype_name(weight.dtype()) + " but the input is " +
                     dtype_name(input.dtype()) + "; convert it with .to(" +
                     dtype_name(input.dtype()) + ")");
  if (weight.requires_grad() && is_grad_enabled())
    throw AutogradError(op +
                        ": the gradient with respect to weight is not implemented (as in "
                        "PyTorch); pass weight.detach()");
}

// ---- the CPU loops: one pass over the samples, sums in double

template <typename T>
double forward_cpu(const ClassLoss& c, const T* logp, const int64_t* tgt, const T* w, T* per_sample,
                   double* total_weight) {
  const double eps = c.smoothing, keep = 1.0 - eps;
  double sum = 0, wsum = 0;
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t k = 0; k < c.K; ++k) {
      const int64_t i = n * c.K + k, t = tgt[i];
      double l = 0;
      if (t != c.ignore_index) {
        const T* row = logp + n * c.C * c.K + k;  // class j at row[j * K]
        const double wt = w ? double(w[t]) : 1.0;
        l = -keep * wt * double(row[t * c.K]);
        if (eps > 0) {
          double smooth = 0;
          for (int64_t j = 0; j < c.C; ++j) smooth -= (w ? double(w[j]) : 1.0) * row[j * c.K];
          l += eps / double(c.C) * smooth;
        }
        wsum += wt;
      }
      if (per_sample) per_sample[i] = T(l);
      sum += l;
    }
  *total_weight = wsum;
  return sum;
}

// grad (N, C, K) = -A * scale, where scale is the upstream gradient of each sample.
template <typename T>
void backward_cpu(const ClassLoss& c, const int64_t* tgt, const T* w, const T* g, double g0,
                  T* grad) {
  const double eps = c.smoothing, keep = 1.0 - eps;
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t k = 0; k < c.K; ++k) {
      const int64_t i = n * c.K + k, t = tgt[i];
      T* row = grad + n * c.C * c.K + k;
      const double s = g ? double(g[i]) : g0;
      for (int64_t j = 0; j < c.C; ++j)
        row[j * c.K] = t == c.ignore_index ? T(0) : T(-s * eps / double(c.C) * (w ? w[j] : 1.0));
      if (t != c.ignore_index) row[t * c.K] -= T(s * keep * (w ? double(w[t]) : 1.0));
    }
}

// ---- the same with tensor ops, for devices without the loops

struct Picked {
  Tensor valid;   // (N, K) floating: 1 where the target counts
  Tensor safe;    // (N, K) int64: the target, 0 where ignored
  Tensor weight;  // (N, K) floating: w[target], 0 where ignored
};

Picked pick(const Tensor& target, const ClassLoss& c, DType dtype) {
  Picked p;
  const Tensor valid = target != double(c.ignore_index);
  p.valid = valid.to(dtype);
  p.safe = where(valid, target, zeros_like(target));
  p.weight =
      c.weight.defined()
          ? c.weight.index_select(0, p.safe.reshape({c.N * c.K})).reshape({c.N, c.K}) * p.valid
          : p.valid;
  return p;
}

Tensor class_weights_3d(const ClassLoss& c, const Tensor& like) {
  return c.weight.defined() ? c.weight.reshape({1, c.C, 1})
                            : ones({1, c.C, 1}, TensorOptions(like.dtype()).device(like.device()));
}

}  // namespace

ClassLoss check_class_loss(const char* op, const Tensor& input, const Tensor& target,
                           const Tensor& weight, int64_t ignore_index, Reduction reduction,
                           double label_smoothing) {
  check_floating(input, op, "input");
  nw::detail::check_defined(target, op);
  if (input.dim() == 0)
    throw ShapeError(std::string(op) +
                     ": input must be scores of shape (N, C), (N, C, d1, ...) or (C), got a 0-d "
                     "tensor");
  ClassLoss c;
  c.op = op;
  c.N = input.dim() == 1 ? 1 : input.size(0);
  c.C = input.dim() == 1 ? input.size(0) : input.size(1);
  for (int64_t d = 2; d < input.dim(); ++d) c.K *= input.size(d);
  c.ignore_index = ignore_index;
  c.reduction = reduction;
  c.smoothing = label_smoothing;
  if (!(label_smoothing >= 0.0 && label_smoothing <= 1.0)) {
    std::ostringstream msg;
    msg << op << ": label_smoothing must lie in [0, 1], got " << label_smoothing
        << "; 0 turns it off, 0.1 is a common choice";
    throw Error(msg.str());
  }
  check_weight(c, input, weight);
  check_target(c, input, target);
  if (weight.defined()) c.weight = weight.detach();
  return c;
}

Tensor class_loss_forward(const Tensor& logp, const Tensor& target, const ClassLoss& c,
                          double* total_weight) {
  const bool none = c.reduction == Reduction::None;
  if (use_cpu_kernel(logp)) {
    Tensor per_sample =
        none ? nw::detail::new_tensor({c.N, c.K}, logp.dtype(), logp.device()) : Tensor();
    const Tensor w = c.weight.defined() ? c.weight.contiguous() : Tensor();
    const double sum = visit_float(logp.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      return forward_cpu<T>(c, logp.data_ptr<T>(), target.data_ptr<int64_t>(),
                            w.defined() ? w.data_ptr<T>() : nullptr,
                            none ? per_sample.data_ptr<T>() : nullptr, total_weight);
    });
    if (none) return per_sample;
    // The mean divides by the summed weights; all targets ignored gives 0 / 0 = nan, as in PyTorch.
    return scalar_tensor(c.reduction == Reduction::Sum ? sum : sum / *total_weight,
                         TensorOptions(logp.dtype()));
  }
  NoGradGuard no_grad;
  const Picked p = pick(target, c, logp.dtype());
  Tensor l = -(1.0 - c.smoothing) * p.weight * logp.gather(1, p.safe.unsqueeze(1)).squeeze(1);
  if (c.smoothing > 0)
    l = l - (c.smoothing / double(c.C)) * (logp * class_weights_3d(c, logp)).sum({1}) * p.valid;
  *total_weight = p.weight.sum().item();
  if (none) return l;
  return c.reduction == Reduction::Sum ? l.sum() : l.sum() / *total_weight;
}

Tensor class_loss_backward(const Tensor& g, const Tensor& logp, const Tensor& target,
                           const ClassLoss& c, double total_weight) {
  const bool none = c.reduction == Reduction::None;
  // Ignored samples get no gradient, so an all-ignored mean (W = 0) gives zeros, not nan.
  const double mean_scale =
      c.reduction == Reduction::Mean && total_weight != 0 ? 1.0 / total_weight : 1.0;
  if (use_cpu_kernel(logp) && g.dtype() == logp.dtype() && g.device().is_cpu()) {
    Tensor grad = nw::detail::new_tensor(logp.sizes(), logp.dtype(), logp.device());
    const Tensor gs = none ? g.contiguous() : Tensor();
    const double g0 = none ? 0.0 : g.item() * mean_scale;
    const Tensor w = c.weight.defined() ? c.weight.contiguous() : Tensor();
    visit_float(logp.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      backward_cpu<T>(c, target.data_ptr<int64_t>(), w.defined() ? w.data_ptr<T>() : nullptr,
                      none ? gs.data_ptr<T>() : nullptr, g0, grad.data_ptr<T>());
    });
    return grad;
  }
  const Picked p = pick(target, c, logp.dtype());
  const Tensor s = none ? g.reshape({c.N, c.K}) : g * mean_scale;  // per sample, or 0-d
  Tensor a = zeros(logp.sizes(), TensorOptions(logp.dtype()).device(logp.device()));
  a = scatter_add(a, 1, p.safe.unsqueeze(1), ((1.0 - c.smoothing) * p.weight * s).unsqueeze(1));
  if (c.smoothing > 0)
    a = a + (c.smoothing / double(c.C)) * class_weights_3d(c, logp) * (p.valid * s).unsqueeze(1);
  return -a;
}

}  // namespace nw::nn::functional::detail
