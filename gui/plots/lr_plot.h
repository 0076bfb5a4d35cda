#pragma once
// The learning rate of every batch, as the scheduler set it.
#include "plots/metric_plot.h"

namespace nw::gui {

class LrPlot : public MetricPlot {
  Q_OBJECT

 public:
  explicit LrPlot(QWidget* parent = nullptr);
};

}  // namespace nw::gui
