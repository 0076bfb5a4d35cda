#pragma once
// LayerNorm over the trailing `normalized_shape` dimensions, with optional affine weight and bias.
#include "nn/module.h"

namespace nw::nn {

class LayerNorm : public Module {
 public:
  LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true);
  using Module::forward;
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  Tensor weight, bias;  // normalized_shape, initialised to ones and zeros

 private:
  Shape normalized_shape_;
  double eps_;
};

}  // namespace nw::nn
