#pragma once
// The base of the training plots: a QCustomPlot that draws a list of runs (the last is the
// current one, earlier ones are overlays in lighter colours) as declared layers, and redraws at
// most once per frame however often data arrives. Batch layers draw a per-pixel min/max band,
// the mean and the smoothed line of a MetricSeries; epoch layers draw one marker per epoch.
//
// Mouse: drag pans, the wheel zooms, a double click resets the view (which then follows new
// data again).
#include <QTimer>

#include <memory>
#include <vector>

#include <qcustomplot.h>

#include "plots/run_history.h"

namespace nw::gui {

class MetricPlot : public QCustomPlot {
  Q_OBJECT

 public:
  explicit MetricPlot(QWidget* parent = nullptr);

  void set_runs(std::vector<std::shared_ptr<const RunHistory>> runs);
  bool log_scale() const { return log_scale_; }
  bool following() const { return follow_; }
  int redraw_count() const { return redraws_; }

  // Both redraw first, so the file shows the latest data. Sizes of 0 take the widget's.
  bool export_png(const QString& path, int width = 0, int height = 0);
  bool export_pdf(const QString& path, int width = 0, int height = 0);

 public slots:
  // The data changed: redraw at the next frame, or when next shown while the plot is hidden or
  // its window minimised.
  void refresh();
  void set_log_scale(bool on);
  void reset_view();
  void redraw_now();

 protected:
  void changeEvent(QEvent* event) override;        // the light or dark palette
  void resizeEvent(QResizeEvent* event) override;  // the legend wraps to the width
  void showEvent(QShowEvent* event) override;      // draws what changed while hidden

  struct BatchLayer {
    QString name;
    const MetricSeries RunHistory::*series = nullptr;
    QColor color;
    bool band = true;      // min/max of the batches under each pixel, and their mean, faint
    bool smoothed = true;  // the smoothed line; without it the mean line is drawn strong
  };
  struct EpochLayer {
    QString name;
    EpochValue value;
    QColor color;
    QCPScatterStyle::ScatterShape shape = QCPScatterStyle::ssCircle;
  };
  void add_layer(const BatchLayer& layer);
  void add_layer(const EpochLayer& layer);
  // The current run's best epoch: by the first of `by` that any epoch has (val before train).
  void mark_best(std::vector<EpochValue> by, bool higher_is_better);
  // In follow mode, fix the y range instead of fitting the data (accuracy: 0 to 1).
  void set_follow_y_range(const QCPRange& range) { follow_y_ = range; }

 private:
  struct BatchGraphs {
    QCPGraph *mean = nullptr, *smooth = nullptr;
    QCPErrorBars* band = nullptr;
  };
  struct RunGraphs {
    std::vector<BatchGraphs> batch;
    std::vector<QCPGraph*> epoch;
  };
  void rebuild();
  void draw_run(const RunHistory& run, RunGraphs& graphs, int pixels);
  void draw_best(const RunHistory& run);
  void follow_data();
  void fit_values();
  void place_legend(bool shown);
  void fit_legend_columns();
  QCPGraph* new_graph(QColor color, double width, bool current);

  std::vector<BatchLayer> batch_layers_;
  std::vector<EpochLayer> epoch_layers_;
  std::vector<EpochValue> best_by_;
  bool best_is_max_ = false;
  std::vector<std::shared_ptr<const RunHistory>> runs_;
  std::vector<RunGraphs> graphs_;
  QCPGraph* best_ = nullptr;
  QCPItemText* best_label_ = nullptr;
  std::optional<QCPRange> follow_y_;
  QTimer frame_;
  bool follow_ = true;
  bool log_scale_ = false;
  bool redrawing_ = false;
  bool stale_ = false;  // data arrived while nobody could see it
  int redraws_ = 0;
};

}  // namespace nw::gui
