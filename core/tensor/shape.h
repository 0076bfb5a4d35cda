#pragma once
// Sizes, strides and the broadcasting rules shared by every op.
#include <cstdint>
#include <string>
#include <vector>

namespace nw {

using Shape = std::vector<int64_t>;

int64_t numel_of(const Shape& sizes);
Shape contiguous_strides(const Shape& sizes);
std::string shape_str(const Shape& sizes);  // "(4, 3)"
// Wraps a possibly negative dim into [0, ndim); throws IndexError naming `op` when out of range.
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);
// NumPy broadcasting of two shapes; throws ShapeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

}  // namespace nw
