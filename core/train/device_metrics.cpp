#include "train/device_metrics.h"

#include <string>

#include "autograd/grad_mode.h"
#include "tensor/errors.h"
#include "tensor/ops.h"

namespace nw::train {

DeviceMetrics::DeviceMetrics(int64_t read_every) : read_every_(read_every) {
  if (read_every < 1)
    throw Error("DeviceMetrics: read_every must be at least 1 batch, got " +
                std::to_string(read_every));
}

bool DeviceMetrics::add(const Tensor& loss, const Tensor& correct, const PendingBatch& info) {
  NoGradGuard no_grad;
  // float32 -> float64 is exact, so the host later sees what loss.item() would have returned;
  // counts below 2^53 are exact in float64 as well.
  losses_.push_back(loss.detach().reshape({1}).to(DType::Float64));
  if (correct.defined()) correct_.push_back(correct.reshape({1}).to(DType::Float64));
  if (!correct_.empty() && correct_.size() != losses_.size())
    throw Error("DeviceMetrics::add: batch " + std::to_string(info.batch + 1) +
                (correct.defined() ? " has" : " lacks") +
                " a correct count where the epoch's other batches do not; pass one for every "
                "batch or for none");
  pending_.push_back(info);
  return (info.batch + 1) % read_every_ == 0;
}

std::vector<BatchReading> DeviceMetrics::read() {
  std::vector<BatchReading> out;
  if (pending_.empty()) return out;
  std::vector<Tensor> parts = losses_;
  parts.insert(parts.end(), correct_.begin(), correct_.end());
  // The one synchronisation: a single copy of [losses..., counts...] to the host.
  const Tensor host = cat(parts).to(Device()).contiguous();
  const double* v = host.data_ptr<double>();
  const size_t n = pending_.size();
  const bool counted = !correct_.empty();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i)
    out.push_back({pending_[i], v[i], counted ? static_cast<int64_t>(v[n + i]) : 0});
  clear();
  ++reads_;
  return out;
}

void DeviceMetrics::clear() {
  pending_.clear();
  losses_.clear();
  correct_.clear();
}

}  // namespace nw::train
