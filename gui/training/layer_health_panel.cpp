#include "training/layer_health_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include "plots/plot_palette.h"
#include "train/health_warnings.h"
#include "train/trainer.h"
#include "training/health_history.h"

namespace nw::gui {

namespace {

constexpr int kValueCells = 64;  // the histogram map's rows

QString number(const std::optional<double>& v) {
  return v ? QString::fromStdString(train::health_number(*v)) : QStringLiteral("-");
}

QString percent(const std::optional<double>& v) {
  return v ? QString::number(*v * 100.0, 'f', 1) : QStringLiteral("-");
}

// Why a cell is out of range (its tooltip), or empty: the warning rules' thresholds.
QString grad_problem(const std::optional<double>& g) {
  if (!g) return {};
  if (!std::isfinite(*g) || *g > train::kExplodingGradient)
    return QObject::tr("exploding: above %1").arg(train::kExplodingGradient);
  if (*g < train::kVanishingGradient)
    return QObject::tr("vanishing: below %1").arg(train::kVanishingGradient);
  return {};
}

QString ratio_problem(const std::optional<double>& r) {
  if (!r) return {};
  if (!(*r >= train::kUpdateRatioLow && *r <= train::kUpdateRatioHigh))
    return QObject::tr("outside [%1, %2]").arg(train::kUpdateRatioLow).arg(train::kUpdateRatioHigh);
  return {};
}

QString dead_problem(const std::optional<double>& d) {
  if (d && *d > train::kDeadFraction)
    return QObject::tr("more than %1% dead").arg(train::kDeadFraction * 100);
  return {};
}

}  // namespace

LayerHealthPanel::LayerHealthPanel(HealthHistory* history, QWidget* parent)
    : QWidget(parent), history_(history) {
  setObjectName("layerHealthPanel");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  empty_ = new QLabel(tr("Layer health appears here while a network trains: every %1 batches, "
                         "each layer's activations, gradient norm and update ratio.")
                          .arg(train::kHealthEvery));
  empty_->setWordWrap(true);
  layout->addWidget(empty_);

  auto* split = new QSplitter(Qt::Horizontal);
  table_ = new QTableWidget(0, Columns);
  table_->setObjectName("layerHealthTable");
  table_->setHorizontalHeaderLabels({tr("Layer"), tr("Act mean"), tr("Act std"), tr("Zeros %"),
                                     tr("Dead %"), tr("Grad norm"), tr("Update ratio")});
  table_->verticalHeader()->setVisible(false);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  split->addWidget(table_);

  auto* plots = new QWidget;
  auto* plots_layout = new QVBoxLayout(plots);
  plots_layout->setContentsMargins(0, 0, 0, 0);
  histograms_ = new QCustomPlot;
  histograms_->setObjectName("layerHealthHistograms");
  map_ = new QCPColorMap(histograms_->xAxis, histograms_->yAxis);
  map_->setInterpolate(false);
  map_->setGradient(QCPColorGradient::gpThermal);
  histograms_->xAxis->setLabel(tr("step"));
  histograms_->yAxis->setLabel(tr("activation"));
  grads_ = new QCustomPlot;
  grads_->setObjectName("layerHealthGradNorm");
  grad_graph_ = grads_->addGraph();
  grad_graph_->setPen(QPen(QColor(31, 119, 180), 1.6));
  grad_graph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
  grads_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  grads_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  grads_->xAxis->setLabel(tr("step"));
  grads_->yAxis->setLabel(tr("grad norm"));
  for (QCustomPlot* p : {histograms_, grads_}) {
    p->setMinimumHeight(110);
    apply_plot_palette(p, palette());
  }
  plots_layout->addWidget(histograms_, 3);
  plots_layout->addWidget(grads_, 2);
  split->addWidget(plots);
  // The table needs little width; the plots take the rest, which a bottom dock has plenty of.
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  split->setSizes({440, 660});
  layout->addWidget(split, 1);

  connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) {
    if (row < 0 || !table_->item(row, Layer)) return;
    selected_ = table_->item(row, Layer)->text();
    draw_selected();
  });
  connect(history_, &HealthHistory::changed, this, &LayerHealthPanel::refresh);
  refresh();
}

void LayerHealthPanel::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() != QEvent::PaletteChange) return;
  for (QCustomPlot* p : {histograms_, grads_}) {
    apply_plot_palette(p, palette());
    p->replot(QCustomPlot::rpQueuedReplot);
  }
}

void LayerHealthPanel::select_layer(const QString& layer) {
  const auto found = table_->findItems(layer, Qt::MatchExactly);
  for (QTableWidgetItem* item : found)
    if (item->column() == Layer) table_->setCurrentCell(item->row(), Layer);
}

void LayerHealthPanel::refresh() {
  empty_->setVisible(history_->empty());
  fill_table();
  if (selected_.isEmpty() || !history_->layers().contains(selected_))
    selected_ = history_->layers().value(0);
  {
    const QSignalBlocker block(table_);
    select_layer(selected_);
  }
  draw_selected();
}

void LayerHealthPanel::fill_table() {
  const auto& layers = history_->latest().layers;
  table_->setRowCount(int(layers.size()));
  const QColor bad(220, 60, 50, 110), warn(240, 170, 40, 110);
  for (int r = 0; r < int(layers.size()); ++r) {
    const train::LayerHealthStats& l = layers[size_t(r)];
    auto set = [&](int column, const QString& text, const QString& problem = {},
                   const QColor& color = {}) {
      auto* item = new QTableWidgetItem(text);
      if (column != Layer) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      if (!problem.isEmpty()) {
        item->setBackground(color);
        item->setToolTip(problem);
      }
      table_->setItem(r, column, item);
    };
    set(Layer, QString::fromStdString(l.layer));
    table_->item(r, Layer)->setToolTip(
        QString::fromStdString(l.type + (l.activation.empty() ? "" : ", then " + l.activation)));
    set(ActMean, number(l.act_mean));
    set(ActStd, number(l.act_std));
    set(Zeros, percent(l.zero_fraction));
    set(Dead, percent(l.dead_fraction), dead_problem(l.dead_fraction), bad);
    set(GradNorm, number(l.grad_norm), grad_problem(l.grad_norm), bad);
    set(UpdateRatio, number(l.update_ratio), ratio_problem(l.update_ratio), warn);
  }
}

void LayerHealthPanel::draw_selected() {
  const std::vector<HealthHistory::Point>& points = history_->points(selected_);
  histograms_->xAxis->setLabel(selected_.isEmpty() ? tr("step") : tr("step (%1)").arg(selected_));
  // The histograms' common value range: each sample's bins land in the cells they cover.
  double lo = 0, hi = 0;
  bool any = false;
  for (const auto& p : points) {
    if (p.stats.histogram.empty() || !(p.stats.hist_hi >= p.stats.hist_lo)) continue;
    lo = any ? std::min(lo, p.stats.hist_lo) : p.stats.hist_lo;
    hi = any ? std::max(hi, p.stats.hist_hi) : p.stats.hist_hi;
    any = true;
  }
  if (hi <= lo) hi = lo + 1.0;
  const int columns = std::max(1, int(points.size()));
  map_->data()->setSize(columns, kValueCells);
  const double first = points.empty() ? 0.0 : double(points.front().step);
  const double last = points.empty() ? 1.0 : double(points.back().step);
  map_->data()->setRange(QCPRange(first, std::max(last, first + 1.0)), QCPRange(lo, hi));
  map_->data()->fill(0.0);
  for (int c = 0; c < int(points.size()); ++c) {
    const train::LayerHealthStats& s = points[size_t(c)].stats;
    int64_t total = 0;
    for (int64_t n : s.histogram) total += n;
    if (total == 0) continue;
    const double width = (s.hist_hi - s.hist_lo) / double(s.histogram.size());
    for (size_t b = 0; b < s.histogram.size(); ++b) {
      const double centre = s.hist_lo + (double(b) + 0.5) * width;
      const int cell = std::clamp(int((centre - lo) / (hi - lo) * kValueCells), 0, kValueCells - 1);
      map_->data()->setCell(c, cell,
                            map_->data()->cell(c, cell) + double(s.histogram[b]) / double(total));
    }
  }
  map_->rescaleDataRange(true);
  histograms_->rescaleAxes();
  histograms_->replot(QCustomPlot::rpQueuedReplot);

  QVector<double> steps, norms;
  for (const auto& p : points)
    if (p.stats.grad_norm && std::isfinite(*p.stats.grad_norm) && *p.stats.grad_norm > 0) {
      steps << double(p.step);
      norms << *p.stats.grad_norm;
    }
  grad_graph_->setData(steps, norms, true);
  grads_->rescaleAxes();
  if (steps.size() == 1) grads_->xAxis->setRange(steps[0] - 1, steps[0] + 1);
  if (!norms.isEmpty()) {
    const auto [mn, mx] = std::minmax_element(norms.begin(), norms.end());
    grads_->yAxis->setRange(*mn / 2, *mx * 2);
  }
  grads_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace nw::gui
