#include "nn/functional/arg_checks.h"

#include "ops/op_util.h"

namespace nw::nn::functional::detail {

void check_floating(const Tensor& t, const char* op, const char* what) {
  nw::detail::check_defined(t, op);
  if (!t.is_floating_point())
    throw DTypeError(std::string(op) + ": " + what + " must be a floating-point tensor, got " +
                     nw::detail::describe(t) + "; convert it with .to(nw::kFloat32)");
}

std::string position_str(int64_t flat, const Shape& shape) {
  if (shape.size() <= 1) return std::to_string(flat);
  std::string s;
  for (size_t d = shape.size(); d-- > 0;) {
    const int64_t size = shape[d] > 0 ? shape[d] : 1;
    s = std::to_string(flat % size) + (s.empty() ? "" : ", ") + s;
    flat /= size;
  }
  return "(" + s + ")";
}

std::string braces_str(const Shape& shape) {
  std::string s;
  for (int64_t v : shape) s += (s.empty() ? "" : ", ") + std::to_string(v);
  return "{" + s + "}";
}

}  // namespace nw::nn::functional::detail
