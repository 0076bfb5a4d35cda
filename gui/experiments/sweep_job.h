#pragma once
// A sweep (train/sweep_runner.h) run on the training thread as a TrainingController job, so no
// run starts beside it and Train > Stop stops it. The runner's callbacks come from the training
// thread; each is posted to the GUI thread and re-emitted here as a signal, in order.
//
//   SweepJob job(training);
//   connect(&job, &SweepJob::trialEnded, dock, [&] { dock->refresh(); });
//   job.start(project, spec, {.limit = 2000}, &why);
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

#include "io/project.h"
#include "train/sweep_runner.h"

namespace nw::gui {

class TrainingController;

class SweepJob : public QObject {
  Q_OBJECT

 public:
  explicit SweepJob(TrainingController* training, QObject* parent = nullptr);

  // Plans the sweep (the runner's checks against the project) and starts it; false with the
  // reason in `why` when the sweep is refused or a run is going.
  bool start(const io::Project& project, const train::SweepSpec& spec,
             const train::SweepOptions& options, QString* why = nullptr);
  bool active() const { return active_; }
  QString name() const { return name_; }    // "<stamp>-<name>", the trials' prefix
  int planned() const { return planned_; }  // trials
  // Legs: a trial trained to one rung. With halving the later rungs train fewer trials: four
  // trials, eta 2, two rungs is 4 + 2 legs.
  int legs() const { return legs_; }
  int legs_done() const { return legs_done_; }
  // The last sweep's result, once finished() was emitted.
  const std::optional<train::SweepResult>& result() const { return result_; }

 signals:
  void trialStarted(const nw::train::TrialResult& trial, int rung, qint64 epochs);
  void trialEnded(const nw::train::TrialResult& trial);  // after each leg (rung)
  void rungEnded(int rung, qint64 epochs, const nw::train::RungChoice& choice);
  void message(nw::train::MessageLevel level, const QString& text);
  void finished();  // result() holds the outcome; `error` when the sweep could not go on
  void failed(const QString& error);

 private:
  TrainingController* training_;
  bool active_ = false;
  QString name_;
  int planned_ = 0;
  int legs_ = 0;
  int legs_done_ = 0;
  std::optional<train::SweepResult> result_;
};

}  // namespace nw::gui
