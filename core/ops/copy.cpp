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
  detail::check_inplace(*this, "copy_");
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
  detail::check_inplace(*this, "fill_");
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
