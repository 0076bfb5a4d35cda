#include "plots/loss_plot.h"

namespace nw::gui {

LossPlot::LossPlot(QWidget* parent) : MetricPlot(parent) {
  yAxis->setLabel(tr("loss"));
  const EpochValue train = [](const train::EpochStats& e) { return std::optional(e.train_loss); };
  const EpochValue val = [](const train::EpochStats& e) { return e.val_loss; };
  add_layer(BatchLayer{tr("batch loss (smoothed)"), &RunHistory::loss, QColor(31, 119, 180)});
  add_layer(EpochLayer{tr("train loss"), train, QColor(31, 119, 180), QCPScatterStyle::ssCircle});
  add_layer(EpochLayer{tr("validation loss"), val, QColor(214, 39, 40), QCPScatterStyle::ssSquare});
  mark_best({val, train}, false);
}

}  // namespace nw::gui
