#include "data/transformed.h"

#include "data/data_error.h"

namespace nw::data {

Transformed::Transformed(std::shared_ptr<const Dataset> base, TransformPtr transform, uint64_t seed,
                         TransformPtr target_transform)
    : base_(std::move(base)),
      transform_(std::move(transform)),
      seed_(seed),
      target_transform_(std::move(target_transform)) {
  if (!base_) throw DataError("Transformed: the base dataset is null");
  if (!transform_) throw DataError("Transformed: the transform is null; pass e.g. compose({...})");
}

Example Transformed::get_for_epoch(int64_t index, int64_t epoch) const {
  check_sample_index(index, size(), "Transformed");
  Example e = base_->get_for_epoch(index, epoch);
  SampleContext ctx{seed_, index, epoch, 0};
  e.data = transform_->apply(e.data, ctx);
  if (target_transform_ && e.target.defined()) {
    ctx.stream = 0xFFFFu;  // apart from the data transform's draws
    e.target = target_transform_->apply(e.target, ctx);
  }
  return e;
}

}  // namespace nw::data
