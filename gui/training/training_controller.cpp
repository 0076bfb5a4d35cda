#include "training/training_controller.h"

#include "training/frame_rate.h"
#include "training/thread_priority.h"
#include "training/training_worker.h"

namespace nw::gui {

namespace {

void register_types() {
  qRegisterMetaType<BatchPoint>();
  qRegisterMetaType<QVector<BatchPoint>>();
  qRegisterMetaType<TrainingState>();
  qRegisterMetaType<SplitPredictions>();
  qRegisterMetaType<train::EpochStats>();
  qRegisterMetaType<train::EvalResult>();
  qRegisterMetaType<train::RunResult>();
  qRegisterMetaType<train::MessageLevel>();
  qRegisterMetaType<train::HealthSample>();
}

}  // namespace

TrainingController::TrainingController(QObject* parent) : QObject(parent) {
  register_types();
  worker_ = new TrainingWorker(buffer_);
  worker_->moveToThread(&thread_);
  connect(worker_, &TrainingWorker::phaseChanged, this, &TrainingController::on_phase);
  connect(worker_, &TrainingWorker::epochEnded, this, &TrainingController::on_epoch);
  connect(worker_, &TrainingWorker::runFinished, this, &TrainingController::on_finished);
  connect(worker_, &TrainingWorker::jobFinished, this, &TrainingController::on_job_finished);
  connect(worker_, &TrainingWorker::evaluationReady, this, &TrainingController::evaluationReady);
  connect(worker_, &TrainingWorker::predictionsReady, this, &TrainingController::predictionsReady);
  connect(worker_, &TrainingWorker::message, this, &TrainingController::message);
  connect(worker_, &TrainingWorker::healthSampled, this, &TrainingController::healthSampled);
  connect(worker_, &TrainingWorker::checkpointWritten, this,
          &TrainingController::checkpointWritten);
  frame_.setInterval(frame_interval_ms());
  connect(&frame_, &QTimer::timeout, this, &TrainingController::flush_batches);
  thread_.setObjectName(QStringLiteral("netwright-training"));
  // Runs on the new thread: under load the scheduler then favours the GUI thread.
  connect(&thread_, &QThread::started, [] { lower_this_thread_priority(); });
  thread_.start();
}

TrainingController::~TrainingController() {
  worker_->clear_tasks();
  worker_->request_stop();
  if (job_stop_) job_stop_();
  thread_.quit();  // the event loop ends once run() has returned
  thread_.wait();
  delete worker_;
}

bool TrainingController::start(const io::Project& project, const TrainingOptions& options) {
  if (state_ != TrainingState::Idle) {
    emit message(train::MessageLevel::Warning,
                 QStringLiteral("a run is %1; stop it before starting another")
                     .arg(QString::fromUtf8(to_string(state_))));
    return false;
  }
  buffer_.clear();
  worker_->arm();
  total_epochs_ = project.training.epochs;
  run_active_ = true;
  set_state(TrainingState::Running);
  emit runStarted(QString::fromStdString(project.name));
  TrainingWorker* w = worker_;
  QMetaObject::invokeMethod(
      w, [w, project, options] { w->run(project, options); }, Qt::QueuedConnection);
  frame_.start();
  return true;
}

bool TrainingController::start_job(std::function<train::RunResult()> job,
                                   std::function<void()> stop) {
  if (state_ != TrainingState::Idle) {
    emit message(train::MessageLevel::Warning,
                 QStringLiteral("a run is %1; stop it before starting a sweep")
                     .arg(QString::fromUtf8(to_string(state_))));
    return false;
  }
  job_stop_ = std::move(stop);
  if (!job_stop_) job_stop_ = [] {};  // set while the job runs: job_active()
  set_state(TrainingState::Running);
  TrainingWorker* w = worker_;
  QMetaObject::invokeMethod(
      w, [w, job = std::move(job)] { w->run_job(job); }, Qt::QueuedConnection);
  return true;
}

void TrainingController::set_frame_interval(int ms) {
  if (ms > 0 && ms != frame_.interval()) frame_.setInterval(ms);  // a running timer restarts
}

void TrainingController::pause() {
  if (run_active_ && state_ != TrainingState::Stopping) worker_->set_paused(true);
}

void TrainingController::resume() {
  if (run_active_ && state_ != TrainingState::Stopping) worker_->set_paused(false);
}

void TrainingController::stop() {
  if (job_stop_ && state_ == TrainingState::Running) {
    job_stop_();
    set_state(TrainingState::Stopping);
    return;
  }
  if (!run_active_ || state_ == TrainingState::Stopping) return;
  worker_->request_stop();
  set_state(TrainingState::Stopping);
}

void TrainingController::evaluate(const QString& split) {
  TrainingWorker* w = worker_;
  post([w, s = split.toStdString()] { w->evaluate(s); });
}

bool TrainingController::evaluate_checkpoint(const io::Project& project, const QString& checkpoint,
                                             const QString& split) {
  if (state_ != TrainingState::Idle) {
    emit message(train::MessageLevel::Warning,
                 QStringLiteral("a run is %1; stop it before evaluating a checkpoint")
                     .arg(QString::fromUtf8(to_string(state_))));
    return false;
  }
  TrainingWorker* w = worker_;
  post([w, project, checkpoint, s = split.toStdString()] {
    w->evaluate_checkpoint(project, checkpoint, s);
  });
  return true;
}

void TrainingController::export_checkpoint(const QString& path) {
  TrainingWorker* w = worker_;
  post([w, path] { w->export_checkpoint(path); });
}

std::shared_ptr<const nn::StateDict> TrainingController::last_weights() {
  if (state_ != TrainingState::Idle) return nullptr;
  return worker_->copy_weights();
}

void TrainingController::post(std::function<void()> task) {
  worker_->post(std::move(task));
  // During a run the worker takes the task at the next batch; when idle, this call runs it.
  TrainingWorker* w = worker_;
  QMetaObject::invokeMethod(
      w, [w] { w->run_tasks(); }, Qt::QueuedConnection);
}

void TrainingController::set_state(TrainingState state) {
  if (state == state_) return;
  state_ = state;
  emit stateChanged(state);
}

void TrainingController::on_phase(TrainingState phase) {
  // A stop is final: the worker's last Running/Paused reports are older than the request.
  if (state_ == TrainingState::Stopping && phase != TrainingState::Idle) return;
  if (phase == TrainingState::Paused) flush_batches();  // nothing arrives after Paused
  // on_finished (on_job_finished) ends the run (the job)
  if (phase == TrainingState::Idle && (run_active_ || job_stop_)) return;
  set_state(phase);
}

void TrainingController::on_epoch(const train::EpochStats& stats, qint64 last_step) {
  const QVector<BatchPoint> points = buffer_.take_until(last_step);
  if (!points.isEmpty()) emit batchesArrived(points);
  emit epochEnded(stats);
}

void TrainingController::on_finished(const train::RunResult& result) {
  frame_.stop();
  flush_batches();
  run_active_ = false;
  set_state(TrainingState::Idle);
  emit runFinished(result);
}

void TrainingController::on_job_finished(const train::RunResult& result) {
  job_stop_ = nullptr;
  set_state(TrainingState::Idle);
  emit jobFinished(result);
}

void TrainingController::flush_batches() {
  const QVector<BatchPoint> points = buffer_.take_all();
  if (!points.isEmpty()) emit batchesArrived(points);
}

}  // namespace nw::gui
