#pragma once
// Runners shared by the elementwise op files: they check, broadcast, promote and allocate, then
// call the backend. Autograd is recorded by the callers.
#include "ops/op_util.h"

namespace nw::detail {

// out = op(a, b) computed in `compute`, stored as `out_dtype`.
Tensor run_binary(BinaryOp op, const Tensor& a, const Tensor& b, DType compute, DType out_dtype,
                  const char* name, double alpha = 1);
Tensor run_unary(UnaryOp op, const Tensor& x, DType dtype, const char* name, double alpha = 0,
                 double beta = 0);
// Writes op(self, other) into self (broadcasting other); for add_, mul_ and friends.
void run_binary_inplace(BinaryOp op, const Tensor& self, const Tensor& other, const char* name,
                        double alpha = 1);

}  // namespace nw::detail
