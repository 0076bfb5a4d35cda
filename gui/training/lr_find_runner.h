#pragma once
// The GUI adapter of the learning-rate finder (train/lr_finder.h): runs find_lr on a thread of
// its own and hands its points and result to the GUI thread as queued signals. Cancel sets the
// finder's stop flag (it ends after the batch in progress); the destructor cancels and waits.
//
//   LrFindRunner runner;
//   connect(&runner, &LrFindRunner::pointsArrived, plot, &LrFindPlot::append);
//   connect(&runner, &LrFindRunner::finished, this, &Dialog::show_result);
//   runner.start(project, options, weights);  // weights: null for fresh ones from the seed
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>
#include <QVector>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "io/project.h"
#include "train/lr_finder.h"

Q_DECLARE_METATYPE(nw::train::LrFindResult)

namespace nw::gui {

class LrFindRunner : public QObject {
  Q_OBJECT

 public:
  explicit LrFindRunner(QObject* parent = nullptr);
  ~LrFindRunner() override;

  // Refused (false) while a sweep is going. options.weights, on_step and stop are the runner's.
  bool start(const io::Project& project, const train::LrFindOptions& options,
             std::shared_ptr<const nn::StateDict> weights);
  void cancel();
  bool running() const { return thread_ != nullptr; }

 signals:
  // At most every 50 ms, however fast the batches come: the points since the last delivery.
  void pointsArrived(const QVector<nw::train::LrPoint>& points, qint64 step, qint64 steps);
  void finished(const nw::train::LrFindResult& result);
  void failed(const QString& message);  // the sweep could not start (bad weights, bad project)

 private:
  void flush();

  QThread* thread_ = nullptr;
  std::atomic<bool> stop_{false};
  QTimer flush_timer_;
  std::mutex mutex_;  // guards the fields below it, written by the sweep's thread
  QVector<train::LrPoint> pending_;
  qint64 step_ = 0, steps_ = 0;
  std::optional<train::LrFindResult> result_;
  QString error_;
};

}  // namespace nw::gui
