#pragma once
// The layer health samples of the run shown (train/health_sample.h), kept per layer for the
// Layer Health dock's table and histograms and the editor's node sparklines. Fed from
// TrainingController::healthSampled or ClusterRun::healthSampled; cleared when a run starts.
//
//   HealthHistory history;
//   connect(&training, &TrainingController::healthSampled, &history, &HealthHistory::add);
//   QVector<double> norms = history.series("fc1", HealthHistory::Metric::GradNorm);
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "train/health_sample.h"

namespace nw::gui {

class HealthHistory : public QObject {
  Q_OBJECT

 public:
  // Beyond this many samples a layer keeps every other one of its older half.
  static constexpr int kMaxSamples = 400;
  enum class Metric { ActMean, ActStd, ZeroFraction, DeadFraction, GradNorm, UpdateRatio };

  struct Point {
    int64_t step = 0;
    train::LayerHealthStats stats;
  };

  explicit HealthHistory(QObject* parent = nullptr) : QObject(parent) {}

  void add(const nw::train::HealthSample& sample);
  void clear();

  bool empty() const { return latest_.layers.empty(); }
  const train::HealthSample& latest() const { return latest_; }  // the last sample
  QStringList layers() const;                                    // the latest sample's, in order
  const std::vector<Point>& points(const QString& layer) const;  // oldest first
  // The metric's values over the samples; a sample that lacks it is left out.
  QVector<double> series(const QString& layer, Metric metric) const;
  // The layer whose history stands for editor node `node` (`prefix`: the block uses open in the
  // editor, "layer1.0."): the node's own, else, for a block use, its first layer that has one.
  QString layer_for_node(const QString& node, const QString& prefix = {}) const;

  static std::optional<double> value(const train::LayerHealthStats& s, Metric metric);

 signals:
  void changed();

 private:
  train::HealthSample latest_;
  std::map<QString, std::vector<Point>> points_;
};

}  // namespace nw::gui
