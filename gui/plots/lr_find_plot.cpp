#include "plots/lr_find_plot.h"

#include <algorithm>
#include <cmath>

#include "plots/plot_palette.h"

namespace nw::gui {

namespace {

const QColor kLoss(31, 119, 180);
const QColor kSteepest(214, 39, 40);
const QColor kMinimum(44, 160, 44);

QString rate_text(double lr) {
  return QString::number(lr, 'e', 1);
}

}  // namespace

LrFindPlot::LrFindPlot(QWidget* parent) : QCustomPlot(parent) {
  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  xAxis->setLabel(tr("learning rate"));
  yAxis->setLabel(tr("loss"));
  xAxis->setScaleType(QCPAxis::stLogarithmic);
  auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
  ticker->setLogBase(10);
  xAxis->setTicker(ticker);
  xAxis->setNumberFormat("eb");
  xAxis->setNumberPrecision(0);
  raw_ = addGraph();
  QColor faint = kLoss;
  faint.setAlpha(70);
  raw_->setLineStyle(QCPGraph::lsNone);
  raw_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, faint, 3));
  raw_->setName(tr("batch loss"));
  smoothed_ = addGraph();
  smoothed_->setPen(QPen(kLoss, 2));
  smoothed_->setName(tr("smoothed"));
  suggested_ = addGraph();
  suggested_->setLineStyle(QCPGraph::lsNone);
  suggested_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssStar, QPen(Qt::black, 1.5), QColor(255, 200, 0), 16));
  suggested_->setName(tr("suggested"));
  steepest_ = make_mark(kSteepest);
  minimum_ = make_mark(kMinimum);
  legend->setVisible(true);
  legend->setBrush(Qt::NoBrush);
  legend->setBorderPen(Qt::NoPen);
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  apply_plot_palette(this, palette());
  xAxis->setRange(1e-7, 10);
}

LrFindPlot::Mark LrFindPlot::make_mark(const QColor& color) {
  Mark m;
  m.line = new QCPItemStraightLine(this);
  m.line->setPen(QPen(color, 1.5, Qt::DashLine));
  m.line->setVisible(false);
  m.label = new QCPItemText(this);
  m.label->setColor(color);
  m.label->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
  m.label->setPadding(QMargins(4, 2, 4, 2));
  m.label->position->setTypeX(QCPItemPosition::ptPlotCoords);
  m.label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  m.label->setVisible(false);
  return m;
}

void LrFindPlot::changeEvent(QEvent* event) {
  QCustomPlot::changeEvent(event);
  if (event->type() != QEvent::PaletteChange) return;
  apply_plot_palette(this, palette());
  replot(QCustomPlot::rpQueuedReplot);
}

void LrFindPlot::clear_points() {
  raw_->data()->clear();
  smoothed_->data()->clear();
  suggested_->data()->clear();
  for (Mark* m : {&steepest_, &minimum_}) m->line->setVisible(false), m->label->setVisible(false);
  replot(QCustomPlot::rpQueuedReplot);
}

void LrFindPlot::append(const QVector<train::LrPoint>& points) {
  for (const train::LrPoint& p : points) {
    raw_->addData(p.lr, p.loss);
    smoothed_->addData(p.lr, p.smoothed);
  }
  fit();
  replot(QCustomPlot::rpQueuedReplot);
}

void LrFindPlot::place(Mark& mark, std::optional<double> lr, const QString& text, double height) {
  mark.line->setVisible(bool(lr));
  mark.label->setVisible(bool(lr));
  if (!lr) return;
  mark.line->point1->setCoords(*lr, 0);
  mark.line->point2->setCoords(*lr, 1);
  mark.label->position->setCoords(*lr, height);
  mark.label->setText(text);
}

void LrFindPlot::set_result(const train::LrFindResult& r) {
  raw_->data()->clear();
  smoothed_->data()->clear();
  suggested_->data()->clear();
  append(QVector<train::LrPoint>(r.points.begin(), r.points.end()));
  const train::LrSuggestions& s = r.suggestions;
  place(steepest_, s.steepest_lr, tr("steepest %1").arg(rate_text(s.steepest_lr.value_or(0))),
        0.04);
  place(minimum_, s.minimum_tenth_lr,
        tr("minimum/10 %1").arg(rate_text(s.minimum_tenth_lr.value_or(0))), 0.12);
  if (s.suggested) {
    // The star sits on the smoothed curve at the suggested rate (interpolated in log lr).
    const double x = std::log(*s.suggested);
    double y = r.points.front().smoothed;
    for (size_t i = 1; i < r.points.size(); ++i) {
      const double x0 = std::log(r.points[i - 1].lr), x1 = std::log(r.points[i].lr);
      if (x > x1) continue;
      const double t = x1 > x0 ? std::clamp((x - x0) / (x1 - x0), 0.0, 1.0) : 0.0;
      y = r.points[i - 1].smoothed + t * (r.points[i].smoothed - r.points[i - 1].smoothed);
      break;
    }
    suggested_->addData(*s.suggested, y);
  }
  replot(QCustomPlot::rpQueuedReplot);
}

void LrFindPlot::fit() {
  bool found = false;
  const QCPRange x = smoothed_->getKeyRange(found);
  if (!found) return;
  xAxis->setRange(x.lower / 1.5, x.upper * 1.5);
  // The loss axis from below the smoothed minimum to a little above the start: the diverged
  // tail's batch losses would otherwise squash the part of the curve that matters.
  double lo = INFINITY, first = 0;
  for (auto it = smoothed_->data()->constBegin(); it != smoothed_->data()->constEnd(); ++it) {
    if (it == smoothed_->data()->constBegin()) first = it->value;
    lo = std::min(lo, it->value);
  }
  const double hi = std::max(first, lo) * 1.25;
  const double margin = std::max(1e-6, (hi - lo) * 0.08);
  yAxis->setRange(lo - margin, hi + margin);
}

double LrFindPlot::steepest_mark() const {
  return steepest_.line->visible() ? steepest_.line->point1->coords().x() : 0.0;
}

double LrFindPlot::minimum_mark() const {
  return minimum_.line->visible() ? minimum_.line->point1->coords().x() : 0.0;
}

}  // namespace nw::gui
