#pragma once
// Linear: y = x W^T + b with W of shape (out_features, in_features), PyTorch's layout and
// default initialisation (uniform in +-1/sqrt(in_features) for both W and b).
#include "nn/module.h"

namespace nw::nn {

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  using Module::forward;
  Tensor forward(const Tensor& x) override;  // x: (..., in_features) -> (..., out_features)
  std::string extra_repr() const override;
  void reset_parameters();

  Tensor weight;  // (out_features, in_features)
  Tensor bias;    // (out_features,) or undefined

 private:
  int64_t in_features_, out_features_;
};

}  // namespace nw::nn
