#pragma once
// The samples of one confusion-matrix cell, most confident first, with a thumbnail when the
// samples are images: "#1234  true: cat → predicted: dog  (93.1%)".
#include <QListWidget>

#include "training/training_types.h"

namespace nw::gui {

class MisclassifiedList : public QListWidget {
  Q_OBJECT

 public:
  static constexpr int kMaxShown = 500;  // thumbnails are made on the GUI thread

  explicit MisclassifiedList(QWidget* parent = nullptr);

  void set_predictions(const SplitPredictions& predictions);
  // Lists the samples with this target and prediction; returns how many there are in all.
  int show_cell(int true_class, int predicted);
  // The dataset indices listed, in order.
  std::vector<int64_t> shown_indices() const;

 private:
  SplitPredictions predictions_;
};

// The samples of a cell sorted by confidence, highest first.
std::vector<SamplePrediction> cell_samples(const SplitPredictions& predictions, int true_class,
                                           int predicted);

}  // namespace nw::gui
