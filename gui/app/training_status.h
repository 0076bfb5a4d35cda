#pragma once
// The training half of the status bar: epoch and batch, a progress bar over the whole run,
// samples per second and the estimated time left. It is fed plain numbers, so it does not care
// which object reports the training progress. The figures change a few times a second
// (training/frame_rate.h), however often they are fed.
#include <QWidget>

#include "training/frame_rate.h"

class QLabel;
class QProgressBar;

namespace nw::gui {

class TrainingStatus : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingStatus(QWidget* parent = nullptr);

  // epoch, batch: 1-based; batch_size turns samples/s into time per batch for the ETA.
  void set_progress(qint64 epoch, qint64 epochs, qint64 batch, qint64 batches,
                    double samples_per_second, qint64 batch_size);
  void set_state(const QString& text);  // "Paused", "Stopped", "Finished"; hides the bar
  void clear();

  QString progress_text() const;
  QString speed_text() const;
  QString eta_text() const;

 private:
  struct Progress {
    qint64 epoch = 0, epochs = 0, batch = 0, batches = 0, batch_size = 0;
    double samples_per_second = 0.0;
  };
  void write_progress();

  Progress latest_;
  Throttle throttle_;
  QLabel* progress_;
  QProgressBar* bar_;
  QLabel* speed_;
  QLabel* eta_;
};

// "1:05:09", "4:07", "0:09"
QString format_duration(double seconds);
// "Training Fashion-MNIST MLP on CPU"; "Training on CPU" for a project with no name.
QString run_started_text(const QString& name, const QString& device);
// "Stopped after 1 epoch", "Finished after 5 epochs"; `state` as train::to_string spells it.
QString run_ended_text(const QString& state, qint64 epochs);

}  // namespace nw::gui
