#include "data/tensor_dataset.h"

#include <string>

#include "data/data_error.h"
#include "tensor/creation.h"

namespace nw::data {

TensorDataset::TensorDataset(Tensor data, Tensor targets) {
  if (!data.defined())
    throw DataError("TensorDataset: the data tensor is undefined; pass a tensor of shape (N, ...)");
  if (data.dim() == 0)
    throw DataError(
        "TensorDataset: the data tensor is 0-d; its first dimension must index "
        "samples, e.g. reshape it to (1,)");
  if (targets.defined() && (targets.dim() == 0 || targets.size(0) != data.size(0)))
    throw DataError("TensorDataset: data has " + std::to_string(data.size(0)) + " samples (shape " +
                    shape_str(data.sizes()) + ") but targets have shape " +
                    shape_str(targets.sizes()) + "; both need the same first dimension");
  data_ = data.detach().contiguous();
  if (targets.defined()) targets_ = targets.detach().contiguous();
}

Example TensorDataset::get(int64_t index) const {
  check_sample_index(index, size(), "TensorDataset");
  return {data_[index], targets_.defined() ? targets_[index] : Tensor()};
}

Example TensorDataset::get_batch(const std::vector<int64_t>& indices, int64_t) const {
  if (indices.empty()) throw DataError("TensorDataset: a batch needs at least one index");
  for (int64_t i : indices) check_sample_index(i, size(), "TensorDataset");
  // NOTE: the index tensor borrows `indices` without copying; it dies before this returns.
  Tensor index = from_blob(const_cast<int64_t*>(indices.data()), {int64_t(indices.size())}, kInt64);
  return {data_.index_select(0, index),
          targets_.defined() ? targets_.index_select(0, index) : Tensor()};
}

}  // namespace nw::data
