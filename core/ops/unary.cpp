// Unary math, each with its backward beside it. Integer inputs to transcendental functions are
// computed in float32, as in PyTorch.
#include <cmath>
#include <limits>

#include "ops/elementwise.h"

namespace nw {

using autograd::record;
using autograd::SavedTensor;
using detail::float_type;
using detail::run_unary;

namespace {
bool wants_grad(const Tensor& x) {
  return autograd::needs_grad({&x});
}
}  // namespace

Tensor neg(const Tensor& x) {
  if (x.defined() && x.dtype() == kBool)
    throw DTypeError(
        "neg: negation of a bool tensor is not supported; use logical not "
        "(x == false) or convert with to(nw::kInt64)");
  Tensor out = run_unary(UnaryOp::Neg, x, x.dtype(), "neg");
  if (wants_grad(x))
    record(out, "NegBackward0", {x}, [](const Tensor& g) { return std::vector<Tensor>{neg(g)}; });
  return out;
}

Tensor abs(const Tensor& x) {
  Tensor out = run_unary(UnaryOp::Abs, x, x.dtype(), "abs");
  if (wants_grad(x))
    record(out, "AbsBackward0", {x}, [sx = SavedTensor(x)](const Tensor& g) {
      Tensor sign = detail::run_unary(UnaryOp::Sign, sx.unpack("AbsBackward0"), g.dtype(), "sign");
      return std::vector<Tensor>{g * sign};
    });
  return out;
}

Tensor exp(const Tensor& x) {
  Tensor out = run_unary(UnaryOp::Exp, x, float_type(x), "exp");
  if (wants_grad(x))
    record(out, "ExpBackward0", {x}, [so = SavedTensor(out)](const Tensor& g) {
      return std::vector<Tensor>{g * so.unpack("ExpBackward0")};
    });
  return out;
}

Tensor log(const Tensor& x) {
  Tensor out = run_unary(UnaryOp::Log, x, float_type(x), "log");
  if (wants_grad(x))
    record(out, "LogBackward0", {x}, [sx = SavedTensor(x)](const Tensor& g) {
      return std::vector<Tensor>{g / sx.unpack("LogBackward0")};
    });
  return out;
}

Tensor sqrt(const Tensor& x) {
  Tensor out = run_unary(UnaryOp::Sqrt, x, float_type(x), "sqrt");
  if (wants_grad(x))
    record(out, "SqrtBackward0", {x}, [so = SavedTensor(out)](const Tensor& g) {
      return std::vector<Tensor>{g / (so.unpack("SqrtBackward0") * 2.0)};
    });
  return out;
}

Tensor pow(const Tensor& x, double e) {
  DType t = x.defined() && !is_floating(x.dtype()) && e != std::floor(e) ? kFloat32 : x.dtype();
  if (x.defined() && !is_floating(x.dtype()) && e < 0)
    throw DTypeError(
        "pow: integers to negative powers are not allowed; convert the base with "
        "to(nw::kFloat32) first");
  Tensor out = run_unary(UnaryOp::Pow, x, t, "pow", e);
  if (wants_grad(x))
    record(out, "PowBackward0", {x}, [sx = SavedTensor(x), e](const Tensor& g) {
      if (e == 0) return std::vector<Tensor>{zeros_like(g)};
      return std::vector<Tensor>{g * (pow(sx.unpack("PowBackward0"), e - 1) * e)};
    });
  return out;
}

Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max) {
  if (!min && !max) throw Error("clamp: at least one of min and max must be given");
  const double inf = std::numeric_limits<double>::infinity();
  const double lo = min.value_or(-inf), hi = max.value_or(inf);
  DType t = x.defined() && !is_floating(x.dtype()) &&
                    ((min && *min != std::floor(*min)) || (max && *max != std::floor(*max)))
                ? kFloat32
                : x.dtype();
  Tensor out = run_unary(UnaryOp::Clamp, x, t, "clamp", lo, hi);
  if (wants_grad(x))
    record(out, "ClampBackward1", {x}, [sx = SavedTensor(x), lo, hi](const Tensor& g) {
      const Tensor& xv = sx.unpack("ClampBackward1");
      // The gradient passes where the input lies inside [min, max], bounds included.
      return std::vector<Tensor>{g * mul(xv >= lo, xv <= hi)};
    });
  return out;
}

Tensor relu(const Tensor& x) {
  Tensor out = run_unary(UnaryOp::Relu, x, x.dtype(), "relu");
  if (wants_grad(x))
    record(out, "ReluBackward0", {x}, [so = SavedTensor(out)](const Tensor& g) {
      Tensor mask =
          detail::run_unary(UnaryOp::ReluMask, so.unpack("ReluBackward0"), g.dtype(), "relu");
      return std::vector<Tensor>{g * mask};
    });
  return out;
}

Tensor sigmoid(const Tensor& x) {
  Tensor out = run_unary(UnaryOp::Sigmoid, x, float_type(x), "sigmoid");
  if (wants_grad(x))
    record(out, "SigmoidBackward0", {x}, [so = SavedTensor(out)](const Tensor& g) {
      const Tensor& y = so.unpack("SigmoidBackward0");
      return std::vector<Tensor>{g * (y * (1.0 - y))};
    });
  return out;
}

Tensor tanh(const Tensor& x) {
  Tensor out = run_unary(UnaryOp::Tanh, x, float_type(x), "tanh");
  if (wants_grad(x))
    record(out, "TanhBackward0", {x}, [so = SavedTensor(out)](const Tensor& g) {
      const Tensor& y = so.unpack("TanhBackward0");
      return std::vector<Tensor>{g * (1.0 - y * y)};
    });
  return out;
}

Tensor Tensor::neg() const {
  return nw::neg(*this);
}
Tensor Tensor::abs() const {
  return nw::abs(*this);
}
Tensor Tensor::exp() const {
  return nw::exp(*this);
}
Tensor Tensor::log() const {
  return nw::log(*this);
}
Tensor Tensor::sqrt() const {
  return nw::sqrt(*this);
}
Tensor Tensor::pow(double e) const {
  return nw::pow(*this, e);
}
Tensor Tensor::clamp(std::optional<double> min, std::optional<double> max) const {
  return nw::clamp(*this, min, max);
}
Tensor Tensor::relu() const {
  return nw::relu(*this);
}
Tensor Tensor::sigmoid() const {
  return nw::sigmoid(*this);
}
Tensor Tensor::tanh() const {
  return nw::tanh(*this);
}

}  // namespace nw
