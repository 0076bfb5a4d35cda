#include "training/training_worker.h"

#include <chrono>
#include <utility>

#include "io/checkpoint.h"
#include "train/predictions.h"

namespace nw::gui {

namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

TrainingWorker::TrainingWorker(BatchBuffer& buffer, QObject* parent)
    : QObject(parent), buffer_(buffer) {}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::arm() {
  std::lock_guard<std::mutex> lock(mutex_);
  stop_ = false;
  paused_ = false;
}

void TrainingWorker::request_stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stop_ = true;
  // Takes effect at once during the validation pass and at the epoch's end; on_batch repeats it
  // in case the trainer's run() had not begun (it clears its flag when it starts).
  if (session_) session_->trainer->request_stop();
  wake_.notify_all();
}

void TrainingWorker::set_paused(bool paused) {
  std::lock_guard<std::mutex> lock(mutex_);
  paused_ = paused;
  wake_.notify_all();
}

void TrainingWorker::post(std::function<void()> task) {
  std::lock_guard<std::mutex> lock(mutex_);
  tasks_.push_back(std::move(task));
  wake_.notify_all();
}

void TrainingWorker::clear_tasks() {
  std::lock_guard<std::mutex> lock(mutex_);
  tasks_.clear();
}

std::shared_ptr<const nn::StateDict> TrainingWorker::copy_weights() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!session_) return nullptr;
  auto copy = std::make_shared<nn::StateDict>();
  for (const auto& [name, t] : session_->net->state_dict()) copy->emplace_back(name, t.clone());
  return copy;
}

void TrainingWorker::run_tasks() {
  for (;;) {
    std::function<void()> task;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void TrainingWorker::set_phase(TrainingState phase) {
  resting_ = phase;
  emit phaseChanged(phase);
}

void TrainingWorker::say(train::MessageLevel level, const std::string& text) {
  emit message(level, QString::fromStdString(text));
}

void TrainingWorker::hook(train::Trainer& trainer) {
  auto& cb = trainer.callbacks();
  cb.on_batch_end = [this](const train::BatchStats& b) { on_batch(b); };
  cb.on_epoch_end = [this](const train::EpochStats& e) { emit epochEnded(e, last_step_); };
  cb.on_message = [this](train::MessageLevel level, const std::string& text) { say(level, text); };
  cb.on_health = [this](const train::HealthSample& h) { emit healthSampled(h); };
  cb.on_checkpoint = [this](const std::filesystem::path& p) {
    emit checkpointWritten(QString::fromStdString(p.string()));
  };
}

void TrainingWorker::on_batch(const train::BatchStats& stats) {
  const double now = steady_seconds();
  BatchPoint point = BatchPoint::from(stats);
  point.samples_per_second =
      rate_.on_batch(now, point.epoch, point.samples_seen, point.samples_per_second);
  last_step_ = point.step;
  buffer_.push(point);
  // Whatever happens below (a pause, an evaluation, an export) is not training time.
  struct HoldClock {
    EpochRate& rate;
    double from;
    ~HoldClock() { rate.held(steady_seconds() - from); }
  } hold_clock{rate_, now};
  bool held = false;
  for (;;) {
    run_tasks();
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_) {
      session_->trainer->request_stop();
      return;
    }
    if (!paused_) break;
    if (!held) {
      held = true;
      set_phase(TrainingState::Paused);
    }
    wake_.wait(lock, [this] { return !paused_ || stop_ || !tasks_.empty(); });
  }
  if (held) set_phase(TrainingState::Running);
}

void TrainingWorker::run(const io::Project& project, const TrainingOptions& options) {
  set_phase(TrainingState::Running);
  last_step_ = 0;
  rate_ = EpochRate();
  train::RunResult result;
  try {
    // The previous run's network and data go before the new ones load, freed outside the lock
    // so that the GUI thread's pause or stop never waits for it.
    std::unique_ptr<train::Session> previous;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      previous = std::move(session_);
    }
    previous.reset();
    auto session = train::open_session(
        project, options, [this](train::MessageLevel l, const std::string& t) { say(l, t); });
    hook(*session->trainer);
    bool stopped = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      session_ = std::move(session);
      stopped = stop_;
    }
    if (stopped) {
      result.state = train::RunState::Stopped;
      result.reason = "stopped before the first batch";
    } else {
      result = session_->trainer->run();
    }
  } catch (const std::exception& e) {
    result.state = train::RunState::Failed;
    result.reason = e.what();
  } catch (...) {
    result.state = train::RunState::Failed;
    result.reason = "unknown error while preparing the run";
  }
  // Idle first: whoever reacts to runFinished may start the next run straight away.
  set_phase(TrainingState::Idle);
  emit runFinished(result);
  run_tasks();
}

void TrainingWorker::run_job(const std::function<train::RunResult()>& job) {
  set_phase(TrainingState::Running);
  train::RunResult result;
  try {
    result = job();
  } catch (const std::exception& e) {
    result.state = train::RunState::Failed;
    result.reason = e.what();
  }
  set_phase(TrainingState::Idle);
  emit jobFinished(result);
  run_tasks();
}

void TrainingWorker::evaluate(const std::string& split) {
  if (!session_) {
    say(train::MessageLevel::Warning, "nothing to evaluate: start a run first");
    return;
  }
  const TrainingState back = resting_;
  emit phaseChanged(TrainingState::Evaluating);
  try {
    const train::EvalResult result = session_->trainer->evaluate(split);
    SplitPredictions predictions = train::predict_split(*session_, split);
    emit predictionsReady(predictions);
    emit evaluationReady(result);
  } catch (const std::exception& e) {
    say(train::MessageLevel::Error, "evaluation of the " + split + " split failed: " + e.what());
  }
  emit phaseChanged(back);
}

void TrainingWorker::evaluate_checkpoint(const io::Project& project, const QString& path,
                                         const std::string& split) {
  std::unique_ptr<train::Session> session;
  try {
    train::SessionOptions options;
    options.weights = path.toStdString();
    session = train::open_session(
        project, options, [this](train::MessageLevel l, const std::string& t) { say(l, t); });
  } catch (const std::exception& e) {
    say(train::MessageLevel::Error, "cannot evaluate " + path.toStdString() + ": " + e.what());
    return;
  }
  hook(*session->trainer);
  std::unique_ptr<train::Session> previous;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    previous = std::exchange(session_, std::move(session));
  }
  previous.reset();
  evaluate(split);
}

void TrainingWorker::export_checkpoint(const QString& path) {
  if (!session_) {
    say(train::MessageLevel::Warning, "no checkpoint to export: start a run first");
    return;
  }
  try {
    io::write_checkpoint(path.toStdString(), session_->trainer->snapshot());  // atomic
    emit checkpointWritten(path);
  } catch (const std::exception& e) {
    say(train::MessageLevel::Error, "export to " + path.toStdString() + " failed: " + e.what());
  }
}

}  // namespace nw::gui
