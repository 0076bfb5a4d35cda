#include "training/lr_find_runner.h"

namespace nw::gui {

LrFindRunner::LrFindRunner(QObject* parent) : QObject(parent) {
  qRegisterMetaType<QVector<train::LrPoint>>();
  qRegisterMetaType<train::LrFindResult>();
  flush_timer_.setInterval(50);
  connect(&flush_timer_, &QTimer::timeout, this, &LrFindRunner::flush);
}

LrFindRunner::~LrFindRunner() {
  if (!thread_) return;
  stop_ = true;
  thread_->wait();
  delete thread_;
}

bool LrFindRunner::start(const io::Project& project, const train::LrFindOptions& options,
                         std::shared_ptr<const nn::StateDict> weights) {
  if (thread_) return false;
  stop_ = false;
  steps_ = options.steps;
  step_ = 0;
  result_.reset();
  error_.clear();
  thread_ = QThread::create([this, project, options, weights] {
    train::LrFindOptions o = options;
    o.weights = weights.get();
    o.stop = &stop_;
    o.on_step = [this](const train::LrPoint& p, int64_t step) {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.push_back(p);
      step_ = step;
    };
    try {
      train::LrFindResult r =
          train::find_lr(project, o, [](train::MessageLevel, const std::string&) {});
      std::lock_guard<std::mutex> lock(mutex_);
      result_ = std::move(r);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = QString::fromStdString(e.what());
    }
  });
  thread_->setObjectName(QStringLiteral("netwright-lr-find"));
  // Queued to this (the GUI) thread: the sweep is over and its fields are final.
  connect(thread_, &QThread::finished, this, [this] {
    flush_timer_.stop();
    flush();
    thread_->deleteLater();
    thread_ = nullptr;
    if (result_)
      emit finished(*result_);
    else
      emit failed(error_);
  });
  thread_->start(QThread::LowPriority);
  flush_timer_.start();
  return true;
}

void LrFindRunner::cancel() {
  stop_ = true;
}

void LrFindRunner::flush() {
  QVector<train::LrPoint> points;
  qint64 step = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    points.swap(pending_);
    step = step_;
  }
  if (!points.isEmpty()) emit pointsArrived(points, step, steps_);
}

}  // namespace nw::gui
