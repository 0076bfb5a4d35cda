#include "tensor/shape.h"

#include "tensor/errors.h"

namespace nw {

int64_t numel_of(const Shape& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

Shape contiguous_strides(const Shape& sizes) {
  Shape strides(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = s;
    s *= sizes[i] > 0 ? sizes[i] : 1;
  }
  return strides;
}

std::string shape_str(const Shape& sizes) {
  std::string s = "(";
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(sizes[i]);
  }
  if (sizes.size() == 1) s += ",";
  return s + ")";
}

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = ndim > 0 ? ndim : 1;  // a 0-d tensor accepts dims 0 and -1, as in PyTorch
  if (dim < -n || dim >= n)
    throw IndexError(std::string(op) + ": dimension " + std::to_string(dim) +
                     " is out of range for a tensor with " + std::to_string(ndim) +
                     " dimension(s); use a dim in [" + std::to_string(-n) + ", " +
                     std::to_string(n - 1) + "]");
  return dim < 0 ? dim + n : dim;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t sa = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t sb = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (sa != sb && sa != 1 && sb != 1)
      throw ShapeError(std::string(op) + ": shapes " + shape_str(a) + " and " + shape_str(b) +
                       " cannot be broadcast (dimension " + std::to_string(i) + ": " +
                       std::to_string(sa) + " vs " + std::to_string(sb) +
                       "); sizes must match or be 1 — reshape or unsqueeze one operand");
    out[i] = sa == 1 ? sb : sa;
  }
  return out;
}

}  // namespace nw
