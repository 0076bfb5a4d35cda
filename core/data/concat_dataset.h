#pragma once
// Several datasets read one after another, as torch.utils.data.ConcatDataset.
#include <memory>
#include <vector>

#include "data/dataset.h"

namespace nw::data {

class ConcatDataset : public Dataset {
 public:
  explicit ConcatDataset(std::vector<std::shared_ptr<const Dataset>> parts);

  int64_t size() const override { return ends_.empty() ? 0 : ends_.back(); }
  Example get(int64_t index) const override;
  Example get_for_epoch(int64_t index, int64_t epoch) const override;

  const std::vector<std::shared_ptr<const Dataset>>& parts() const { return parts_; }

 private:
  // The part that holds `index`, and the index within it.
  std::pair<size_t, int64_t> locate(int64_t index) const;

  std::vector<std::shared_ptr<const Dataset>> parts_;
  std::vector<int64_t> ends_;  // running totals of the parts' sizes
};

}  // namespace nw::data
