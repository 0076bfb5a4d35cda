#pragma once
// The application window: the node editor in the middle, the layer palette left, the inspector
// right, the training dashboard (tabbed with evaluation and layer health) and the messages panel
// at the bottom;
// menus, a toolbar with the training controls and a status bar with the device and the run's
// progress. It owns the ProjectDocument; every dialog and question goes through WindowHooks so
// tests drive it without modal dialogs.
//
// The body is split by concern: main_window.cpp (docks, title, settings, closing),
// main_window_actions.cpp (actions, menus, toolbars), main_window_files.cpp (files, recent,
// templates, autosave and recovery), main_window_training.cpp (training controls, status bar),
// main_window_export.cpp (checkpoint, weights and plot exports), main_window_runs.cpp (the
// project's runs on disk: the dashboard on opening, Evaluate and what Export offers),
// main_window_cluster.cpp (Train > Run on Cluster... and the local mpirun run it starts).
#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "app/recovery_file.h"
#include "app/run_on_cluster_dialog.h"
#include "app/theme.h"
#include "app/window_hooks.h"

class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;
class QTimer;

namespace nw::train {
struct EpochStats;
enum class MessageLevel;
struct RunInfo;
struct SessionOptions;
}  // namespace nw::train

namespace nw::gui {

class ClusterRun;
class EvaluationWidget;
class Experiments;
class GraphEditor;
class HealthHistory;
class InspectorWidget;
class LayerHealthPanel;
class MessagesPanel;
class PaletteWidget;
class ProjectDocument;
class TrainingController;
class TrainingDashboard;
class TrainingStatus;
using TrainingOptions = train::SessionOptions;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // Offers a recovery file left by a crash (unless hooks.offer_recovery is false) before the
  // window is shown.
  explicit MainWindow(WindowHooks hooks = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  ProjectDocument* document() const { return document_; }
  GraphEditor* editor() const { return editor_; }
  InspectorWidget* inspector() const { return inspector_; }
  TrainingDashboard* dashboard() const { return dashboard_; }
  EvaluationWidget* evaluation() const { return evaluation_; }
  LayerHealthPanel* layer_health() const { return health_panel_; }
  HealthHistory* health_history() const { return health_; }
  MessagesPanel* messages() const { return messages_; }
  TrainingStatus* training_status() const { return training_status_; }
  TrainingController* training() const { return training_; }
  ClusterRun* cluster_run() const { return cluster_; }
  Experiments* experiments() const { return experiments_; }  // the Runs dock and sweeps
  RecoveryFile& recovery() { return recovery_; }
  // True after the recovery file was restored: the window counts as modified until saved.
  bool restored() const { return restored_; }
  // The action named `name` ("save", "exportCheckpoint", "theme.dark"); nullptr when none.
  QAction* action(const QString& name) const;
  QMenu* recent_menu() const { return recent_menu_; }
  QMenu* template_menu() const { return template_menu_; }
  QString device_choice() const;  // "auto", "cpu" or "cuda"

  // Asks about unsaved changes first. Returns false when the user cancelled or the file cannot
  // be read; then `why` gets the reason, or, when `why` is null, the reason is shown.
  bool open_project(const QString& path, QString* why = nullptr);
  // A bundled project as a new, untitled one (saving asks where).
  bool new_from_template(const QString& path, QString* why = nullptr);
  // The last open project (QSettings), else the bundled fashion-mnist-mlp.
  bool open_default_project(QString* why = nullptr);
  // Every bundled project under bundled_projects_dir() (runs/ folders skipped), sorted.
  static QStringList template_paths();

  // Shows the graph as a project opens: all of it, or its start at a readable zoom.
  void fit_graph();
  // Trains `epochs` epochs of the open project (at most its configured number) and returns when
  // the run has ended, the event loop running meanwhile; false with `why` when it failed.
  // For --screenshot-after-epochs.
  bool train_epochs(int epochs, QString* why);

 public slots:
  void new_project();
  void open_with_dialog();
  bool save();
  bool save_as();
  // The autosave timer's slot: writes the recovery file while there are unsaved changes and
  // removes it when there are none.
  void autosave();
  void set_theme(nw::gui::Theme theme);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  // ---- docks (main_window.cpp): one function per panel, so a panel is wired in one place.
  void make_docks();
  QWidget* make_editor();
  QDockWidget* make_palette_dock();
  QDockWidget* make_inspector_dock();
  void make_training_docks();
  QDockWidget* make_messages_dock();
  void make_experiments();  // the Runs dock and Train > Sweep... (gui/experiments/experiments.h)
  QDockWidget* add_dock(const QString& name, const QString& title, QWidget* body,
                        Qt::DockWidgetArea area);
  void update_title();
  void restore_window_state();
  void save_window_state();
  void log(const QString& text);

  // ---- actions (main_window_actions.cpp)
  QAction* make_action(const QString& name, const QString& text, const QString& icon = {},
                       const QKeySequence& shortcut = {});
  void make_file_menu();
  void make_edit_menu();
  // ---- Edit > Group Into Block and Ungroup (main_window_blocks.cpp)
  void make_block_actions(QMenu* edit_menu);
  void update_block_actions();
  void group_into_block();
  void ungroup_block();
  void make_view_menu();
  void make_train_menu();
  void make_help_menu();
  void make_toolbars();
  // "Train (F5)": the tooltip names the shortcut, and follows the action's text.
  static void show_shortcut_in_tooltip(QAction* a);
  void find_layer();
  void show_layer_reference();
  void show_about();

  // ---- files (main_window_files.cpp)
  // Save / Discard / Cancel when there are unsaved changes; true when it is fine to go on.
  bool confirm_discard();
  bool save_to(const QString& path);
  void project_replaced(const QString& path);  // after open/new: title, recent, combo, log
  void rebuild_recent_menu();
  void rebuild_template_menu();
  void offer_recovery();
  void import_weights();

  // ---- training (main_window_training.cpp)
  void make_training_controller();
  QWidget* make_device_selector();
  void make_status_bar();
  void update_device_label();
  void update_device_choice();  // the selector follows the project's training.device
  void update_training_actions();
  // The open project with the device selector's choice (and `epochs` when > 0).
  bool start_run(const TrainingOptions& options, int epochs = 0);
  void start_training();
  void toggle_pause();
  void resume_from_checkpoint();
  void evaluate();       // the latest run's best weights (else the weights in memory)
  void evaluate_last();  // the latest run's last checkpoint (else the weights in memory)
  // The latest run's best (or last) checkpoint on disk; else the network of this window's run.
  void evaluate_run(bool best);
  void evaluate_live();        // the network the worker holds: the run going on, or the last one
  void evaluate_checkpoint();  // asks for a checkpoint of this project and evaluates it
  void evaluate_file(const QString& checkpoint);
  // Points at the node a failed run names (or the first node with an error): selected, with
  // the reason in the status bar.
  void show_failure_on_node(const QString& reason);
  // A checkpoint of this project's runs, or the weights in memory (an empty path); nullopt when
  // there is none or the user cancelled. `file_name` is the default name of its export.
  struct ChosenWeights {
    QString path, file_name;
  };
  std::optional<ChosenWeights> choose_weights(const QString& title);
  void export_checkpoint();
  void export_weights();
  void finish_weights_export();  // the full checkpoint has arrived: keep only the model
  void export_plots();
  // File > Export > ONNX / PyTorch Code, File > Import ONNX (main_window_interop.cpp).
  enum class ModelFormat { Onnx, PyTorch };
  void export_model(ModelFormat format);
  void finish_model_export();  // the worker's checkpoint has arrived
  void write_model(ModelFormat format, const QString& checkpoint, const QString& target,
                   bool remove_checkpoint);
  void import_onnx();
  // Runs `work` on its own thread behind a busy progress dialog, then `done` on the GUI thread
  // with the exception's message, or an empty string.
  void run_in_background(const QString& label, std::function<void()> work,
                         std::function<void(const QString& error)> done);
  void edit_training_settings();
  // Train > Find Learning Rate... (main_window_lr_find.cpp): the finder's dialog over a copy of
  // the last run's weights or fresh ones; "Use" sets training.optimizer.lr as one undo step.
  void find_learning_rate();
  void set_learning_rate(double lr);
  void log_epoch(const train::EpochStats& e);  // "Epoch 3: train loss ..." in the messages
  void show_run_message(train::MessageLevel level, const QString& text);

  // ---- cluster runs (main_window_cluster.cpp)
  void make_cluster_run();
  RunOnClusterDialog::Context cluster_context();
  void show_run_on_cluster();
  void start_cluster_run(const dist::LaunchSpec& spec);
  void follow_cluster_run(const QString& metrics);
  void stop_run();  // Train > Stop: the cluster run, else this window's run

  // ---- runs on disk (main_window_runs.cpp)
  // This project's runs on disk, newest first (train/run_index.h); for an untitled project only
  // those this window started for it, since another untitled project's runs are not its own.
  // `all`: also the runs without a checkpoint that have a record (RunListing::All, the Runs dock).
  std::vector<train::RunInfo> disk_runs(bool all = false) const;
  void show_disk_runs();  // the dashboard: the latest runs' curves, or an empty one
  // A run of the project being replaced is stopped (it writes its checkpoint) before the next
  // project shows, so nothing of it reaches the new project's dashboard.
  void end_run_for_switch();
  // "best.h5 of run 20261207-041106 (epoch 7, val accuracy 87.85%)"
  QString describe_weights(const QString& checkpoint) const;
  QString project_stem() const;   // for file names: "fashion-mnist-mlp", never "x.nwproj"
  QString export_folder() const;  // where export dialogs start: the project's folder, else home

  WindowHooks hooks_;
  ProjectDocument* document_;
  RecoveryFile recovery_;
  bool restored_ = false;
  // This session wrote the recovery file, or dealt with the one it found; only then does it
  // remove it (--no-restore leaves a crashed session's file alone).
  bool recovery_mine_ = false;
  QTimer* autosave_timer_;
  QString init_checkpoint_;  // Import weights...: the next run starts from these

  TrainingController* training_ = nullptr;
  ClusterRun* cluster_ = nullptr;
  Experiments* experiments_ = nullptr;
  QPointer<RunOnClusterDialog> cluster_dialog_;
  bool has_run_ = false;     // a run was started: evaluate and export have a network
  QStringList own_runs_;     // run folders this window started for the open project
  QString pending_weights_;  // what the evaluation under way evaluates (describe_weights)
  qint64 run_batch_size_ = 0;
  std::pair<QString, QString> weights_export_;  // (full checkpoint, weights file) while exporting
  struct ModelExport {
    ModelFormat format = ModelFormat::Onnx;
    QString checkpoint, target;  // the worker's checkpoint, on its way; the file to write
  } model_export_;
  int background_jobs_ = 0;  // conversions under way (run_in_background)

  GraphEditor* editor_ = nullptr;
  PaletteWidget* palette_ = nullptr;
  InspectorWidget* inspector_ = nullptr;
  TrainingDashboard* dashboard_ = nullptr;
  EvaluationWidget* evaluation_ = nullptr;
  HealthHistory* health_ = nullptr;  // the run's layer health: the dock and the sparklines
  LayerHealthPanel* health_panel_ = nullptr;
  MessagesPanel* messages_ = nullptr;
  TrainingStatus* training_status_ = nullptr;
  QLabel* device_label_ = nullptr;
  bool cuda_known_ = false;  // the CUDA plugin was probed (off the GUI thread)
  QComboBox* device_combo_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QMenu* template_menu_ = nullptr;
  QMenu* panels_menu_ = nullptr;
};

}  // namespace nw::gui
