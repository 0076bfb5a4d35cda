// Comparisons (bool results, no gradient), where and masked_fill.
#include "ops/elementwise.h"

namespace nw {

using autograd::record;
using autograd::SavedTensor;
using detail::result_type;
using detail::run_binary;
using detail::wrap_scalar;

namespace {
Tensor compare(BinaryOp op, const Tensor& a, const Tensor& b, const char* name) {
  return run_binary(op, a, b, result_type(a, b), kBool, name);
}
}  // namespace

Tensor eq(const Tensor& a, const Tensor& b) {
  return compare(BinaryOp::Eq, a, b, "eq");
}
Tensor ne(const Tensor& a, const Tensor& b) {
  return compare(BinaryOp::Ne, a, b, "ne");
}
Tensor lt(const Tensor& a, const Tensor& b) {
  return compare(BinaryOp::Lt, a, b, "lt");
}
Tensor le(const Tensor& a, const Tensor& b) {
  return compare(BinaryOp::Le, a, b, "le");
}
Tensor gt(const Tensor& a, const Tensor& b) {
  return compare(BinaryOp::Gt, a, b, "gt");
}
Tensor ge(const Tensor& a, const Tensor& b) {
  return compare(BinaryOp::Ge, a, b, "ge");
}

Tensor operator==(const Tensor& a, const Tensor& b) {
  return eq(a, b);
}
Tensor operator!=(const Tensor& a, const Tensor& b) {
  return ne(a, b);
}
Tensor operator<(const Tensor& a, const Tensor& b) {
  return lt(a, b);
}
Tensor operator<=(const Tensor& a, const Tensor& b) {
  return le(a, b);
}
Tensor operator>(const Tensor& a, const Tensor& b) {
  return gt(a, b);
}
Tensor operator>=(const Tensor& a, const Tensor& b) {
  return ge(a, b);
}
Tensor operator==(const Tensor& a, double b) {
  return eq(a, wrap_scalar(b, a));
}
Tensor operator!=(const Tensor& a, double b) {
  return ne(a, wrap_scalar(b, a));
}
Tensor operator<(const Tensor& a, double b) {
  return lt(a, wrap_scalar(b, a));
}
Tensor operator<=(const Tensor& a, double b) {
  return le(a, wrap_scalar(b, a));
}
Tensor operator>(const Tensor& a, double b) {
  return gt(a, wrap_scalar(b, a));
}
Tensor operator>=(const Tensor& a, double b) {
  return ge(a, wrap_scalar(b, a));
}

Tensor Tensor::eq(const Tensor& o) const {
  return nw::eq(*this, o);
}
Tensor Tensor::ne(const Tensor& o) const {
  return nw::ne(*this, o);
}
Tensor Tensor::lt(const Tensor& o) const {
  return nw::lt(*this, o);
}
Tensor Tensor::le(const Tensor& o) const {
  return nw::le(*this, o);
}
Tensor Tensor::gt(const Tensor& o) const {
  return nw::gt(*this, o);
}
Tensor Tensor::ge(const Tensor& o) const {
  return nw::ge(*this, o);
}

namespace {
void check_mask(const Tensor& cond, const char* op) {
  detail::check_defined(cond, op);
  if (cond.dtype() != kBool)
    throw DTypeError(std::string(op) + ": the condition/mask must be a bool tensor, but it is " +
                     dtype_name(cond.dtype()) +
                     "; build it with a comparison (x > 0) or convert "
                     "with to(nw::kBool)");
}
}  // namespace

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_mask(cond, "where");
  detail::check_same_device(cond, a, "where");
  detail::check_same_device(a, b, "where");
  DType t = result_type(a, b);
  Shape shape =
      broadcast_shapes(broadcast_shapes(cond.sizes(), a.sizes(), "where"), b.sizes(), "where");
  Tensor out = detail::new_tensor(shape, t, a.device());
  backend_for(a.device())
      .where(detail::broadcast_to(cond, shape), detail::broadcast_to(detail::as_dtype(a, t), shape),
             detail::broadcast_to(detail::as_dtype(b, t), shape), out);
  if (autograd::needs_grad({&a, &b}))
    record(out, "WhereBackward0", {a, b},
           [sc = SavedTensor(cond), za = a.sizes(), zb = b.sizes(), da = a.dtype(),
            db = b.dtype()](const Tensor& g) {
             const Tensor& c = sc.unpack("WhereBackward0");
             Tensor zero = zeros_like(g);
             return std::vector<Tensor>{detail::grad_for(where(c, g, zero), za, da),
                                        detail::grad_for(where(c, zero, g), zb, db)};
           });
  return out;
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  check_mask(mask, "masked_fill");
  detail::check_same_device(x, mask, "masked_fill");
  Shape shape = broadcast_shapes(x.sizes(), mask.sizes(), "masked_fill");
  if (shape != x.sizes())
    throw ShapeError("masked_fill: mask of shape " + shape_str(mask.sizes()) +
                     " does not broadcast to the input's shape " + shape_str(x.sizes()) +
                     "; the mask may have fewer or size-1 dimensions, not more");
  Tensor out = detail::new_tensor(x.sizes(), x.dtype(), x.device());
  Tensor fill = detail::new_tensor({}, x.dtype(), x.device());
  backend_for(x.device()).fill(fill, value);
  backend_for(x.device())
      .where(detail::broadcast_to(mask, shape), detail::broadcast_to(fill, shape), x, out);
  if (autograd::needs_grad({&x}))
    record(out, "MaskedFillBackward0", {x}, [sm = SavedTensor(mask)](const Tensor& g) {
      return std::vector<Tensor>{masked_fill(g, sm.unpack("MaskedFillBackward0"), 0.0)};
    });
  return out;
}

Tensor Tensor::masked_fill(const Tensor& mask, double value) const {
  return nw::masked_fill(*this, mask, value);
}

Tensor& Tensor::masked_fill_(const Tensor& mask, double value) {
  check_mask(mask, "masked_fill_");
  if (detail::inplace_records(*this, nullptr, "masked_fill_")) {
    detail::inplace_update(*this, "masked_fill_",
                           [&](const Tensor& old) { return nw::masked_fill(old, mask, value); });
    return *this;
  }
  Tensor filled = nw::masked_fill(detach(), mask, value);
  backend_for(device()).copy(filled, *this);
  storage()->bump_version();
  return *this;
}

}  // namespace nw
