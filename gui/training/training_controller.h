#pragma once
// The GUI side of training: owns the training thread and its worker, and offers start, pause,
// resume, stop, evaluate and export as calls that return at once. Results arrive as signals on
// the GUI thread; batch points come at most once per frame (the screen's refresh, 30 Hz at
// most: training/frame_rate.h), however fast the run, and less often when set_frame_interval
// says nobody is looking.
//
//   TrainingController training;
//   connect(&training, &TrainingController::batchesArrived, plots, &Plots::append);
//   training.start(document.project(), {.out_dir = "runs/mlp"});
//
// The destructor stops a run and waits for the thread (one batch at most).
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>
#include <QVector>

#include <functional>
#include <memory>

#include "io/project.h"
#include "nn/module.h"
#include "training/batch_buffer.h"
#include "training/training_types.h"

namespace nw::gui {

class TrainingWorker;

class TrainingController : public QObject {
  Q_OBJECT

 public:
  explicit TrainingController(QObject* parent = nullptr);
  ~TrainingController() override;

  // Starts a run on a copy of `project`. Returns false (and says why in message()) unless idle.
  // A project that does not build ends as runFinished(Failed) with the reason.
  bool start(const io::Project& project, const TrainingOptions& options = {});
  void pause();  // takes effect at the next batch boundary: stateChanged(Paused)
  void resume();
  void stop();  // at the next batch boundary; ends with runFinished(Stopped)
  // The split's loss, accuracy and confusion matrix (evaluationReady) and each sample's
  // prediction (predictionsReady), computed on the training thread between batches, or at once
  // when no run is going. Needs a run started earlier (its network, as trained so far).
  void evaluate(const QString& split = QStringLiteral("test"));
  // Evaluates a saved state of `project`'s network without training: the worker builds the
  // network, loads the checkpoint's weights exactly and answers as evaluate() does; later
  // evaluate() and export_checkpoint() calls use that network. Refused (false, message) unless
  // idle; a checkpoint that does not fit the network is reported through message().
  bool evaluate_checkpoint(const io::Project& project, const QString& checkpoint,
                           const QString& split = QStringLiteral("test"));
  // Runs `job` on the training thread in place of a run (a sweep: gui/experiments/sweep_job.h). The
  // state is Running until it returns, so no run starts beside it; stop() calls `stop` on the
  // GUI thread. The job reports through its own queued calls; its end is jobFinished(result).
  // Refused (false, message) unless idle.
  bool start_job(std::function<train::RunResult()> job, std::function<void()> stop);
  bool job_active() const { return bool(job_stop_); }

  // The run's state now as a checkpoint, written atomically: checkpointWritten(path), or an
  // error message.
  void export_checkpoint(const QString& path);

  // A copy of the weights of the network the worker trained (or evaluated) last, for a sweep
  // that must leave them alone (Train > Find Learning Rate); null before any run, and while a
  // run is going.
  std::shared_ptr<const nn::StateDict> last_weights();

  // How often batch points are delivered during a run, in milliseconds.
  void set_frame_interval(int ms);
  int frame_interval() const { return frame_.interval(); }

  TrainingState state() const { return state_; }
  bool run_active() const { return run_active_; }
  int64_t total_epochs() const { return total_epochs_; }

 signals:
  void batchesArrived(const QVector<nw::gui::BatchPoint>& points);
  void epochEnded(const nw::train::EpochStats& stats);
  void evaluationReady(const nw::train::EvalResult& result);
  void predictionsReady(const nw::gui::SplitPredictions& predictions);
  void message(nw::train::MessageLevel level, const QString& text);
  // A layer health sample of the run (train/layer_health.h), as the trainer took it.
  void healthSampled(const nw::train::HealthSample& sample);
  void runStarted(const QString& name);
  void runFinished(const nw::train::RunResult& result);
  void jobFinished(const nw::train::RunResult& result);
  void stateChanged(nw::gui::TrainingState state);
  void checkpointWritten(const QString& path);

 private:
  void set_state(TrainingState state);
  void on_phase(TrainingState phase);
  void on_epoch(const train::EpochStats& stats, qint64 last_step);
  void on_finished(const train::RunResult& result);
  void on_job_finished(const train::RunResult& result);
  void flush_batches();
  void post(std::function<void()> task);

  BatchBuffer buffer_;
  QThread thread_;
  TrainingWorker* worker_ = nullptr;  // lives on thread_; deleted after it ends
  QTimer frame_;                      // collects batch points once per frame while running
  TrainingState state_ = TrainingState::Idle;
  bool run_active_ = false;
  int64_t total_epochs_ = 0;
  std::function<void()> job_stop_;  // set while a job runs
};

}  // namespace nw::gui
