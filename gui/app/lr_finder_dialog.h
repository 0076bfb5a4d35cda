#pragma once
// Train > Find Learning Rate...: runs the learning-rate finder (train/lr_finder.h) on the project
// off the GUI thread (LrFindRunner), plots the loss against the rate as it comes (LrFindPlot),
// marks both rules' rates and the suggestion, and offers "Use <rate>", which emits useRate: the
// main window puts it into training.optimizer.lr as one undo step. The sweep starts from a copy
// of the last run's weights when there are some (and they are chosen), else from fresh weights
// from the project's seed; Cancel stops it after the batch in progress.
//
//   auto* d = new LrFinderDialog(project, training->last_weights(), 0, this);
//   connect(d, &LrFinderDialog::useRate, this, &MainWindow::set_learning_rate);
//   d->open();
//   d->start();
#include <QDialog>

#include <memory>
#include <optional>

#include "io/project.h"
#include "nn/module.h"
#include "train/lr_finder.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace nw::gui {

class LrFindPlot;
class LrFindRunner;

class LrFinderDialog : public QDialog {
  Q_OBJECT

 public:
  // `project`: as a run would train it (the device chosen); `weights`: a copy of the last run's,
  // or null; `limit` > 0: only the first `limit` samples of each split (WindowHooks).
  LrFinderDialog(io::Project project, std::shared_ptr<const nn::StateDict> weights, int64_t limit,
                 QWidget* parent = nullptr);
  ~LrFinderDialog() override;

  void start();   // a sweep with the fields' options; a bad option is shown, not run
  void cancel();  // stops a sweep going on
  bool running() const;
  // The last finished sweep's suggestion, rounded to two significant digits as "Use" shows it.
  std::optional<double> suggested() const { return suggested_; }
  const LrFindPlot* plot() const { return plot_; }

 signals:
  void useRate(double lr);
  void sweepEnded();  // finished, stopped or failed

 protected:
  void reject() override;  // Close and Escape: a sweep going on stops first

 private:
  void on_finished(const train::LrFindResult& result);
  void on_failed(const QString& message);
  void set_running(bool on);

  io::Project project_;
  std::shared_ptr<const nn::StateDict> weights_;
  int64_t limit_ = 0;
  std::optional<double> suggested_;
  LrFindRunner* runner_ = nullptr;
  LrFindPlot* plot_ = nullptr;
  QComboBox* start_from_ = nullptr;
  QLineEdit* start_lr_ = nullptr;
  QLineEdit* end_lr_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QLabel* rules_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* use_ = nullptr;
};

}  // namespace nw::gui
