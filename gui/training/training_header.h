#pragma once
// The line above the training plots: progress over the whole run (epoch and batch), speed,
// estimated time left, the best validation metric so far and the controller's state. The batch
// figures change a few times a second (frame_rate.h): the eye cannot read more, and every new
// text costs a layout pass and a repaint.
#include <QWidget>

#include <optional>

#include "train/trainer.h"
#include "training/frame_rate.h"
#include "training/training_types.h"

class QLabel;
class QProgressBar;

namespace nw::gui {

class TrainingHeader : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingHeader(QWidget* parent = nullptr);

  void start(int64_t total_epochs);
  // No run going: `text` in the bar ("no runs yet", a run read from disk), nothing else.
  void show_saved(const QString& text);
  void show_batch(const BatchPoint& point);
  void show_epoch(const train::EpochStats& stats);
  void show_state(TrainingState state);
  void show_finished(const train::RunResult& result);

  QString progress_text() const;
  QString speed_text() const;
  QString eta_text() const;
  QString best_text() const;

 private:
  void write_batch();

  QProgressBar* bar_;
  QLabel* state_;
  QLabel* speed_;
  QLabel* eta_;
  QLabel* best_;
  int64_t total_epochs_ = 0;
  std::optional<BatchPoint> first_;  // of this run: samples per batch for the ETA
  std::optional<double> best_value_;
  bool best_is_accuracy_ = false;
  bool saved_best_ = false;  // this run marks the epochs it keeps as best.h5
  BatchPoint latest_;
  Throttle batch_text_;
};

// "1:05:09", "4:07", "0:09"
QString format_eta(double seconds);

}  // namespace nw::gui
