#pragma once
// Datasets: indexable collections of (data, target) samples, as torch.utils.data.Dataset.
#include <cstdint>
#include <functional>
#include <vector>

#include "tensor/tensor.h"

namespace nw::data {

// One sample, or a batch of samples stacked along a new first dimension. `target` may be
// undefined for unlabelled data. Works with structured bindings: `for (auto& [x, y] : loader)`.
struct Example {
  Tensor data;
  Tensor target;
};

class Dataset {
 public:
  virtual ~Dataset() = default;

  virtual int64_t size() const = 0;
  // Sample `index`, 0 <= index < size(). Called from the loader's worker threads at once, so it
  // must not change shared state.
  virtual Example get(int64_t index) const = 0;
  // Sample `index` as seen in `epoch`. Random transforms draw from (seed, index, epoch), so each
  // epoch sees new augmentations that still do not depend on threads; plain datasets ignore it.
  virtual Example get_for_epoch(int64_t index, int64_t epoch) const;
  // The samples at `indices` stacked into one batch. The default gets each and stacks them;
  // datasets that hold whole tensors override it with one gather per tensor.
  virtual Example get_batch(const std::vector<int64_t>& indices, int64_t epoch = 0) const;
};

// Stacks samples into a batch: data (B, ...) and target (B, ...), the way PyTorch's default
// collate does. Samples must agree in shape and dtype; throws DataError naming the first
// sample that differs.
Example collate_stack(const std::vector<Example>& samples);

// Throws IndexError naming `who` when index is not in [0, size).
void check_sample_index(int64_t index, int64_t size, const char* who);

}  // namespace nw::data
