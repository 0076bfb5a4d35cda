#pragma once
// A dataset held as whole tensors, as torch.utils.data.TensorDataset: sample i is
// (data[i], targets[i]). Batches are gathered with one index_select per tensor.
#include "data/dataset.h"

namespace nw::data {

class TensorDataset : public Dataset {
 public:
  TensorDataset() = default;
  // data: (N, ...), targets: (N, ...) or undefined for unlabelled data. Both are kept
  // contiguous so that a batch is a run of row copies.
  TensorDataset(Tensor data, Tensor targets);

  int64_t size() const override { return data_.defined() ? data_.size(0) : 0; }
  // Views of row `index`; they share the dataset's storage.
  Example get(int64_t index) const override;
  // Copies of the rows at `indices`: writing into a batch never changes the dataset.
  Example get_batch(const std::vector<int64_t>& indices, int64_t epoch = 0) const override;

  const Tensor& data() const { return data_; }
  const Tensor& targets() const { return targets_; }

 private:
  Tensor data_;
  Tensor targets_;
};

}  // namespace nw::data
