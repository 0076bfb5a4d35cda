// + - * / pow maximum minimum, each with its backward beside it.
#include "ops/elementwise.h"

namespace nw {

using autograd::record;
using autograd::SavedTensor;
using detail::grad_for;
using detail::result_type;
using detail::run_binary;

namespace {
// Integer and bool inputs never carry gradients, so only floating results are recorded.
bool wants_grad(const Tensor& a, const Tensor& b) {
  return autograd::needs_grad({&a, &b});
}
}  // namespace

Tensor add(const Tensor& a, const Tensor& b, double alpha) {
  DType t = result_type(a, b);
  Tensor out =
      run_binary(alpha == 1 ? BinaryOp::Add : BinaryOp::AddScaled, a, b, t, t, "add", alpha);
  if (wants_grad(a, b))
    record(
        out, "AddBackward0", {a, b},
        [sa = a.sizes(), sb = b.sizes(), da = a.dtype(), db = b.dtype(), alpha](const Tensor& g) {
          return std::vector<Tensor>{grad_for(g, sa, da),
                                     grad_for(alpha == 1 ? g : g * alpha, sb, db)};
        });
  return out;
}

Tensor sub(const Tensor& a, const Tensor& b, double alpha) {
  DType t = result_type(a, b);
  if (t == kBool)
    throw DTypeError(
        "sub: subtracting two bool tensors is not supported; use logical ops or "
        "convert with to(nw::kInt64)");
  Tensor out =
      run_binary(alpha == 1 ? BinaryOp::Sub : BinaryOp::AddScaled, a, b, t, t, "sub", -alpha);
  if (wants_grad(a, b))
    record(
        out, "SubBackward0", {a, b},
        [sa = a.sizes(), sb = b.sizes(), da = a.dtype(), db = b.dtype(), alpha](const Tensor& g) {
          return std::vector<Tensor>{grad_for(g, sa, da), grad_for(g * -alpha, sb, db)};
        });
  return out;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  DType t = result_type(a, b);
  Tensor out = run_binary(BinaryOp::Mul, a, b, t, t, "mul");
  if (wants_grad(a, b)) {
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record(
        out, "MulBackward0", {a, b},
        [sa = SavedTensor(gb ? a : Tensor()), sb = SavedTensor(ga ? b : Tensor()), za = a.sizes(),
         zb = b.sizes(), da = a.dtype(), db = b.dtype(), ga, gb](const Tensor& g) {
          return std::vector<Tensor>{
              ga ? grad_for(g * sb.unpack("MulBackward0"), za, da) : Tensor(),
              gb ? grad_for(g * sa.unpack("MulBackward0"), zb, db) : Tensor()};
        });
  }
  return out;
}

Tensor div(const Tensor& a, const Tensor& b) {
  DType t = result_type(a, b);
  if (!is_floating(t)) t = kFloat32;  // true division, as torch.div
  Tensor out = run_binary(BinaryOp::Div, a, b, t, t, "div");
  if (wants_grad(a, b)) {
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record(out, "DivBackward0", {a, b},
           [sa = SavedTensor(gb ? a : Tensor()), sb = SavedTensor(b), za = a.sizes(),
            zb = b.sizes(), da = a.dtype(), db = b.dtype(), ga, gb](const Tensor& g) {
             const Tensor& bv = sb.unpack("DivBackward0");
             return std::vector<Tensor>{
                 ga ? grad_for(g / bv, za, da) : Tensor(),
                 gb ? grad_for(-g * sa.unpack("DivBackward0") / (bv * bv), zb, db) : Tensor()};
           });
  }
  return out;
}

Tensor pow(const Tensor& x, const Tensor& e) {
  DType t = result_type(x, e);
  Tensor out = run_binary(BinaryOp::Pow, x, e, t, t, "pow");
  if (wants_grad(x, e)) {
    bool gx = x.requires_grad(), ge = e.requires_grad();
    record(
        out, "PowBackward1", {x, e},
        [sx = SavedTensor(x), se = SavedTensor(e), so = SavedTensor(ge ? out : Tensor()),
         zx = x.sizes(), ze = e.sizes(), dx = x.dtype(), de = e.dtype(), gx, ge](const Tensor& g) {
          const Tensor& xv = sx.unpack("PowBackward1");
          const Tensor& ev = se.unpack("PowBackward1");
          Tensor gxv, gev;
          if (gx) gxv = grad_for(g * ev * pow(xv, ev - 1.0), zx, dx);
          if (ge) {
            // d/de x^e = x^e log x; at x == 0 with e >= 0 the limit is 0 (PyTorch's choice).
            Tensor l = where(mul(xv == 0.0, ev >= 0.0), zeros_like(xv), log(xv));
            gev = grad_for(g * so.unpack("PowBackward1") * l, ze, de);
          }
          return std::vector<Tensor>{gxv, gev};
        });
  }
  return out;
}

namespace {
// Where the operands tie, each gets half the gradient, as in PyTorch.
std::vector<Tensor> extremum_grads(const Tensor& g, const Tensor& a, const Tensor& b, bool is_max,
                                   const Shape& za, const Shape& zb, DType da, DType db, bool ga,
                                   bool gb) {
  Tensor tie = eq(a, b);
  Tensor half = where(tie, g * 0.5, g);
  Tensor a_wins = is_max ? gt(a, b) : lt(a, b);
  Tensor b_wins = is_max ? lt(a, b) : gt(a, b);
  return {ga ? grad_for(half.masked_fill(b_wins, 0.0), za, da) : Tensor(),
          gb ? grad_for(half.masked_fill(a_wins, 0.0), zb, db) : Tensor()};
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
  DType t = result_type(a, b);
  Tensor out = run_binary(BinaryOp::Maximum, a, b, t, t, "maximum");
  if (wants_grad(a, b))
    record(
        out, "MaximumBackward0", {a, b},
        [sa = SavedTensor(a), sb = SavedTensor(b), za = a.sizes(), zb = b.sizes(), da = a.dtype(),
         db = b.dtype(), ga = a.requires_grad(), gb = b.requires_grad()](const Tensor& g) {
          return extremum_grads(g, sa.unpack("MaximumBackward0"), sb.unpack("MaximumBackward0"),
                                true, za, zb, da, db, ga, gb);
        });
  return out;
}

Tensor minimum(const Tensor& a, const Tensor& b) {
  DType t = result_type(a, b);
  Tensor out = run_binary(BinaryOp::Minimum, a, b, t, t, "minimum");
  if (wants_grad(a, b))
    record(
        out, "MinimumBackward0", {a, b},
        [sa = SavedTensor(a), sb = SavedTensor(b), za = a.sizes(), zb = b.sizes(), da = a.dtype(),
         db = b.dtype(), ga = a.requires_grad(), gb = b.requires_grad()](const Tensor& g) {
          return extremum_grads(g, sa.unpack("MinimumBackward0"), sb.unpack("MinimumBackward0"),
                                false, za, zb, da, db, ga, gb);
        });
  return out;
}

// ---- operators

using detail::wrap_scalar;

Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
Tensor operator+(const Tensor& a, double b) {
  return add(a, wrap_scalar(b, a));
}
Tensor operator-(const Tensor& a, double b) {
  return sub(a, wrap_scalar(b, a));
}
Tensor operator*(const Tensor& a, double b) {
  return mul(a, wrap_scalar(b, a));
}
Tensor operator/(const Tensor& a, double b) {
  return div(a, wrap_scalar(b, a));
}
Tensor operator+(double a, const Tensor& b) {
  return add(wrap_scalar(a, b), b);
}
Tensor operator-(double a, const Tensor& b) {
  return sub(wrap_scalar(a, b), b);
}
Tensor operator*(double a, const Tensor& b) {
  return mul(wrap_scalar(a, b), b);
}
Tensor operator/(double a, const Tensor& b) {
  return div(wrap_scalar(a, b), b);
}
Tensor operator-(const Tensor& a) {
  return neg(a);
}

Tensor& operator+=(Tensor& a, const Tensor& b) {
  return a.add_(b);
}
Tensor& operator+=(Tensor& a, double b) {
  return a.add_(b);
}
Tensor& operator*=(Tensor& a, const Tensor& b) {
  return a.mul_(b);
}
Tensor& operator*=(Tensor& a, double b) {
  return a.mul_(b);
}

// ---- in-place forms (recorded through detail::inplace_update when autograd needs them)

Tensor& Tensor::add_(const Tensor& other, double alpha) {
  if (detail::inplace_records(*this, &other, "add_")) {
    detail::inplace_update(*this, "add_",
                           [&](const Tensor& old) { return nw::add(old, other, alpha); });
    return *this;
  }
  detail::run_binary_inplace(alpha == 1 ? BinaryOp::Add : BinaryOp::AddScaled, *this, other, "add_",
                             alpha);
  return *this;
}
Tensor& Tensor::add_(double value) {
  return add_(wrap_scalar(value, *this));
}
Tensor& Tensor::mul_(const Tensor& other) {
  if (detail::inplace_records(*this, &other, "mul_")) {
    detail::inplace_update(*this, "mul_", [&](const Tensor& old) { return nw::mul(old, other); });
    return *this;
  }
  detail::run_binary_inplace(BinaryOp::Mul, *this, other, "mul_");
  return *this;
}
Tensor& Tensor::mul_(double value) {
  return mul_(wrap_scalar(value, *this));
}

// ---- method forms

Tensor Tensor::add(const Tensor& o, double alpha) const {
  return nw::add(*this, o, alpha);
}
Tensor Tensor::sub(const Tensor& o, double alpha) const {
  return nw::sub(*this, o, alpha);
}
Tensor Tensor::mul(const Tensor& o) const {
  return nw::mul(*this, o);
}
Tensor Tensor::div(const Tensor& o) const {
  return nw::div(*this, o);
}
Tensor Tensor::pow(const Tensor& e) const {
  return nw::pow(*this, e);
}
Tensor Tensor::maximum(const Tensor& o) const {
  return nw::maximum(*this, o);
}
Tensor Tensor::minimum(const Tensor& o) const {
  return nw::minimum(*this, o);
}

}  // namespace nw
