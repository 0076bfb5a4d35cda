#pragma once
// A dataset whose samples pass through a transform, as torchvision's `transform=` argument.
#include <memory>

#include "data/dataset.h"
#include "data/transforms.h"

namespace nw::data {

// Sample i in epoch e is transform(base[i].data) drawn with SampleContext{seed, i, e}; targets
// pass through `target_transform` when one is given. Batches are stacked from the samples.
class Transformed : public Dataset {
 public:
  Transformed(std::shared_ptr<const Dataset> base, TransformPtr transform, uint64_t seed = 0,
              TransformPtr target_transform = nullptr);

  int64_t size() const override { return base_->size(); }
  Example get(int64_t index) const override { return get_for_epoch(index, 0); }
  Example get_for_epoch(int64_t index, int64_t epoch) const override;

  const Dataset& base() const { return *base_; }
  const Transform& transform() const { return *transform_; }

 private:
  std::shared_ptr<const Dataset> base_;
  TransformPtr transform_;
  uint64_t seed_;
  TransformPtr target_transform_;
};

}  // namespace nw::data
