#pragma once
// Shared plumbing of the op definitions: output allocation, argument checks, dtype rules.
#include <functional>
#include <string>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "backend/backend.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::detail {

// A view of `base`'s storage with the given geometry and no autograd state.
Tensor make_view(const Tensor& base, const Shape& sizes, const Shape& strides, int64_t offset);
// `t` seen with shape `shape` through stride-0 broadcasting, no autograd state.
Tensor broadcast_to(const Tensor& t, const Shape& shape);
// `t` (detached) converted to dtype, sharing storage when it already is.
Tensor as_dtype(const Tensor& t, DType dtype);

void check_defined(const Tensor& t, const char* op);
void check_same_device(const Tensor& a, const Tensor& b, const char* op);
// PyTorch's result type of a binary op: dimensioned operands win over 0-d ones of the same
// category (bool < integer < floating).
DType result_type(const Tensor& a, const Tensor& b);
// A 0-d tensor holding a C++ number next to `like`: floating when `like` is, or when the value
// has a fraction; otherwise like's integer dtype.
Tensor wrap_scalar(double value, const Tensor& like);
// Refuses in-place writes to leaves that require grad (and views of them): their values are
// what the graph differentiates with respect to.
void check_inplace(const Tensor& t, const char* op);
// True when an in-place op on `self` with `operand` must be recorded (grad mode on and self,
// its base or the operand requires grad). Throws for leaves that require grad.
bool inplace_records(const Tensor& self, const Tensor* operand, const char* op);
// Records an in-place op as PyTorch does: `compute(old)` gives self's new value out of place
// (from a snapshot, so saved values stay valid); the value is written into self's storage and
// self takes over its history. For a view, the base's history is rewritten too, so gradients
// flow through both.
void inplace_update(const Tensor& self, const char* op,
                    const std::function<Tensor(const Tensor& old)>& compute);
// A view of `base` with the given geometry whose in-place writes update base's history.
Tensor view_of(const Tensor& base, const Shape& sizes, const Shape& strides, int64_t offset);
// Where each element of `view` sits in the contiguous `base`, as int64 of view's shape.
Tensor storage_positions(const Tensor& view, const Tensor& base, const char* op);
// The dtype an op on `t` computes in: floats stay, integers and bools become float32.
DType float_type(const Tensor& t);
std::string describe(const Tensor& t);  // "float32 tensor of shape (2, 3)"

// Gradient for an input that was broadcast and possibly promoted.
Tensor grad_for(const Tensor& g, const Shape& sizes, DType dtype);

}  // namespace nw::detail
