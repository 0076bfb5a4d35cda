#pragma once
// Internal to core/nn/functional: argument checks whose messages name the op, the shapes and the
// fix, shared by the activations, losses and lookups.
#include <string>

#include "tensor/tensor.h"

namespace nw::nn::functional::detail {

// Throws DTypeError unless `t` is a defined floating-point tensor; `what` names the argument.
void check_floating(const Tensor& t, const char* op, const char* what = "input");

// "3" in a 1-D tensor, "(0, 2)" in a tensor of more dimensions: where row-major element `flat`
// of a tensor of `shape` sits.
std::string position_str(int64_t flat, const Shape& shape);

// "{3, 4}": a shape as C++ code spells it, for the fixes messages suggest.
std::string braces_str(const Shape& shape);

}  // namespace nw::nn::functional::detail
