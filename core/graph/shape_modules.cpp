#include "graph/shape_modules.h"

namespace nw::graph {

Tensor Reshape::forward(const Tensor& x) {
  if (x.dim() < 1)
    throw ShapeError("Reshape: expects a batch (N, *), gets a scalar; give it a batch dimension");
  Shape shape{x.size(0)};
  shape.insert(shape.end(), shape_.begin(), shape_.end());
  return x.reshape(shape);
}

std::string Reshape::extra_repr() const {
  return "shape=" + shape_str(shape_);
}

Tensor LastStep::forward(const Tensor& x) {
  if (x.dim() < 3)
    throw ShapeError("LastStep: expects a batch-first sequence (N, T, F), gets " +
                     shape_str(x.sizes()) + "; connect it to an LSTM or GRU output");
  return x.select(1, x.size(1) - 1);
}

}  // namespace nw::graph
