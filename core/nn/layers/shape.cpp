#include "nn/layers/shape.h"

namespace nw::nn {

Tensor Unflatten::forward(const Tensor& x) {
  int64_t d = wrap_dim(dim_, x.dim(), "Unflatten");
  if (numel_of(sizes_) != x.size(d))
    throw ShapeError("Unflatten: sizes " + shape_str(sizes_) + " multiply to " +
                     std::to_string(numel_of(sizes_)) + " but dimension " + std::to_string(d) +
                     " of the input " + shape_str(x.sizes()) + " has size " +
                     std::to_string(x.size(d)) + "; choose sizes whose product is " +
                     std::to_string(x.size(d)));
  Shape shape(x.sizes().begin(), x.sizes().begin() + d);
  shape.insert(shape.end(), sizes_.begin(), sizes_.end());
  shape.insert(shape.end(), x.sizes().begin() + d + 1, x.sizes().end());
  return x.reshape(shape);
}

std::string Unflatten::extra_repr() const {
  std::string s = "dim=" + std::to_string(dim_) + ", unflattened_size=(";
  for (size_t i = 0; i < sizes_.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes_[i]);
  return s + (sizes_.size() == 1 ? ",)" : ")");
}

}  // namespace nw::nn
