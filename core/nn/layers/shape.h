#pragma once
// Layers that only reshape: Flatten, Unflatten, Identity.
#include "nn/module.h"

namespace nw::nn {

class Flatten : public Module {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1)
      : Module("Flatten"), start_dim_(start_dim), end_dim_(end_dim) {}
  using Module::forward;
  Tensor forward(const Tensor& x) override { return x.flatten(start_dim_, end_dim_); }
  std::string extra_repr() const override {
    return "start_dim=" + std::to_string(start_dim_) + ", end_dim=" + std::to_string(end_dim_);
  }

 private:
  int64_t start_dim_, end_dim_;
};

// Splits dimension `dim` into `sizes` (whose product must equal that dimension).
class Unflatten : public Module {
 public:
  Unflatten(int64_t dim, Shape sizes) : Module("Unflatten"), dim_(dim), sizes_(std::move(sizes)) {}
  using Module::forward;
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int64_t dim_;
  Shape sizes_;
};

class Identity : public Module {
 public:
  Identity() : Module("Identity") {}
  using Module::forward;
  Tensor forward(const Tensor& x) override { return x; }
};

}  // namespace nw::nn
