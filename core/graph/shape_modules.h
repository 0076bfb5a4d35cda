#pragma once
// Graph-only shape modules, for what PyTorch code writes inline in forward() rather than as a
// layer: x.view(x.size(0), ...) and out[:, -1, :]. Both are views that record backward.
#include "nn/module.h"

namespace nw::graph {

// (N, *) -> (N, *shape). `shape` leaves out the batch dimension; one entry may be -1, sized to
// keep the element count.
class Reshape : public nn::Module {
 public:
  explicit Reshape(Shape shape) : nn::Module("Reshape"), shape_(std::move(shape)) {}
  using nn::Module::forward;
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Shape shape_;
};

// (N, T, *) -> (N, *): the last step of a batch-first sequence, PyTorch's out[:, -1].
class LastStep : public nn::Module {
 public:
  LastStep() : nn::Module("LastStep") {}
  using nn::Module::forward;
  Tensor forward(const Tensor& x) override;
};

}  // namespace nw::graph
