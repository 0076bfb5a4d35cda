#pragma once
// The window's experiments: the Runs dock (every run of the open project, RunsDock), Train >
// Sweep... (SweepDialog) and the sweep it runs on the training thread (SweepJob). The dock is
// re-read when the project opens, when a run ends and when each sweep trial ends, so it always
// shows what is on disk; checked runs go to the dashboard's plots, and Diff Projects compares
// the projects two runs were trained with.
//
//   auto* experiments = new Experiments({window, document, training, dashboard, messages, ...});
//   train_menu->addAction(experiments->sweep_action());
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <vector>

#include "app/window_hooks.h"
#include "experiments/sweep_dialog.h"
#include "train/run_index.h"
#include "train/sweep_spec.h"

class QAction;
class QDockWidget;
class QMainWindow;

namespace nw::gui {

class MessagesPanel;
class ProjectDocument;
class RunsDock;
struct RunHistory;
class SweepJob;
class TrainingController;
class TrainingDashboard;

class Experiments : public QObject {
  Q_OBJECT

 public:
  struct Context {
    QMainWindow* window = nullptr;
    ProjectDocument* document = nullptr;
    TrainingController* training = nullptr;
    TrainingDashboard* dashboard = nullptr;
    MessagesPanel* messages = nullptr;
    FileDialogs files;
    // The open project's runs, newest first (MainWindow::disk_runs).
    std::function<std::vector<train::RunInfo>()> runs;
    // A run folder this window started (a sweep's trial): an untitled project lists only those.
    std::function<void(const QString& dir)> own_run;
    // Puts the dashboard back to its own choice of runs when none is checked (the latest).
    std::function<void()> show_latest_runs;
    std::function<QString()> device;  // the device selector's choice: "auto", "cpu", "cuda"
    int64_t sample_limit = 0;         // WindowHooks::sample_limit: the trials' --limit
  };
  // Adds the Runs dock to the window (tabbed with the Training dock) and makes the Sweep action.
  explicit Experiments(Context context, QObject* parent = nullptr);

  QDockWidget* dock() const { return dock_; }
  RunsDock* runs_dock() const { return panel_; }
  QAction* sweep_action() const { return sweep_action_; }
  SweepJob* sweep_job() const { return job_; }
  SweepDialog* sweep_dialog() const { return dialog_; }  // while open

  void refresh();  // re-reads the open project's runs
  void show_sweep_dialog();
  // Runs `spec` on the open project; false with the reason (also in the Messages dock).
  bool start_sweep(const train::SweepSpec& spec, QString* why = nullptr);

 signals:
  void sweepFinished();

 private:
  void overlay(const QStringList& names);
  void diff(const QString& run_a, const QString& run_b);
  void update_action();
  void log(const QString& text, bool error = false);
  void connect_job();

  Context c_;
  QDockWidget* dock_;
  RunsDock* panel_;
  QAction* sweep_action_;
  SweepJob* job_;
  QPointer<SweepDialog> dialog_;
};

}  // namespace nw::gui
