#include "data/concat_dataset.h"

#include <algorithm>
#include <string>

#include "data/data_error.h"

namespace nw::data {

ConcatDataset::ConcatDataset(std::vector<std::shared_ptr<const Dataset>> parts)
    : parts_(std::move(parts)) {
  if (parts_.empty()) throw DataError("ConcatDataset: expects at least one dataset, got none");
  int64_t total = 0;
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (!parts_[i])
      throw DataError("ConcatDataset: dataset " + std::to_string(i) + " of " +
                      std::to_string(parts_.size()) + " is null");
    total += parts_[i]->size();
    ends_.push_back(total);
  }
}

std::pair<size_t, int64_t> ConcatDataset::locate(int64_t index) const {
  check_sample_index(index, size(), "ConcatDataset");
  const size_t part = size_t(std::upper_bound(ends_.begin(), ends_.end(), index) - ends_.begin());
  return {part, part == 0 ? index : index - ends_[part - 1]};
}

Example ConcatDataset::get(int64_t index) const {
  auto [part, local] = locate(index);
  return parts_[part]->get(local);
}

Example ConcatDataset::get_for_epoch(int64_t index, int64_t epoch) const {
  auto [part, local] = locate(index);
  return parts_[part]->get_for_epoch(local, epoch);
}

}  // namespace nw::data
