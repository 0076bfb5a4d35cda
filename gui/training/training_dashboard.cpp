#include "training/training_dashboard.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include "plots/accuracy_plot.h"
#include "plots/loss_plot.h"
#include "plots/lr_plot.h"
#include "training/cluster_run.h"
#include "training/frame_rate.h"
#include "training/training_header.h"

namespace nw::gui {

TrainingDashboard::TrainingDashboard(TrainingController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller) {
  header_ = new TrainingHeader;
  loss_ = new LossPlot;
  accuracy_ = new AccuracyPlot;
  lr_ = new LrPlot;
  loss_->setObjectName("lossPlot");
  accuracy_->setObjectName("accuracyPlot");
  lr_->setObjectName("lrPlot");
  for (QWidget* plot :
       {static_cast<QWidget*>(loss_), static_cast<QWidget*>(accuracy_), static_cast<QWidget*>(lr_)})
    plot->setMinimumSize(220, 140);  // readable axes, and room for the editor at 1.5x

  auto* plots = new QGridLayout;
  plots->addWidget(loss_, 0, 0, 1, 2);
  plots->addWidget(accuracy_, 1, 0);
  plots->addWidget(lr_, 1, 1);
  plots->setRowStretch(0, 3);
  plots->setRowStretch(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(header_);
  layout->addWidget(make_toolbar());
  layout->addLayout(plots, 1);

  connect(controller, &TrainingController::runStarted, this,
          [this](const QString& name) { begin_run(name, controller_->total_epochs()); });
  connect(controller, &TrainingController::batchesArrived, this, &TrainingDashboard::add_batches);
  connect(controller, &TrainingController::epochEnded, this, &TrainingDashboard::add_epoch);
  connect(controller, &TrainingController::stateChanged, header_, &TrainingHeader::show_state);
  connect(controller, &TrainingController::runFinished, header_, &TrainingHeader::show_finished);
}

QWidget* TrainingDashboard::make_toolbar() {
  auto* bar = new QWidget;
  auto* row = new QHBoxLayout(bar);
  row->setContentsMargins(4, 0, 4, 0);
  log_scale_ = new QCheckBox(tr("Log scale"));
  log_scale_->setObjectName("logScale");
  log_scale_->setToolTip(tr("Logarithmic loss axis"));
  connect(log_scale_, &QCheckBox::toggled, loss_, &MetricPlot::set_log_scale);
  smoothing_ = new QSlider(Qt::Horizontal);
  smoothing_->setObjectName("smoothing");
  smoothing_->setRange(0, 99);
  smoothing_->setValue(int(smoothing_weight_ * 100));
  smoothing_->setMaximumWidth(160);
  smoothing_->setToolTip(tr("Smoothing of the batch lines (exponential moving average)"));
  connect(smoothing_, &QSlider::valueChanged, this, [this](int v) { set_smoothing(v / 100.0); });
  auto* reset = new QPushButton(tr("Reset view"));
  connect(reset, &QPushButton::clicked, this, [this] {
    for (MetricPlot* p : {static_cast<MetricPlot*>(loss_), static_cast<MetricPlot*>(accuracy_),
                          static_cast<MetricPlot*>(lr_)})
      p->reset_view();
  });
  auto* clear = new QPushButton(tr("Clear earlier runs"));
  connect(clear, &QPushButton::clicked, this, &TrainingDashboard::clear_overlays);
  row->addWidget(log_scale_);
  row->addWidget(new QLabel(tr("Smoothing")));
  row->addWidget(smoothing_);
  row->addStretch(1);
  row->addWidget(reset);
  row->addWidget(clear);
  return bar;
}

void TrainingDashboard::follow(ClusterRun* run) {
  connect(run, &ClusterRun::runStarted, this,
          [this, run](const QString& name) { begin_run(name, run->total_epochs()); });
  connect(run, &ClusterRun::batchesArrived, this, &TrainingDashboard::add_batches);
  connect(run, &ClusterRun::epochEnded, this, &TrainingDashboard::add_epoch);
  connect(run, &ClusterRun::stateChanged, header_, &TrainingHeader::show_state);
  connect(run, &ClusterRun::runFinished, header_, &TrainingHeader::show_finished);
}

void TrainingDashboard::begin_run(const QString& name, int64_t total_epochs) {
  // A run that never produced a batch is not worth keeping as an overlay (a run read from disk
  // has epochs only).
  if (!runs_.empty() && runs_.back()->loss.empty() && runs_.back()->epochs.empty())
    runs_.pop_back();
  auto run = std::make_shared<RunHistory>();
  run->name = name;
  run->total_epochs = total_epochs;
  run->set_smoothing(smoothing_weight_);
  runs_.push_back(run);
  while (int(runs_.size()) > max_overlays_ + 1) runs_.erase(runs_.begin());
  header_->start(run->total_epochs);
  show_runs();
}

void TrainingDashboard::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  controller_->set_frame_interval(frame_interval_ms(this));
  loss_->refresh();
  accuracy_->refresh();
  lr_->refresh();
}

void TrainingDashboard::add_batches(const QVector<BatchPoint>& points) {
  controller_->set_frame_interval(on_screen(this) ? frame_interval_ms(this) : kHiddenIntervalMs);
  if (runs_.empty() || points.isEmpty()) return;
  runs_.back()->add(points);
  header_->show_batch(points.back());
  // Only the plots whose data grew: a regression run has no batch accuracy.
  loss_->refresh();
  if (points.back().has_accuracy) accuracy_->refresh();
  lr_->refresh();
}

void TrainingDashboard::add_epoch(const train::EpochStats& stats) {
  if (runs_.empty()) return;
  runs_.back()->add(stats);
  header_->show_epoch(stats);
  loss_->refresh();
  accuracy_->refresh();
}

void TrainingDashboard::show_runs() {
  const std::vector<std::shared_ptr<const RunHistory>> runs(runs_.begin(), runs_.end());
  loss_->set_runs(runs);
  accuracy_->set_runs(runs);
  lr_->set_runs(runs);
}

void TrainingDashboard::clear_overlays() {
  if (runs_.size() > 1) runs_.erase(runs_.begin(), runs_.end() - 1);
  show_runs();
}

void TrainingDashboard::show_saved_runs(std::vector<std::shared_ptr<RunHistory>> runs) {
  runs_ = std::move(runs);
  if (int(runs_.size()) > max_overlays_ + 1)
    runs_.erase(runs_.begin(), runs_.end() - (max_overlays_ + 1));
  for (const auto& run : runs_) run->set_smoothing(smoothing_weight_);
  header_->show_saved(runs_.empty() ? tr("no runs yet")
                                    : tr("run %1, from disk").arg(runs_.back()->name));
  if (!runs_.empty())
    for (const auto& e : runs_.back()->epochs) header_->show_epoch(e);
  show_runs();
}

void TrainingDashboard::compare_runs(std::vector<std::shared_ptr<RunHistory>> runs) {
  // Tableau's ten colours, as the plots' own layers use them: distinct on light and dark.
  static const QColor colors[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                  {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                  {188, 189, 34},  {23, 190, 207}};
  for (size_t i = 0; i < runs.size(); ++i) {
    runs[i]->color = colors[i % std::size(colors)];
    runs[i]->set_smoothing(smoothing_weight_);
  }
  // A run going on stays the current one, after the compared runs.
  if (controller_->run_active() && !runs_.empty()) runs.push_back(runs_.back());
  runs_ = std::move(runs);
  show_runs();
}

void TrainingDashboard::set_max_overlays(int n) {
  max_overlays_ = std::max(0, n);
  if (int(runs_.size()) > max_overlays_ + 1)
    runs_.erase(runs_.begin(), runs_.end() - (max_overlays_ + 1));
  show_runs();
}

void TrainingDashboard::set_smoothing(double weight) {
  smoothing_weight_ = weight;
  for (const auto& run : runs_) run->set_smoothing(weight);
  loss_->refresh();
  accuracy_->refresh();
}

bool TrainingDashboard::export_plots(const QString& base, const QString& suffix) {
  const bool pdf = suffix.compare(QStringLiteral(".pdf"), Qt::CaseInsensitive) == 0;
  bool ok = true;
  const std::pair<MetricPlot*, const char*> plots[] = {
      {loss_, "-loss"}, {accuracy_, "-accuracy"}, {lr_, "-lr"}};
  for (const auto& [plot, name] : plots) {
    const QString path = base + QLatin1String(name) + suffix;
    ok = (pdf ? plot->export_pdf(path) : plot->export_png(path)) && ok;
  }
  return ok;
}

}  // namespace nw::gui
