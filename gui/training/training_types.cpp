#include "training/training_types.h"

#include <algorithm>
#include <numeric>

namespace nw::gui {

BatchPoint BatchPoint::from(const train::BatchStats& b) {
  BatchPoint p;
  p.step = (b.epoch - 1) * b.batches + b.batch;
  p.epoch = b.epoch;
  p.batch = b.batch;
  p.batches = b.batches;
  p.samples_seen = b.samples_seen;
  p.x = double(b.epoch - 1) + (b.batches > 0 ? double(b.batch) / double(b.batches) : 0.0);
  p.loss = b.loss;
  p.has_accuracy = b.accuracy.has_value();
  p.accuracy = b.accuracy.value_or(0.0);
  p.lr = b.lr;
  p.samples_per_second = b.samples_per_second;
  return p;
}

const char* to_string(TrainingState s) {
  switch (s) {
    case TrainingState::Idle:
      return "idle";
    case TrainingState::Running:
      return "running";
    case TrainingState::Paused:
      return "paused";
    case TrainingState::Stopping:
      return "stopping";
    case TrainingState::Evaluating:
      return "evaluating";
  }
  return "?";
}

std::vector<std::pair<int64_t, float>> SplitPredictions::top_k(size_t row, int k) const {
  const auto n = static_cast<size_t>(num_classes);
  if (row >= samples.size() || probabilities.size() < (row + 1) * n) return {};
  const float* p = probabilities.data() + row * n;
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const auto keep = std::min<size_t>(n, static_cast<size_t>(std::max(k, 0)));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [p](int64_t a, int64_t b) { return p[a] > p[b]; });
  std::vector<std::pair<int64_t, float>> out;
  for (size_t i = 0; i < keep; ++i) out.emplace_back(order[i], p[order[i]]);
  return out;
}

}  // namespace nw::gui
