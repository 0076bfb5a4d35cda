#include "ops/elementwise.h"

namespace nw::detail {

Tensor run_binary(BinaryOp op, const Tensor& a, const Tensor& b, DType compute, DType out_dtype,
                  const char* name, double alpha) {
  check_defined(a, name);
  check_defined(b, name);
  check_same_device(a, b, name);
  Shape shape = a.sizes() == b.sizes() ? a.sizes() : broadcast_shapes(a.sizes(), b.sizes(), name);
  Tensor out = new_tensor(shape, out_dtype, a.device());
  backend_for(a.device())
      .binary(op, broadcast_to(as_dtype(a, compute), shape),
              broadcast_to(as_dtype(b, compute), shape), out, alpha);
  return out;
}

Tensor run_unary(UnaryOp op, const Tensor& x, DType dtype, const char* name, double alpha,
                 double beta) {
  check_defined(x, name);
  Tensor out = new_tensor(x.sizes(), dtype, x.device());
  backend_for(x.device()).unary(op, as_dtype(x, dtype), out, alpha, beta);
  return out;
}

void run_binary_inplace(BinaryOp op, const Tensor& self, const Tensor& other, const char* name,
                        double alpha) {
  check_defined(self, name);
  check_defined(other, name);
  check_same_device(self, other, name);
  check_inplace(self, name);
  Shape shape = broadcast_shapes(self.sizes(), other.sizes(), name);
  if (shape != self.sizes())
    throw ShapeError(std::string(name) + ": the result of shape " + shape_str(shape) +
                     " does not fit in the destination of shape " + shape_str(self.sizes()) +
                     "; in-place ops cannot grow their destination — use the out-of-place form");
  DType rt = promote_types(self.dtype(), other.dtype());
  if (other.dim() == 0 && self.dim() > 0) rt = result_type(self, other);
  if (rt != self.dtype() && !(is_floating(self.dtype()) && is_floating(rt)))
    throw DTypeError(std::string(name) + ": result type " + dtype_name(rt) +
                     " cannot be cast to the destination's " + dtype_name(self.dtype()) +
                     "; convert the destination with to(" + dtype_name(rt) + ") first");
  backend_for(self.device())
      .binary(op, self, broadcast_to(as_dtype(other, self.dtype()), shape), self, alpha);
  self.storage()->bump_version();
}

}  // namespace nw::detail
