#pragma once
// The training view: a header with progress, speed, ETA and the best metric, and the loss,
// accuracy and learning-rate plots, all fed by a TrainingController's signals. Each run is kept
// as a RunHistory; the previous runs (up to max_overlays) stay on the plots, lighter, to compare.
// While its window is hidden or minimised the controller delivers points twice a second and the
// plots only store them; they draw when they are seen again.
#include <QWidget>

#include <memory>
#include <vector>

#include "plots/run_history.h"
#include "training/training_controller.h"

class QCheckBox;
class QSlider;

namespace nw::gui {

class AccuracyPlot;
class ClusterRun;
class LossPlot;
class LrPlot;
class TrainingHeader;

class TrainingDashboard : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingDashboard(TrainingController* controller, QWidget* parent = nullptr);

  LossPlot* loss_plot() const { return loss_; }
  AccuracyPlot* accuracy_plot() const { return accuracy_; }
  LrPlot* lr_plot() const { return lr_; }
  TrainingHeader* header() const { return header_; }

  // Also plots the runs of `run` (a local mpirun, followed through its metrics file), each as a
  // run of its own beside the controller's.
  void follow(ClusterRun* run);

  // Oldest first; the last is the current (or latest) run. Empty before the first run.
  const std::vector<std::shared_ptr<RunHistory>>& runs() const { return runs_; }
  void clear_overlays();
  // Runs read back from disk (oldest first; none: an empty dashboard), in place of whatever was
  // shown: a project opened shows its own runs, never the previous project's.
  void show_saved_runs(std::vector<std::shared_ptr<RunHistory>> runs);
  // Runs picked to compare (the Runs dock's checked runs, oldest first), each in a colour of its
  // own, however many; the current run stays last while one is going.
  void compare_runs(std::vector<std::shared_ptr<RunHistory>> runs);
  void set_max_overlays(int n);
  void set_smoothing(double weight);  // 0 to 0.999, TensorBoard's slider

  // Writes <base>-loss, <base>-accuracy and <base>-lr with `suffix` ".png" or ".pdf".
  bool export_plots(const QString& base, const QString& suffix = QStringLiteral(".png"));

 protected:
  void showEvent(QShowEvent* event) override;  // back on screen: full frame rate, fresh plots

 private:
  void begin_run(const QString& name, int64_t total_epochs);
  void add_batches(const QVector<BatchPoint>& points);
  void add_epoch(const train::EpochStats& stats);
  void show_runs();
  QWidget* make_toolbar();

  TrainingController* controller_;
  TrainingHeader* header_;
  LossPlot* loss_;
  AccuracyPlot* accuracy_;
  LrPlot* lr_;
  QCheckBox* log_scale_ = nullptr;
  QSlider* smoothing_ = nullptr;
  std::vector<std::shared_ptr<RunHistory>> runs_;
  int max_overlays_ = 2;
  double smoothing_weight_ = 0.6;
};

}  // namespace nw::gui
