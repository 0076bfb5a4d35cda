#include "nn/functional/loss_util.h"

#include <sstream>
#include <string>

#include "nn/functional/arg_checks.h"
#include "ops/op_util.h"

namespace nw::nn::functional::detail {

void check_pair(const Tensor& input, const Tensor& target, const char* op) {
  check_floating(input, op, "input");
  nw::detail::check_defined(target, op);
  if (!target.is_floating_point())
    throw DTypeError(std::string(op) + ": target must be a floating-point tensor like the input (" +
                     dtype_name(input.dtype()) + "), got " + nw::detail::describe(target) +
                     "; convert it with target.to(" + dtype_name(input.dtype()) + ")");
  if (target.dtype() != input.dtype())
    throw DTypeError(std::string(op) + ": target is " + dtype_name(target.dtype()) +
                     " but the input is " + dtype_name(input.dtype()) +
                     "; convert the target with target.to(" + dtype_name(input.dtype()) + ")");
  nw::detail::check_same_device(input, target, op);
  if (target.sizes() == input.sizes()) return;
  std::string fix =
      target.numel() == input.numel()
          ? "reshape the target with target.reshape(" + braces_str(input.sizes()) + ")"
          : "the target needs one value per input element";
  throw ShapeError(std::string(op) + ": target shape " + shape_str(target.sizes()) +
                   " differs from input shape " + shape_str(input.sizes()) + "; " + fix);
}

void check_loss_weight(const Tensor& weight, const Tensor& input, const char* op,
                       const char* what) {
  if (!weight.defined()) return;
  check_floating(weight, op, what);
  nw::detail::check_same_device(input, weight, op);
  if (weight.dtype() != input.dtype())
    throw DTypeError(std::string(op) + ": " + what + " is " + dtype_name(weight.dtype()) +
                     " but the input is " + dtype_name(input.dtype()) + "; convert it with .to(" +
                     dtype_name(input.dtype()) + ")");
  bool fits = weight.dim() <= input.dim();
  for (int64_t k = 1; fits && k <= weight.dim(); ++k) {
    const int64_t ws = weight.size(-k), is = input.size(-k);
    fits = ws == is || ws == 1;
  }
  if (!fits)
    throw ShapeError(std::string(op) + ": " + what + " of shape " + shape_str(weight.sizes()) +
                     " does not broadcast to the input shape " + shape_str(input.sizes()) +
                     "; give one value per element or per class (last dimension)");
  if (weight.requires_grad() && is_grad_enabled())
    throw AutogradError(std::string(op) + ": the gradient with respect to " + what +
                        " is not implemented (as in PyTorch); pass " + what + ".detach()");
}

void check_probabilities(const Tensor& input, const char* op) {
  if (input.numel() == 0) return;
  NoGradGuard no_grad;
  const Tensor x = input.detach();
  if (x.min().item() >= 0.0 && x.max().item() <= 1.0) return;
  const std::vector<double> v = x.to_vector<double>();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] >= 0.0 && v[i] <= 1.0) continue;
    std::ostringstream msg;
    msg << op << ": input value " << v[i] << " at position "
        << position_str(int64_t(i), input.sizes())
        << " is outside [0, 1]; the input must be probabilities: apply sigmoid first, or pass "
           "the logits to binary_cross_entropy_with_logits";
    throw Error(msg.str());
  }
}

Tensor reduce(const Tensor& l, Reduction r) {
  switch (r) {
    case Reduction::None:
      return l;
    case Reduction::Sum:
      return l.sum();
    case Reduction::Mean:
      break;
  }
  return l.mean();
}

Tensor per_element(const Tensor& g, Reduction r, int64_t n) {
  return r == Reduction::Mean ? g / double(n) : g;
}

}  // namespace nw::nn::functional::detail
