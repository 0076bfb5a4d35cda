#pragma once
// The training side of the GUI adapter: a QObject that lives on the training thread, opens the
// core's training session (train/session.h) on a project snapshot, runs the trainer and turns its
// callbacks into queued signals.
//
// Batch boundaries are where the GUI's requests take effect. After every batch the worker
// (1) appends the point to the shared BatchBuffer (no signal: the controller collects once per
// frame), (2) runs queued tasks (evaluate, export a checkpoint) while the network is between
// steps, and (3) holds there while paused, still serving tasks, until resumed or stopped.
// NOTE: pausing is done here rather than with Trainer::pause(), whose wait would block the thread
// without a way to serve an export or an evaluation in the meantime.
#include <QObject>
#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "io/project.h"
#include "train/session.h"
#include "training/batch_buffer.h"
#include "training/epoch_rate.h"
#include "training/training_types.h"

namespace nw::gui {

class TrainingWorker : public QObject {
  Q_OBJECT

 public:
  explicit TrainingWorker(BatchBuffer& buffer, QObject* parent = nullptr);
  ~TrainingWorker() override;

  // ---- thread-safe; from the GUI thread
  void arm();  // before a start: clears stop and pause from the previous run
  void request_stop();
  void set_paused(bool paused);
  // Runs `task` on the training thread: at the next batch boundary during a run (also while
  // paused), else when run_tasks() is next called there.
  void post(std::function<void()> task);
  void clear_tasks();
  // A deep copy of the last run's (or evaluated checkpoint's) weights; null when there is none.
  // Only between runs: a running trainer would change them under the copy.
  std::shared_ptr<const nn::StateDict> copy_weights();

  // ---- on the training thread
  void run(const io::Project& project, const TrainingOptions& options);
  // A job in place of a run (TrainingController::start_job): Running, then Idle and jobFinished.
  void run_job(const std::function<train::RunResult()>& job);
  void run_tasks();
  // Tasks: results come back as signals.
  void evaluate(const std::string& split);
  // Builds the project's network with a checkpoint's weights in place of the last run's, then
  // evaluates it; a checkpoint that does not fit is reported and changes nothing.
  void evaluate_checkpoint(const io::Project& project, const QString& path,
                           const std::string& split);
  void export_checkpoint(const QString& path);

 signals:
  void phaseChanged(nw::gui::TrainingState state);
  // `last_step`: the global step of the epoch's last batch, so the batches before it go first.
  void epochEnded(const nw::train::EpochStats& stats, qint64 last_step);
  void evaluationReady(const nw::train::EvalResult& result);
  void predictionsReady(const nw::gui::SplitPredictions& predictions);
  void message(nw::train::MessageLevel level, const QString& text);
  // Every few batches (train/layer_health.h): rare, so each one is its own queued signal.
  void healthSampled(const nw::train::HealthSample& sample);
  void checkpointWritten(const QString& path);
  void runFinished(const nw::train::RunResult& result);
  void jobFinished(const nw::train::RunResult& result);

 private:
  void on_batch(const train::BatchStats& stats);
  void hook(train::Trainer& trainer);
  void set_phase(TrainingState phase);
  void say(train::MessageLevel level, const std::string& text);

  BatchBuffer& buffer_;
  std::mutex mutex_;  // guards the fields below it
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stop_ = false;
  bool paused_ = false;
  std::unique_ptr<train::Session> session_;  // replaced only on the training thread, locked

  // Training thread only.
  TrainingState resting_ = TrainingState::Idle;  // Running, Paused or Idle: where a task returns to
  int64_t last_step_ = 0;
  EpochRate rate_;  // the trainer's samples/s less the time on_batch held it
};

}  // namespace nw::gui
