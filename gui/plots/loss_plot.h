#pragma once
// Loss over a run: every batch (a faint min/max band and mean), the smoothed line, the train and
// validation loss of each epoch, and the best epoch starred.
#include "plots/metric_plot.h"

namespace nw::gui {

class LossPlot : public MetricPlot {
  Q_OBJECT

 public:
  explicit LossPlot(QWidget* parent = nullptr);
};

}  // namespace nw::gui
