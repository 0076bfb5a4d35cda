#include "plots/metric_plot.h"

#include <algorithm>
#include <cmath>

#include "plots/plot_palette.h"
#include "training/frame_rate.h"

namespace nw::gui {

namespace {

constexpr int kMinPixels = 100;  // a plot not laid out yet still gets a sensible view

// `x` rounded up to two significant digits (3.09 -> 3.1, 41.2 -> 42): while a run grows, the
// axis moves a few times an epoch instead of on every frame, so the curves do not shift under
// the eye and each series' bucketed view carries over from frame to frame.
double step_up(double x) {
  if (x <= 0.0) return x;
  const double step = std::pow(10.0, std::floor(std::log10(x)) - 1.0);
  return std::ceil(x / step - 1e-9) * step;
}

QColor faded(QColor c, int alpha) {
  c.setAlpha(alpha);
  return c;
}

}  // namespace

MetricPlot::MetricPlot(QWidget* parent) : QCustomPlot(parent) {
  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  setAutoAddPlottableToLegend(false);
  setNoAntialiasingOnDrag(true);
  // Polylines as separate segments: the joins of a 2-px antialiased zigzag of a thousand points
  // otherwise cost tens of milliseconds per replot.
  setPlottingHint(QCP::phFastPolylines, true);
  // The legend in one row above the axes, never over the curves or the best-epoch label.
  // The widget's font, a little smaller: the same font the items are measured and drawn with.
  QFont legend_font = font();
  legend_font.setPointSizeF(legend_font.pointSizeF() * 0.85);
  legend->setFont(legend_font);
  legend->setFillOrder(QCPLegend::foColumnsFirst);
  legend->setBorderPen(Qt::NoPen);
  legend->setBrush(Qt::NoBrush);
  legend->setRowSpacing(0);
  legend->setColumnSpacing(12);
  legend->setMargins(QMargins(4, 2, 4, 0));
  legend->setLayer(QStringLiteral("legend"));
  axisRect()->insetLayout()->take(legend);  // QCustomPlot's place for it, inside the axes
  legend->setVisible(false);
  xAxis->setLabel(tr("epoch"));
  xAxis->setRange(0, 1);

  frame_.setSingleShot(true);
  frame_.setInterval(frame_interval_ms(this));
  connect(&frame_, &QTimer::timeout, this, &MetricPlot::redraw_now);
  // A pan or zoom changes what is visible: recompute the buckets for the new range.
  connect(xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] {
    if (!redrawing_) refresh();
  });
  connect(this, &QCustomPlot::mousePress, this, [this] { follow_ = false; });
  connect(this, &QCustomPlot::mouseWheel, this, [this] { follow_ = false; });
  connect(this, &QCustomPlot::mouseDoubleClick, this, &MetricPlot::reset_view);
  apply_plot_palette(this, palette());
}

void MetricPlot::changeEvent(QEvent* event) {
  QCustomPlot::changeEvent(event);
  if (event->type() != QEvent::PaletteChange) return;
  apply_plot_palette(this, palette());
  if (best_label_) best_label_->setColor(palette().color(QPalette::Text));
  replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::add_layer(const BatchLayer& layer) {
  batch_layers_.push_back(layer);
  rebuild();
}

void MetricPlot::add_layer(const EpochLayer& layer) {
  epoch_layers_.push_back(layer);
  rebuild();
}

void MetricPlot::mark_best(std::vector<EpochValue> by, bool higher_is_better) {
  best_by_ = std::move(by);
  best_is_max_ = higher_is_better;
  refresh();
}

void MetricPlot::set_runs(std::vector<std::shared_ptr<const RunHistory>> runs) {
  runs_ = std::move(runs);
  rebuild();
}

QCPGraph* MetricPlot::new_graph(QColor color, double width, bool current) {
  QCPGraph* g = addGraph();
  if (!current) color = faded(color.lighter(150), color.alpha() / 2);
  g->setPen(QPen(color, width));
  g->setAdaptiveSampling(false);  // the views are already one bucket per pixel
  return g;
}

// An empty legend in the layout would draw as a stray box and, having no width of its own, hold
// the axes below it to its width: it is in the layout only while it has entries.
void MetricPlot::place_legend(bool shown) {
  const bool placed = plotLayout()->hasElement(0, 0) && plotLayout()->element(0, 0) == legend;
  if (shown == placed) return;
  if (shown) {
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, legend);
    plotLayout()->setRowStretchFactor(0, 0.001);
  } else {
    plotLayout()->take(legend);
    plotLayout()->simplify();
  }
  legend->setVisible(shown);
  fit_legend_columns();
}

// As many columns as the widest entry allows across the plot, the rest in further rows: one
// row squeezed into a narrow plot cut its entries short ("train accura").
void MetricPlot::fit_legend_columns() {
  // itemCount() counts the grid's cells, and a wrapped grid rebuilt with fewer entries has
  // empty ones: item(i) is null there.
  int count = 0, widest = 0;
  for (int i = 0; i < legend->itemCount(); ++i) {
    if (const QCPAbstractLegendItem* item = legend->item(i)) {
      ++count;
      widest = std::max(widest, item->minimumOuterSizeHint().width());
    }
  }
  if (count == 0) return;
  const QMargins m = legend->margins();
  const int room = std::max(kMinPixels, width()) - m.left() - m.right();
  const int spacing = legend->columnSpacing();
  const int columns = std::clamp((room + spacing) / (widest + spacing), 1, count);
  if (columns == legend->wrap() && legend->columnCount() == columns) return;
  legend->setWrap(columns);
  legend->setFillOrder(QCPLegend::foColumnsFirst, true);  // rearranges the entries
}

void MetricPlot::resizeEvent(QResizeEvent* event) {
  QCustomPlot::resizeEvent(event);
  fit_legend_columns();
}

void MetricPlot::rebuild() {
  clearPlottables();  // graphs and the error bars of the bands
  clearItems();
  legend->clearItems();
  graphs_.assign(runs_.size(), {});
  best_ = nullptr;
  best_label_ = nullptr;
  for (size_t r = 0; r < runs_.size(); ++r) {
    const bool current = r + 1 == runs_.size();
    // A compared run draws in its own colour, named in the legend by its last epoch layer (the
    // validation figure); its other epoch layers are dashed.
    const QColor own = runs_[r]->color;
    const bool coloured = own.isValid();
    RunGraphs& rg = graphs_[r];
    for (const BatchLayer& l : batch_layers_) {
      const QColor color = coloured ? own : l.color;
      BatchGraphs bg;
      if (l.band) {
        bg.mean = new_graph(faded(color, 90), 1, current || coloured);
        // One vertical bar per bucket from its min to its max: it reads as a band, and costs a
        // fraction of a filled polygon between two zigzag lines.
        bg.band = new QCPErrorBars(xAxis, yAxis);
        bg.band->setDataPlottable(bg.mean);
        bg.band->setWhiskerWidth(0);
        bg.band->setSymbolGap(0);
        bg.band->setPen(QPen(faded(current ? color : color.lighter(150), current ? 45 : 25), 1));
        bg.band->setAntialiased(false);
      }
      if (l.smoothed || !l.band) {
        bg.smooth = new_graph(color, 2, current || coloured);
        bg.smooth->setName(l.name);
        if (current && !coloured) bg.smooth->addToLegend();
      }
      rg.batch.push_back(bg);
    }
    for (size_t i = 0; i < epoch_layers_.size(); ++i) {
      const EpochLayer& l = epoch_layers_[i];
      const bool last = i + 1 == epoch_layers_.size();
      QCPGraph* g = new_graph((coloured ? own : l.color).darker(120), 1.5, current || coloured);
      g->setScatterStyle(QCPScatterStyle(l.shape, current ? 7 : 5));
      if (coloured && !last) g->setPen(QPen(g->pen().color(), 1.2, Qt::DashLine));
      g->setName(coloured ? runs_[r]->name : l.name);
      if (coloured ? last : current) g->addToLegend();
      rg.epoch.push_back(g);
    }
  }
  if (!runs_.empty()) {
    best_ = addGraph();
    best_->setLineStyle(QCPGraph::lsNone);
    best_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssStar, QPen(Qt::black, 1.5), QColor(255, 200, 0), 14));
    best_label_ = new QCPItemText(this);
    best_label_->setColor(palette().color(QPalette::Text));
    best_label_->setPositionAlignment(Qt::AlignBottom | Qt::AlignHCenter);
    best_label_->setPadding(QMargins(0, 0, 0, 10));
    best_label_->setVisible(false);
  }
  place_legend(legend->itemCount() > 0);
  refresh();
}

void MetricPlot::refresh() {
  if (!on_screen(this)) {
    stale_ = true;  // drawn by showEvent
    return;
  }
  if (!frame_.isActive()) frame_.start();
}

void MetricPlot::showEvent(QShowEvent* event) {
  QCustomPlot::showEvent(event);
  if (stale_) refresh();
}

void MetricPlot::set_log_scale(bool on) {
  log_scale_ = on;
  yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (on)
    yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  else
    yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  follow_ = true;
  refresh();
}

void MetricPlot::reset_view() {
  follow_ = true;
  refresh();
}

void MetricPlot::follow_data() {
  double right = 1.0;
  for (const auto& run : runs_) {
    for (const BatchLayer& l : batch_layers_) right = std::max(right, ((*run).*l.series).last_x());
    if (!run->epochs.empty()) right = std::max(right, double(run->epochs.back().epoch));
  }
  // A little room on the right: the last epoch's markers and the best-epoch star sit there.
  xAxis->setRange(0.0, step_up(right * 1.03));
}

void MetricPlot::draw_run(const RunHistory& run, RunGraphs& graphs, int pixels) {
  const QCPRange range = xAxis->range();
  for (size_t i = 0; i < batch_layers_.size(); ++i) {
    const BatchLayer& l = batch_layers_[i];
    const BatchGraphs& g = graphs.batch[i];
    const MetricSeries::View v = (run.*l.series).view(range.lower, range.upper, pixels);
    if (g.mean) {
      g.mean->setData(v.x, v.mean, true);
      QVector<double> below(v.mean.size()), above(v.mean.size());
      for (qsizetype k = 0; k < v.mean.size(); ++k) {
        below[k] = v.mean[k] - v.low[k];
        above[k] = v.high[k] - v.mean[k];
      }
      g.band->setData(below, above);
    }
    if (g.smooth) {
      if (l.smoothed)
        g.smooth->setData(v.smooth_x, v.smooth_y, true);
      else
        g.smooth->setData(v.x, v.mean, true);
    }
  }
  for (size_t i = 0; i < epoch_layers_.size(); ++i) {
    QVector<double> x, y;
    for (const auto& e : run.epochs)
      if (const auto value = epoch_layers_[i].value(e)) {
        x.push_back(double(e.epoch));
        y.push_back(*value);
      }
    graphs.epoch[i]->setData(x, y, true);
  }
}

void MetricPlot::draw_best(const RunHistory& run) {
  if (!best_) return;
  best_->data()->clear();
  best_label_->setVisible(false);
  for (const EpochValue& by : best_by_) {
    const auto i = best_epoch(run.epochs, by, best_is_max_);
    if (!i) continue;
    const auto& e = run.epochs[*i];
    const double value = *by(e);
    best_->addData(double(e.epoch), value);
    best_label_->position->setCoords(double(e.epoch), value);
    // Towards the side with room, so a best at the last epoch is not cut off at the edge.
    // and below a star in the upper half, so one near the top is not cut off either.
    const bool right_half = double(e.epoch) > xAxis->range().center();
    const bool upper_half = value > yAxis->range().center();
    best_label_->setPositionAlignment((upper_half ? Qt::AlignTop : Qt::AlignBottom) |
                                      (right_half ? Qt::AlignRight : Qt::AlignLeft));
    best_label_->setPadding(upper_half ? QMargins(0, 10, 0, 0) : QMargins(0, 0, 0, 10));
    best_label_->setText(tr("best %1").arg(value, 0, 'g', 4));
    best_label_->setVisible(true);
    return;
  }
}

// QCPAxis::rescale keeps the old span when the data has none (a constant learning rate), and the
// margin on top of it then grows the span on every frame; so the span is computed here.
void MetricPlot::fit_values() {
  const QCP::SignDomain domain = log_scale_ ? QCP::sdPositive : QCP::sdBoth;
  bool any = false;
  QCPRange fit;
  for (int i = 0; i < plottableCount(); ++i) {
    QCPAbstractPlottable* p = plottable(i);
    if (!p->visible()) continue;
    bool found = false;
    const QCPRange r = p->getValueRange(found, domain);
    if (!found) continue;
    if (any) {
      fit.expand(r);
    } else {
      fit = r;
      any = true;
    }
  }
  if (!any) return;
  const double center = fit.center();
  const double floor = std::max(std::abs(center) * 0.05, 1e-12);
  if (fit.size() < floor) {
    fit = log_scale_ ? QCPRange(center / 1.5, center * 1.5)
                     : QCPRange(center - floor, center + floor);
    yAxis->setRange(fit);
    return;
  }
  yAxis->setRange(fit);
  if (log_scale_)
    yAxis->scaleRange(1.1, std::sqrt(fit.lower * fit.upper));
  else
    yAxis->scaleRange(1.08, center);
}

void MetricPlot::redraw_now() {
  frame_.stop();
  stale_ = false;
  redrawing_ = true;
  if (follow_) follow_data();
  const int pixels = std::max(axisRect()->width(), kMinPixels);
  for (size_t r = 0; r < runs_.size(); ++r) draw_run(*runs_[r], graphs_[r], pixels);
  if (follow_) {
    if (follow_y_ && !log_scale_) {
      yAxis->setRange(*follow_y_);
    } else {
      fit_values();
    }
  }
  if (!runs_.empty()) draw_best(*runs_.back());  // places its label by the final ranges
  replot(QCustomPlot::rpQueuedReplot);
  redrawing_ = false;
  ++redraws_;
}

bool MetricPlot::export_png(const QString& path, int width, int height) {
  redraw_now();
  return savePng(path, width, height);
}

bool MetricPlot::export_pdf(const QString& path, int width, int height) {
  redraw_now();
  return savePdf(path, width, height);
}

}  // namespace nw::gui
