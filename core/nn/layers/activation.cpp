#include "nn/layers/activation.h"

#include "tensor/ops.h"

namespace nw::nn {

Tensor ReLU::forward(const Tensor& x) {
  return relu(x);
}
Tensor Sigmoid::forward(const Tensor& x) {
  return sigmoid(x);
}
Tensor Tanh::forward(const Tensor& x) {
  return tanh(x);
}

}  // namespace nw::nn
