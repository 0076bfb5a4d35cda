#pragma once
// Train > Run on Cluster...: the open project as a data-parallel run. Ranks, nodes, GPUs per
// node and a time limit give a ready `mpirun` command line and a Slurm batch script
// (dist/launch_script.h), shown read-only to copy or save; Start Local Run asks the window to
// start that mpirun line here, and the run's batches come into the training plots. Modeless, so
// the plots stay in reach; Stop (here or Train > Stop) stops the ranks with a checkpoint.
#include <QDialog>

#include <functional>

#include "dist/launch_script.h"
#include "io/project.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace nw::gui {

class ClusterRun;

class RunOnClusterDialog : public QDialog {
  Q_OBJECT

 public:
  struct Context {
    io::Project project;  // as open; project.path is its file (empty while untitled)
    bool modified = false;
    int64_t limit = 0;  // > 0: --limit (the window's sample limit, for quick trials and tests)
    // Asks where to save the script (FileDialogs::save); empty when cancelled.
    std::function<QString(const QString& suggested)> ask_script_path;
    // Asks for the metrics file of a run to follow (FileDialogs::open); empty when cancelled.
    std::function<QString(const QString& folder)> ask_metrics_path;
  };
  RunOnClusterDialog(ClusterRun* run, Context context, QWidget* parent = nullptr);

  // The project changed (saved, renamed, another one opened).
  void set_context(Context context);
  // As the fields say: for the mpirun line on this machine (nodes 1) or a cluster's hosts.
  dist::LaunchSpec mpirun_spec() const;
  dist::LaunchSpec slurm_spec() const;
  QString command() const;
  QString script() const;

 signals:
  // Start Local Run: start `spec`'s mpirun line on this machine.
  void startRequested(const nw::dist::LaunchSpec& spec);
  void stopRequested();
  // Follow Run...: plot the run writing `metrics` (a cluster job on a shared file system).
  void followRequested(const QString& metrics);
  void saveProjectRequested();

 private:
  QWidget* make_fields();
  QWidget* make_texts();
  QWidget* make_local_run();
  dist::LaunchSpec base_spec() const;
  void update_text();
  void update_local();
  void save_script();
  void follow_run();

  ClusterRun* run_;
  Context context_;
  std::string run_name_;  // the mpirun line's run folder, renewed at each start
  QSpinBox* ranks_ = nullptr;
  QSpinBox* nodes_ = nullptr;
  QSpinBox* gpus_ = nullptr;
  QSpinBox* hours_ = nullptr;
  QSpinBox* minutes_ = nullptr;
  QLabel* problem_ = nullptr;
  QLineEdit* command_ = nullptr;
  QPlainTextEdit* script_ = nullptr;
  QLabel* script_status_ = nullptr;
  QLabel* project_note_ = nullptr;
  QPushButton* save_project_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* stop_ = nullptr;
  QPushButton* follow_ = nullptr;
  QLabel* local_status_ = nullptr;
};

}  // namespace nw::gui
