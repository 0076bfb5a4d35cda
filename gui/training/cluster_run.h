#pragma once
// A data-parallel run that netwright-cli does under a local `mpirun` (Train > Run on Cluster...,
// Start Local Run), followed through its metrics file (train/metrics_log.h) as it grows; or
// only the metrics file of a run started elsewhere (Follow Run..., a Slurm job). Its signals
// are the TrainingController's, so the dashboard plots its batches as a run of its own.
//
// Stop sends SIGTERM to the ranks themselves: each stops at the next batch boundary, rank 0
// writes a resumable checkpoint, and mpirun exits 0 (docs/distributed.md, "Faults and Ctrl-C").
// A second Stop, or a rank not yet there, leaves the ending to mpirun (SIGTERM to it). The
// destructor stops a run and waits for mpirun.
#include <QFileSystemWatcher>
#include <QObject>
#include <QProcess>
#include <QTimer>
#include <QVector>

#include <memory>

#include "train/metrics_log.h"
#include "training/training_types.h"

namespace nw::gui {

class ClusterRun : public QObject {
  Q_OBJECT

 public:
  explicit ClusterRun(QObject* parent = nullptr);
  ~ClusterRun() override;

  // Starts `argv` (the launcher first; dist::mpirun_argv) and follows `metrics`. `name` and
  // `total_epochs` are the project's, for the plots. As root, Open MPI's consent to run as root
  // is added to the environment. Returns false (and says why in message()) unless idle, or
  // when the launcher did not start (then runFinished(Failed) has said why).
  bool start(const QStringList& argv, const QString& metrics, const QString& name,
             int64_t total_epochs);
  // Follows `metrics` of a run started elsewhere (a Slurm job writing to a shared file system):
  // no process here. It ends when the file says the run ended (its test evaluation, or a
  // failure), or at stop(), which ends the following, not the job.
  bool follow(const QString& metrics, const QString& name, int64_t total_epochs);
  void stop();

  TrainingState state() const { return state_; }
  bool active() const { return state_ != TrainingState::Idle; }
  bool following() const { return following_; }
  int64_t total_epochs() const { return total_epochs_; }
  qint64 launcher_pid() const { return process_.processId(); }  // 0 when none runs
  QString metrics_file() const { return metrics_; }
  // The launcher's exit code of the last run (-1 when it crashed or none has ended).
  int exit_code() const { return exit_code_; }

 signals:
  void batchesArrived(const QVector<nw::gui::BatchPoint>& points);
  void epochEnded(const nw::train::EpochStats& stats);
  void healthSampled(const nw::train::HealthSample& sample);  // the file's health lines
  void message(nw::train::MessageLevel level, const QString& text);
  void runStarted(const QString& name);
  // reason says how the launcher ended: "mpirun exited with code 0".
  void runFinished(const nw::train::RunResult& result);
  void stateChanged(nw::gui::TrainingState state);

 private:
  void begin(const QString& metrics, int64_t total_epochs);
  void set_state(TrainingState state);
  void read_metrics();
  void read_output();
  void on_finished(int code, QProcess::ExitStatus status);
  void on_error(QProcess::ProcessError error);
  void finish(const QString& how, bool launcher_failed);

  QProcess process_;
  QString program_, metrics_;
  std::unique_ptr<train::MetricsTail> tail_;
  QFileSystemWatcher watcher_;
  QTimer poll_;  // the watcher misses changes on some file systems (NFS): a poll as well
  QByteArray output_;
  TrainingState state_ = TrainingState::Idle;
  bool stop_requested_ = false;
  bool following_ = false;  // follow(): no process of ours
  bool finishing_ = false;  // in finish(): its last read_metrics() must not finish again
  bool ended_ = false;      // a followed file said the run ended
  int64_t total_epochs_ = 0, epochs_done_ = 0;
  std::optional<train::EpochStats> last_epoch_;
  QString failure_;  // a "failed" line of the metrics file
  int exit_code_ = -1;
};

// The mpirun to start: the one on PATH, else the one this build was configured with; empty when
// neither is there.
QString mpirun_path();
// netwright-cli beside this executable (build tree and install alike), else on PATH; empty when
// neither.
QString cli_path();
// Why this machine cannot start a local run (no MPI built, no mpirun, no netwright-cli), with
// the fix; empty when it can.
QString local_run_unavailable_reason();

}  // namespace nw::gui
