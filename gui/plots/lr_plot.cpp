#include "plots/lr_plot.h"

namespace nw::gui {

LrPlot::LrPlot(QWidget* parent) : MetricPlot(parent) {
  yAxis->setLabel(tr("learning rate"));
  BatchLayer lr{tr("learning rate"), &RunHistory::lr, QColor(148, 103, 189)};
  lr.band = false;
  lr.smoothed = false;
  add_layer(lr);
}

}  // namespace nw::gui
