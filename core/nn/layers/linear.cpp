#include "nn/layers/linear.h"

#include <cmath>

#include "nn/functional/linear.h"
#include "nn/init.h"
#include "nn/layers/repr_util.h"
#include "tensor/creation.h"

namespace nw::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool with_bias)
    : Module("Linear"), in_features_(in_features), out_features_(out_features) {
  if (in_features <= 0 || out_features <= 0)
    throw Error("Linear: in_features and out_features must be positive, got " +
                std::to_string(in_features) + " and " + std::to_string(out_features));
  weight = register_parameter("weight", empty({out_features, in_features}));
  if (with_bias) bias = register_parameter("bias", empty({out_features}));
  reset_parameters();
}

void Linear::reset_parameters() {
  // kaiming_uniform_(a=sqrt(5)) reduces to a bound of 1/sqrt(fan_in), as in PyTorch.
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    double bound = 1.0 / std::sqrt(double(in_features_));
    init::uniform_(bias, -bound, bound);
  }
}

Tensor Linear::forward(const Tensor& x) {
  return functional::linear(x, weight, bias);
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_features_) +
         ", out_features=" + std::to_string(out_features_) + ", bias=" + repr_bool(bias.defined());
}

}  // namespace nw::nn
