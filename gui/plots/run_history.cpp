#include "plots/run_history.h"

namespace nw::gui {

void RunHistory::add(const QVector<BatchPoint>& points) {
  for (const BatchPoint& p : points) {
    loss.append(p.x, p.loss);
    if (p.has_accuracy) accuracy.append(p.x, p.accuracy);
    lr.append(p.x, p.lr);
  }
}

void RunHistory::add(const train::EpochStats& stats) {
  epochs.push_back(stats);
}

void RunHistory::set_smoothing(double weight) {
  loss.set_smoothing(weight);
  accuracy.set_smoothing(weight);
}

std::optional<size_t> best_epoch(const std::vector<train::EpochStats>& epochs,
                                 const EpochValue& value, bool higher_is_better) {
  std::optional<size_t> best;
  double best_value = 0.0;
  for (size_t i = 0; i < epochs.size(); ++i) {
    const std::optional<double> v = value(epochs[i]);
    if (!v) continue;
    if (!best || (higher_is_better ? *v > best_value : *v < best_value)) {
      best = i;
      best_value = *v;
    }
  }
  return best;
}

}  // namespace nw::gui
