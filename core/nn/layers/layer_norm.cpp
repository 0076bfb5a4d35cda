#include "nn/layers/layer_norm.h"

#include "nn/functional/normalization.h"
#include "nn/layers/repr_util.h"
#include "tensor/creation.h"

namespace nw::nn {

LayerNorm::LayerNorm(Shape normalized_shape, double eps, bool elementwise_affine)
    : Module("LayerNorm"), normalized_shape_(std::move(normalized_shape)), eps_(eps) {
  if (normalized_shape_.empty())
    throw Error("LayerNorm: normalized_shape must name at least one dimension");
  if (elementwise_affine) {
    weight = register_parameter("weight", ones(normalized_shape_));
    bias = register_parameter("bias", zeros(normalized_shape_));
  }
}

Tensor LayerNorm::forward(const Tensor& x) {
  return functional::layer_norm(x, normalized_shape_, weight, bias, eps_);
}

std::string LayerNorm::extra_repr() const {
  std::string s = shape_str(normalized_shape_);
  return s + ", eps=" + repr_number(eps_) + ", elementwise_affine=" + repr_bool(weight.defined());
}

}  // namespace nw::nn
