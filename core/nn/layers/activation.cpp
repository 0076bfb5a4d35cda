#include "nn/layers/activation.h"

#include "nn/functional/activation.h"
#include "nn/layers/repr_util.h"

namespace nw::nn {

namespace F = functional;

Tensor ReLU::forward(const Tensor& x) {
  return F::relu(x);
}
Tensor Sigmoid::forward(const Tensor& x) {
  return F::sigmoid(x);
}
Tensor Tanh::forward(const Tensor& x) {
  return F::tanh(x);
}
Tensor LeakyReLU::forward(const Tensor& x) {
  return F::leaky_relu(x, negative_slope_);
}
Tensor ELU::forward(const Tensor& x) {
  return F::elu(x, alpha_);
}
Tensor GELU::forward(const Tensor& x) {
  return F::gelu(x, approximate_);
}
Tensor SiLU::forward(const Tensor& x) {
  return F::silu(x);
}
Tensor Softmax::forward(const Tensor& x) {
  return F::softmax(x, dim_);
}
Tensor LogSoftmax::forward(const Tensor& x) {
  return F::log_softmax(x, dim_);
}

std::string LeakyReLU::extra_repr() const {
  return "negative_slope=" + repr_number(negative_slope_);
}
std::string ELU::extra_repr() const {
  return "alpha=" + repr_number(alpha_);
}

}  // namespace nw::nn
