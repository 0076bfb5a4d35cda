#pragma once
// Activation layers: thin modules over the functional forms (nw::nn::functional).
#include "nn/module.h"

namespace nw::nn {

class ReLU : public Module {
 public:
  ReLU() : Module("ReLU") {}
  using Module::forward;
  Tensor forward(const Tensor& x) override;
};

class Sigmoid : public Module {
 public:
  Sigmoid() : Module("Sigmoid") {}
  using Module::forward;
  Tensor forward(const Tensor& x) override;
};

class Tanh : public Module {
 public:
  Tanh() : Module("Tanh") {}
  using Module::forward;
  Tensor forward(const Tensor& x) override;
};

}  // namespace nw::nn
