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

namespace {

std::optional<double> at(const std::map<std::string, std::vector<double>>& history,
                         const char* metric, size_t i) {
  const auto it = history.find(metric);
  if (it == history.end() || i >= it->second.size()) return std::nullopt;
  return it->second[i];
}

}  // namespace

std::shared_ptr<RunHistory> saved_run_history(const QString& name,
                                              const std::map<std::string, std::vector<double>>& h) {
  auto out = std::make_shared<RunHistory>();
  out->name = name;
  const auto loss = h.find("train_loss");
  const size_t epochs = loss == h.end() ? 0 : loss->second.size();
  out->total_epochs = int64_t(epochs);
  for (size_t i = 0; i < epochs; ++i) {
    train::EpochStats e;
    e.epoch = int64_t(i + 1);
    e.train_loss = loss->second[i];
    e.train_accuracy = at(h, "train_accuracy", i);
    e.val_loss = at(h, "val_loss", i);
    e.val_accuracy = at(h, "val_accuracy", i);
    e.lr = at(h, "lr", i).value_or(0.0);
    e.seconds = at(h, "seconds", i).value_or(0.0);
    if (at(h, "lr", i)) out->lr.append(double(e.epoch), e.lr);
    out->add(e);
  }
  return out;
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
