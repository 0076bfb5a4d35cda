#include "experiments/sweep_job.h"

#include <QPointer>

#include <algorithm>

#include "training/training_controller.h"

namespace nw::gui {

SweepJob::SweepJob(TrainingController* training, QObject* parent)
    : QObject(parent), training_(training) {
  connect(training_, &TrainingController::jobFinished, this, [this](const train::RunResult& r) {
    if (!active_) return;
    active_ = false;
    if (r.state == train::RunState::Failed) emit failed(QString::fromStdString(r.reason));
    emit finished();
  });
}

bool SweepJob::start(const io::Project& project, const train::SweepSpec& spec,
                     const train::SweepOptions& options, QString* why) {
  if (active_ || training_->state() != TrainingState::Idle) {
    if (why) *why = tr("a run or a sweep is going; stop it before starting a sweep");
    return false;
  }
  std::shared_ptr<train::SweepRunner> runner;
  try {
    runner = std::make_shared<train::SweepRunner>(project, spec, options);
  } catch (const std::exception& e) {
    if (why) *why = QString::fromStdString(e.what());
    return false;
  }
  // Each callback runs on the training thread: it posts its copy of the data to the GUI thread,
  // through the controller (which outlives the thread), and emits there if this job still lives.
  QPointer<SweepJob> self(this);
  QObject* context = training_;
  auto post = [self, context](std::function<void(SweepJob&)> fn) {
    QMetaObject::invokeMethod(
        context,
        [self, fn = std::move(fn)] {
          if (self) fn(*self);
        },
        Qt::QueuedConnection);
  };
  train::SweepCallbacks& cb = runner->callbacks();
  cb.on_trial_start = [post](const train::TrialResult& t, int rung, int64_t epochs) {
    post([t, rung, epochs](SweepJob& job) { emit job.trialStarted(t, rung, epochs); });
  };
  cb.on_trial_end = [post](const train::TrialResult& t) {
    post([t](SweepJob& job) {
      ++job.legs_done_;
      emit job.trialEnded(t);
    });
  };
  cb.on_rung_end = [post](int rung, int64_t epochs, const train::RungChoice& choice) {
    post([rung, epochs, choice](SweepJob& job) { emit job.rungEnded(rung, epochs, choice); });
  };
  cb.on_message = [post](train::MessageLevel level, const std::string& text) {
    post([level, text = QString::fromStdString(text)](SweepJob& job) {
      emit job.message(level, text);
    });
  };
  auto job = [runner, post]() {
    train::SweepResult r = runner->run();
    train::RunResult result;
    result.state = r.stopped ? train::RunState::Stopped : train::RunState::Finished;
    post([r = std::move(r)](SweepJob& job) { job.result_ = r; });
    return result;
  };
  name_ = QString::fromStdString(runner->name());
  planned_ = int(runner->plan().size());
  // As choose_promoted keeps them: max(1, n / eta) of the n trials of a rung go on.
  legs_ = 0;
  int n = planned_;
  for (size_t rung = 0; rung < train::rung_epochs(runner->spec()).size(); ++rung) {
    legs_ += n;
    if (runner->spec().halving) n = std::max<int>(1, int(n / runner->spec().halving->eta));
  }
  legs_done_ = 0;
  result_.reset();
  if (!training_->start_job(job, [runner] { runner->request_stop(); })) {
    if (why) *why = tr("a run is going; stop it before starting a sweep");
    return false;
  }
  active_ = true;
  return true;
}

}  // namespace nw::gui
