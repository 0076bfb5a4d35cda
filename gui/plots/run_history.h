#pragma once
// Everything the plots show of one run: every batch's loss, accuracy and learning rate, and the
// per-epoch summaries. The dashboard keeps a list of them: the current run and earlier ones to
// compare against.
#include <QColor>
#include <QString>
#include <QVector>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plots/metric_series.h"
#include "train/trainer.h"
#include "training/training_types.h"

namespace nw::gui {

struct RunHistory {
  QString name;
  int64_t total_epochs = 0;
  MetricSeries loss, accuracy, lr;
  std::vector<train::EpochStats> epochs;
  // Set when the run is one of several compared (the Runs dock's checked runs): its curves keep
  // this colour and carry its name in the legend, instead of the lighter overlay colour.
  QColor color;

  void add(const QVector<BatchPoint>& points);
  void add(const train::EpochStats& stats);
  void set_smoothing(double weight);  // loss and accuracy
};

// A run read back from disk (train/run_index.h: read_run_history) as the dashboard keeps a live
// one: its per-epoch figures (the batches are not stored), with the learning rate at each
// epoch's end.
std::shared_ptr<RunHistory> saved_run_history(
    const QString& name, const std::map<std::string, std::vector<double>>& history);

using EpochValue = std::function<std::optional<double>(const train::EpochStats&)>;

// The index into `epochs` of the best value of `value` (smallest, or largest when
// `higher_is_better`), or nothing when no epoch has one.
std::optional<size_t> best_epoch(const std::vector<train::EpochStats>& epochs,
                                 const EpochValue& value, bool higher_is_better);

}  // namespace nw::gui
