// dropout and dropout2d: draw a keep-mask already scaled by 1 / (1 - p), multiply, and let the
// backward multiply the gradient by the same mask.
#include "nn/functional/dropout.h"

#include <sstream>
#include <string>

#include "nn/functional/arg_checks.h"
#include "ops/elementwise.h"

namespace nw::nn::functional {

namespace {

void check_args(const Tensor& x, double p, const char* op) {
  detail::check_floating(x, op);
  if (!(p >= 0.0 && p <= 1.0)) {
    std::ostringstream msg;
    msg << op << ": dropout probability p must lie in [0, 1], got " << p
        << "; p is the probability of zeroing an element (0.5 is the usual choice)";
    throw Error(msg.str());
  }
}

// 0 with probability p, else 1 / (1 - p); x's dtype and device, drawn from the default generator.
Tensor draw_mask(const Shape& shape, const Tensor& x, double p) {
  const double keep = 1.0 - p;
  const double scale = p == 1.0 ? 0.0 : 1.0 / keep;
  Tensor u = rand(shape, TensorOptions(x.dtype()).device(x.device()));
  return nw::detail::run_unary(UnaryOp::KeepMask, u, u.dtype(), "dropout", keep, scale);
}

// x * mask with mask broadcast to x; PyTorch's CPU dropout records the same MulBackward0.
Tensor apply_mask(const Tensor& x, const Tensor& mask) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = x.detach() * mask;
  }
  if (autograd::needs_grad({&x}))
    autograd::record(out, "MulBackward0", {x},
                     [mask](const Tensor& g) { return std::vector<Tensor>{g * mask}; });
  return out;
}

}  // namespace

Tensor dropout(const Tensor& x, double p, bool training) {
  check_args(x, p, "dropout");
  if (!training || p == 0.0) return x;
  return apply_mask(x, draw_mask(x.sizes(), x, p));
}

Tensor dropout2d(const Tensor& x, double p, bool training) {
  check_args(x, p, "dropout2d");
  if (x.dim() != 3 && x.dim() != 4)
    throw ShapeError("dropout2d: expects a (N, C, H, W) or (C, H, W) input, got shape " +
                     shape_str(x.sizes()) + "; use dropout for inputs of other ranks");
  if (!training || p == 0.0) return x;
  // One draw per channel: the mask keeps the leading (N, C) or (C) and is 1 over H and W.
  Shape mask_shape = x.sizes();
  mask_shape[mask_shape.size() - 1] = 1;
  mask_shape[mask_shape.size() - 2] = 1;
  return apply_mask(x, draw_mask(mask_shape, x, p));
}

}  // namespace nw::nn::functional
