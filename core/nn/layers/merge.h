#pragma once
// Graph helpers that merge several inputs: Add (elementwise, broadcasting) and Concat (along a
// dimension), for residual and multi-branch networks.
#include "nn/module.h"

namespace nw::nn {

class Add : public Module {
 public:
  Add() : Module("Add") {}
  using Module::forward;
  Tensor forward(const std::vector<Tensor>& inputs) override;
};

class Concat : public Module {
 public:
  explicit Concat(int64_t dim = 1) : Module("Concat"), dim_(dim) {}
  using Module::forward;
  Tensor forward(const std::vector<Tensor>& inputs) override;
  std::string extra_repr() const override { return "dim=" + std::to_string(dim_); }

 private:
  int64_t dim_;
};

}  // namespace nw::nn
