#pragma once
// Dropout layers: active in training mode only, masks drawn from the default generator.
#include "nn/module.h"

namespace nw::nn {

class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5);
  using Module::forward;
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  double p_;
};

// Zeroes whole channels of (N, C, H, W) or (C, H, W) inputs.
class Dropout2d : public Module {
 public:
  explicit Dropout2d(double p = 0.5);
  using Module::forward;
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  double p_;
};

}  // namespace nw::nn
