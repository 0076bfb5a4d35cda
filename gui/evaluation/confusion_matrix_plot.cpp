#include "evaluation/confusion_matrix_plot.h"

#include <algorithm>
#include <cmath>

#include "plots/plot_palette.h"

namespace nw::gui {

namespace {

QSharedPointer<QCPAxisTickerText> class_ticker(const std::vector<std::string>& names, int n) {
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (int i = 0; i < n; ++i)
    ticker->addTick(i, size_t(i) < names.size() ? QString::fromStdString(names[size_t(i)])
                                                : QString::number(i));
  return ticker;
}

}  // namespace

ConfusionMatrixPlot::ConfusionMatrixPlot(QWidget* parent) : QCustomPlot(parent) {
  map_ = new QCPColorMap(xAxis, yAxis);
  map_->setInterpolate(false);
  QCPColorGradient gradient;
  gradient.setColorStopAt(0.0, QColor(247, 251, 255));
  gradient.setColorStopAt(0.5, QColor(107, 174, 214));
  gradient.setColorStopAt(1.0, QColor(8, 48, 107));
  map_->setGradient(gradient);
  xAxis->setLabel(tr("predicted"));
  yAxis->setLabel(tr("true"));
  yAxis->setRangeReversed(true);  // class 0 at the top, as printed matrices read
  for (QCPAxis* axis : {xAxis, yAxis}) {
    axis->setSubTicks(false);
    axis->grid()->setVisible(false);
  }
  xAxis->setTickLabelRotation(45);
  // Room for the last slanted class name: labels that would cross the widget's edge are dropped.
  axisRect()->setMinimumMargins(QMargins(0, 8, 56, 0));
  selection_ = new QCPItemRect(this);
  selection_->setPen(QPen(QColor(255, 127, 14), 3));
  selection_->setVisible(false);
  connect(this, &QCustomPlot::mousePress, this, &ConfusionMatrixPlot::on_press);
  apply_plot_palette(this, palette());
}

void ConfusionMatrixPlot::changeEvent(QEvent* event) {
  QCustomPlot::changeEvent(event);
  if (event->type() != QEvent::PaletteChange) return;
  apply_plot_palette(this, palette());
  for (QCPAxis* axis : {xAxis, yAxis}) axis->grid()->setVisible(false);
  replot(QCustomPlot::rpQueuedReplot);
}

void ConfusionMatrixPlot::set_matrix(const std::vector<std::vector<int64_t>>& counts,
                                     const std::vector<std::string>& names) {
  counts_ = counts;
  classes_ = int(counts.size());
  for (QCPItemText* t : texts_) removeItem(t);
  texts_.clear();
  selection_->setVisible(false);
  const int n = std::max(classes_, 1);
  map_->data()->setSize(n, n);
  map_->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
  int64_t largest = 1;
  for (const auto& row : counts)
    for (int64_t c : row) largest = std::max(largest, c);
  const bool labelled = classes_ <= kMaxLabelledClasses;
  for (int t = 0; t < classes_; ++t)
    for (int p = 0; p < classes_; ++p) {
      const int64_t c = count(t, p);
      map_->data()->setCell(p, t, double(c));
      if (!labelled) continue;
      auto* text = new QCPItemText(this);
      text->position->setCoords(p, t);
      text->setText(QString::number(c));
      text->setColor(double(c) / double(largest) > 0.5 ? Qt::white : Qt::black);
      texts_.push_back(text);
    }
  map_->setDataRange(QCPRange(0, double(largest)));
  xAxis->setTicker(class_ticker(names, classes_));
  yAxis->setTicker(class_ticker(names, classes_));
  xAxis->setRange(-0.5, n - 0.5);
  yAxis->setRange(-0.5, n - 0.5);
  replot(QCustomPlot::rpQueuedReplot);
}

int64_t ConfusionMatrixPlot::count(int t, int p) const {
  if (t < 0 || p < 0 || t >= classes_ || size_t(p) >= counts_[size_t(t)].size()) return 0;
  return counts_[size_t(t)][size_t(p)];
}

QString ConfusionMatrixPlot::cell_text(int t, int p) const {
  const size_t i = size_t(t) * size_t(classes_) + size_t(p);
  return t >= 0 && p >= 0 && t < classes_ && p < classes_ && i < texts_.size() ? texts_[i]->text()
                                                                               : QString();
}

QPoint ConfusionMatrixPlot::cell_center(int t, int p) const {
  return QPoint(int(std::lround(xAxis->coordToPixel(p))), int(std::lround(yAxis->coordToPixel(t))));
}

void ConfusionMatrixPlot::select_cell(int t, int p) {
  selection_->topLeft->setCoords(p - 0.5, t - 0.5);
  selection_->bottomRight->setCoords(p + 0.5, t + 0.5);
  selection_->setVisible(true);
  replot(QCustomPlot::rpQueuedReplot);
}

void ConfusionMatrixPlot::on_press(QMouseEvent* event) {
  const QPointF pos = event->position();
  const int p = int(std::lround(xAxis->pixelToCoord(pos.x())));
  const int t = int(std::lround(yAxis->pixelToCoord(pos.y())));
  if (t < 0 || p < 0 || t >= classes_ || p >= classes_) return;
  select_cell(t, p);
  emit cellClicked(t, p);
}

}  // namespace nw::gui
