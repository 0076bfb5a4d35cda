#pragma once
// The training half of the status bar: epoch and batch, a progress bar over the whole run,
// samples per second and the estimated time left. It is fed plain numbers, so it does not care
// which object reports the training progress.
#include <QWidget>

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
  QLabel* progress_;
  QProgressBar* bar_;
  QLabel* speed_;
  QLabel* eta_;
};

// "1:05:09", "4:07", "0:09"
QString format_duration(double seconds);

}  // namespace nw::gui
