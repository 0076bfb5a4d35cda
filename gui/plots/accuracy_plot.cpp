#include "plots/accuracy_plot.h"

namespace nw::gui {

AccuracyPlot::AccuracyPlot(QWidget* parent) : MetricPlot(parent) {
  yAxis->setLabel(tr("accuracy"));
  const EpochValue train = [](const train::EpochStats& e) { return e.train_accuracy; };
  const EpochValue val = [](const train::EpochStats& e) { return e.val_accuracy; };
  BatchLayer batch{tr("batch accuracy (smoothed)"), &RunHistory::accuracy, QColor(44, 160, 44)};
  batch.band = false;
  add_layer(batch);
  add_layer(
      EpochLayer{tr("train accuracy"), train, QColor(31, 119, 180), QCPScatterStyle::ssCircle});
  add_layer(
      EpochLayer{tr("validation accuracy"), val, QColor(214, 39, 40), QCPScatterStyle::ssSquare});
  mark_best({val, train}, true);
  set_follow_y_range(QCPRange(0.0, 1.02));
}

}  // namespace nw::gui
