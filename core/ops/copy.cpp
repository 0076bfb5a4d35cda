// Copies: copy_, fill_, clone, contiguous and conversions between dtypes and devices.
#include "ops/op_util.h"

namespace nw {

using autograd::record;

namespace {
// The backend that can see both tensors: a device backend also handles host <-> device copies.
Backend& copy_backend(const Tensor& src, const Tensor& dst) {
  return backend_for(src.device().is_cpu() ? dst.device() : src.device());
}
}  // namespace

Tensor& Tensor::copy_(const Tensor& src) {
  detail::check_defined(src, "copy_");
  if (detail::inplace_records(*this, &src, "copy_")) {
    // The old value gets no gradient; src gets all of it.
    detail::inplace_update(*this, "copy_", [&](const Tensor& old) {
      Tensor s = src.device() == old.device() ? src : src.to(old.device());
      Tensor all = full(old.sizes(), 1.0, TensorOptions(kBool).device(old.device()));
      return where(all, s.to(old.dtype()), old);
    });
    return *this;
  }
  Shape shape = broadcast_shapes(sizes(), src.sizes(), "copy_");
  if (shape != sizes())
    throw ShapeError("copy_: source of shape " + shape_str(src.sizes()) +
                     " does not broadcast to the destination's shape " + shape_str(sizes()));
  Tensor s = src.detach();
  if (s.device() != device() && s.sizes() != sizes()) s = s.expand(sizes()).contiguous();
  copy_backend(s, *this).copy(detail::broadcast_to(s, shape), *this);
  storage()->bump_version();
  return *this;
}

Tensor& Tensor::fill_(double value) {
  if (detail::inplace_records(*this, nullptr, "fill_")) {
    detail::inplace_update(*this, "fill_", [&](const Tensor& old) {
      return old.masked_fill(full(old.sizes(), 1.0, TensorOptions(kBool).device(old.device())),
                             value);
    });
    return *this;
  }
  backend_for(device()).fill(*this, value);
  storage()->bump_version();
  return *this;
}

Tensor Tensor::to(const Device& d, DType t) const {
  if (d == device() && t == dtype()) return *this;
  Tensor out = detail::new_tensor(sizes(), t, d);
  copy_backend(*this, out).copy(detach(), out);
  if (is_floating(t) && autograd::needs_grad({this}))
    record(out, "ToCopyBackward0", {*this}, [src_dev = device(), src_t = dtype()](const Tensor& g) {
      return std::vector<Tensor>{g.to(src_dev, src_t)};
    });
  return out;
}

Tensor Tensor::to(DType t) const {
  return to(device(), t);
}
Tensor Tensor::to(const Device& d) const {
  return to(d, dtype());
}

Tensor Tensor::clone() const {
  Tensor out = detail::new_tensor(sizes(), dtype(), device());
  backend_for(device()).copy(detach(), out);
  if (autograd::needs_grad({this}))
    record(out, "CloneBackward0", {*this}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
  return out;
}

Tensor Tensor::contiguous() const {
  return is_contiguous() ? *this : clone();
}

}  // namespace nw
