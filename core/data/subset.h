#pragma once
// Views over other datasets: Subset (chosen indices), random_split (seeded disjoint subsets).
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "tensor/generator.h"

namespace nw::data {

// Sample i is base[indices[i]]. Batches are fetched from the base in one get_batch call, so a
// subset of a TensorDataset keeps its fast gather.
class Subset : public Dataset {
 public:
  Subset(std::shared_ptr<const Dataset> base, std::vector<int64_t> indices);

  int64_t size() const override { return int64_t(indices_.size()); }
  Example get(int64_t index) const override;
  Example get_for_epoch(int64_t index, int64_t epoch) const override;
  Example get_batch(const std::vector<int64_t>& indices, int64_t epoch = 0) const override;

  const std::vector<int64_t>& indices() const { return indices_; }
  const std::shared_ptr<const Dataset>& base() const { return base_; }

 private:
  int64_t base_index(int64_t index) const;

  std::shared_ptr<const Dataset> base_;
  std::vector<int64_t> indices_;
};

// Splits `base` into disjoint random subsets of the given lengths, which must add up to its
// size, as torch.utils.data.random_split. The shuffle uses `seed` alone, so the split is the
// same in every run.
std::vector<Subset> random_split(std::shared_ptr<const Dataset> base,
                                 const std::vector<int64_t>& lengths, uint64_t seed);
// The same, drawing from `gen` (advancing it by size() counters).
std::vector<Subset> random_split(std::shared_ptr<const Dataset> base,
                                 const std::vector<int64_t>& lengths, Generator& gen);
// Fractions that add up to 1 (e.g. {0.8, 0.2}). Each gets floor(fraction * size) samples and
// the remainder goes one by one to the first subsets, as PyTorch does.
std::vector<Subset> random_split_fractions(std::shared_ptr<const Dataset> base,
                                           const std::vector<double>& fractions, uint64_t seed);

}  // namespace nw::data
