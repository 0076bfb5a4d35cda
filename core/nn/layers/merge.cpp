#include "nn/layers/merge.h"

#include "tensor/ops.h"

namespace nw::nn {

Tensor Add::forward(const std::vector<Tensor>& inputs) {
  if (inputs.empty()) throw Error("Add: needs at least one input");
  Tensor sum = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) sum = sum + inputs[i];
  return sum;
}

Tensor Concat::forward(const std::vector<Tensor>& inputs) {
  if (inputs.empty()) throw Error("Concat: needs at least one input");
  return cat(inputs, dim_);
}

}  // namespace nw::nn
