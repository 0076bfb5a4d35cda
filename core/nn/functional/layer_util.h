#pragma once
// Internal to the convolution, pooling and batch-norm functions: turning user tensors into the
// contiguous, detached views the layer kernels take, and the argument checks they share.
#include <string>

#include "backend/layer_kernels.h"
#include "nn/functional/window.h"
#include "ops/op_util.h"

namespace nw::nn::functional::layer_util {

// t as a contiguous tensor of shape `s` (same element count), detached: what a kernel reads.
inline Tensor kernel_view(const Tensor& t, const Shape& s) {
  Tensor c = t.detach().contiguous();
  return nw::detail::make_view(c, s, contiguous_strides(s), c.storage_offset());
}

// A fresh tensor of `shape` and the view of it with `shape4` that a kernel writes.
struct KernelOutput {
  Tensor result, view;
  KernelOutput(const Shape& shape, const Shape& shape4, const Tensor& like)
      : result(nw::detail::new_tensor(shape, like.dtype(), like.device())),
        view(nw::detail::make_view(result, shape4, contiguous_strides(shape4), 0)) {}
};

// Throws DTypeError unless t is float32 or float64 (the layer kernels' dtypes).
inline void check_float(const char* op, const Tensor& t, const char* what) {
  nw::detail::check_defined(t, op);
  if (t.dtype() != kFloat32 && t.dtype() != kFloat64)
    throw DTypeError(std::string(op) + ": " + what + " must be float32 or float64, got " +
                     nw::detail::describe(t) + "; convert it with .to(nw::kFloat32)");
}

// Throws unless `t` matches x's dtype and device (t may be undefined when optional).
inline void check_like(const char* op, const Tensor& x, const Tensor& t, const char* what) {
  if (!t.defined()) return;
  nw::detail::check_same_device(x, t, op);
  if (t.dtype() != x.dtype())
    throw DTypeError(std::string(op) + ": input is " + dtype_name(x.dtype()) + " but " + what +
                     " is " + dtype_name(t.dtype()) + "; convert " + what + " with .to(" +
                     dtype_name(x.dtype()) + ")");
}

// Throws ShapeError unless x has one of the two ranks; `layout` spells the expected shapes.
inline void check_rank(const char* op, const Tensor& x, int64_t batched, const char* layout) {
  if (x.dim() != batched && x.dim() != batched - 1)
    throw ShapeError(std::string(op) + ": expects input of shape " + layout + ", got " +
                     shape_str(x.sizes()) + " (" + std::to_string(x.dim()) + " dimensions)");
}

// Throws unless both values of `s` are >= min; `what` names the argument.
inline void check_at_least(const char* op, const Size2& s, int64_t min, const char* what) {
  if (s.h < min || s.w < min)
    throw ShapeError(std::string(op) + ": " + what + " must be " +
                     (min > 0 ? "positive" : "non-negative") + ", got " + s.pair_str());
}

}  // namespace nw::nn::functional::layer_util
