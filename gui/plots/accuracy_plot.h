#pragma once
// Accuracy over a run: the smoothed batch accuracy, and the train and validation accuracy of
// each epoch, with the best epoch starred. The y axis follows 0 to 1.
#include "plots/metric_plot.h"

namespace nw::gui {

class AccuracyPlot : public MetricPlot {
  Q_OBJECT

 public:
  explicit AccuracyPlot(QWidget* parent = nullptr);
};

}  // namespace nw::gui
