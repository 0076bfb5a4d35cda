#pragma once
// The network's top-3 classes, with probabilities, for chosen samples of an evaluated split.
#include <QTableWidget>

#include "training/training_types.h"

namespace nw::gui {

class PredictionsWidget : public QTableWidget {
  Q_OBJECT

 public:
  static constexpr int kTop = 3;

  explicit PredictionsWidget(QWidget* parent = nullptr);

  void set_predictions(const SplitPredictions& predictions);
  // One row per sample index (into the split); indices out of range are skipped.
  void show_samples(const std::vector<int64_t>& indices);

 private:
  SplitPredictions predictions_;
};

}  // namespace nw::gui
