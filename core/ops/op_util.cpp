#include "ops/op_util.h"

#include <cmath>

namespace nw::detail {

Tensor new_tensor(const Shape& sizes, DType dtype, const Device& device) {
  for (int64_t s : sizes)
    if (s < 0)
      throw ShapeError("tensor: negative size in shape " + shape_str(sizes) +
                       "; every size must be >= 0");
  auto impl = std::make_shared<TensorImpl>();
  impl->storage =
      std::make_shared<StorageImpl>(size_t(numel_of(sizes)) * element_size(dtype), device);
  impl->sizes = sizes;
  impl->strides = contiguous_strides(sizes);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& base, const Shape& sizes, const Shape& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.storage();
  impl->sizes = sizes;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = base.dtype();
  return Tensor(std::move(impl));
}

Tensor broadcast_to(const Tensor& t, const Shape& shape) {
  if (t.sizes() == shape) return t.detach();
  const size_t n = shape.size(), k = size_t(t.dim());
  Shape strides(n, 0);
  for (size_t i = 0; i < k; ++i) {
    size_t d = n - k + i;
    strides[d] = t.sizes()[i] == 1 && shape[d] != 1 ? 0 : t.strides()[i];
  }
  return make_view(t, shape, strides, t.storage_offset());
}

Tensor as_dtype(const Tensor& t, DType dtype) {
  if (t.dtype() == dtype) return t.detach();
  NoGradGuard g;
  return t.detach().to(dtype);
}

void check_defined(const Tensor& t, const char* op) {
  if (!t.defined())
    throw Error(std::string(op) + ": an argument is an undefined Tensor; create it first");
}

void check_same_device(const Tensor& a, const Tensor& b, const char* op) {
  if (a.device() != b.device())
    throw DeviceError(std::string(op) + ": expected all tensors on the same device, but found " +
                      a.device().str() + " and " + b.device().str() +
                      "; move one with .to(device)");
}

namespace {
int category(DType t) {
  return t == kBool ? 0 : is_floating(t) ? 2 : 1;
}
}  // namespace

DType result_type(const Tensor& a, const Tensor& b) {
  const bool a0 = a.dim() == 0, b0 = b.dim() == 0;
  if (a0 != b0) {
    const Tensor& dimd = a0 ? b : a;
    const Tensor& zero = a0 ? a : b;
    if (category(zero.dtype()) <= category(dimd.dtype())) return dimd.dtype();
  }
  return promote_types(a.dtype(), b.dtype());
}

Tensor wrap_scalar(double value, const Tensor& like) {
  DType t = like.dtype();
  if (!is_floating(t) && value != std::floor(value)) t = kFloat32;
  if (t == kBool && value != 0.0 && value != 1.0) t = kInt64;
  Tensor s = new_tensor({}, t, like.device());
  backend_for(like.device()).fill(s, value);
  return s;
}

void check_inplace(const Tensor& t, const char* op) {
  if (!is_grad_enabled() || !t.requires_grad()) return;
  if (t.is_leaf())
    throw AutogradError(std::string(op) +
                        ": a leaf tensor that requires grad is being used in an in-place "
                        "operation; wrap the update in nw::NoGradGuard (as optimizers do) or "
                        "use the out-of-place form");
  throw AutogradError(std::string(op) +
                      ": in-place operations on a tensor that is part of the "
                      "autograd graph (grad_fn=" +
                      t.grad_fn()->name() + ") are not supported; use the out-of-place form");
}

DType float_type(const Tensor& t) {
  return is_floating(t.dtype()) ? t.dtype() : kFloat32;
}

std::string describe(const Tensor& t) {
  return std::string(dtype_name(t.dtype())) + " tensor of shape " + shape_str(t.sizes());
}

Tensor grad_for(const Tensor& g, const Shape& sizes, DType dtype) {
  Tensor r = g.sizes() == sizes ? g : sum_to(g, sizes);
  return r.dtype() == dtype ? r : r.to(dtype);
}

}  // namespace nw::detail
