#include "app/main_window.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include "app/block_menu.h"
#include "app/messages_panel.h"
#include "app/window_fit.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "editor/graph_scene.h"
#include "editor/palette_widget.h"
#include "evaluation/evaluation_widget.h"
#include "experiments/experiments.h"
#include "inspector/inspector_widget.h"
#include "training/cluster_run.h"
#include "training/health_history.h"
#include "training/layer_health_panel.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"

namespace nw::gui {

MainWindow::MainWindow(WindowHooks hooks, QWidget* parent)
    : QMainWindow(parent),
      hooks_(std::move(hooks)),
      document_(new ProjectDocument(this)),
      autosave_timer_(new QTimer(this)) {
  setObjectName("mainWindow");
  setWindowIcon(QIcon(":/icons/netwright.svg"));
  setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
  make_training_controller();
  make_docks();
  make_cluster_run();
  make_file_menu();
  make_edit_menu();
  new BlockMenu(this, menuBar(), hooks_.files, document_, editor_, palette_, messages_);
  make_view_menu();
  make_train_menu();
  make_help_menu();
  make_toolbars();
  make_status_bar();
  if (hooks_.restore_layout)
    restore_window_state();
  else
    resize(1400, 900);

  connect(document_, &ProjectDocument::modifiedChanged, this, [this] { update_title(); });
  connect(document_, &ProjectDocument::pathChanged, this, [this] { update_title(); });
  connect(document_, &ProjectDocument::configChanged, this, [this] { update_title(); });
  connect(document_, &ProjectDocument::editFailed, this, [this](const QString& message) {
    messages_->add_log(MessagesPanel::Level::Error, message);
    statusBar()->showMessage(message, 10000);
  });
  // The whole project's problems, also while a block is open: an error inside a block is on
  // the use that causes it.
  auto show_diagnostics = [this] {
    messages_->set_diagnostics(document_->project_analysis(), document_->project().graph);
  };
  connect(document_, &ProjectDocument::analysisChanged, this, show_diagnostics);
  show_diagnostics();

  autosave_timer_->setInterval(hooks_.autosave_ms);
  connect(autosave_timer_, &QTimer::timeout, this, &MainWindow::autosave);
  autosave_timer_->start();
  if (!recovery_.acquire())
    log(tr("Another Netwright is running: this window does not autosave."));
  else if (hooks_.offer_recovery)
    offer_recovery();
  update_title();
  update_training_actions();
}

// NOTE: the recovery file stays: only closeEvent (a clean exit) and saving remove it, so a
// window destroyed any other way leaves the work to be offered next time.
MainWindow::~MainWindow() {
  // QObject deletes children in creation order, which would delete the document and the
  // controller before the views that hold them: views first, then the run, then the document.
  delete takeCentralWidget();
  qDeleteAll(findChildren<QDockWidget*>(Qt::FindDirectChildrenOnly));
  delete experiments_;  // its sweep's stop, before the controller that runs it
  delete cluster_dialog_;
  delete cluster_;   // stops a cluster run and waits for mpirun
  delete training_;  // stops a run and waits for its thread
  delete document_;
}

void MainWindow::make_docks() {
  setCentralWidget(make_editor());
  QDockWidget* palette = make_palette_dock();
  QDockWidget* inspector = make_inspector_dock();
  make_training_docks();
  QDockWidget* messages = make_messages_dock();
  // Bottom: training | messages side by side, evaluation tabbed behind training, so the
  // diagnostics stay in view while a run goes on.
  QDockWidget* training = findChild<QDockWidget*>("trainingDock");
  QDockWidget* evaluation = findChild<QDockWidget*>("evaluationDock");
  splitDockWidget(training, messages, Qt::Horizontal);
  tabifyDockWidget(training, evaluation);
  tabifyDockWidget(training, findChild<QDockWidget*>("layerHealthDock"));
  training->raise();
  resizeDocks({palette, inspector}, {220, 380}, Qt::Horizontal);
  resizeDocks({training, messages}, {900, 500}, Qt::Horizontal);
  resizeDocks({training}, {300}, Qt::Vertical);
  make_experiments();
}

void MainWindow::make_experiments() {
  Experiments::Context c;
  c.window = this;
  c.document = document_;
  c.training = training_;
  c.dashboard = dashboard_;
  c.messages = messages_;
  c.files = hooks_.files;
  c.runs = [this] { return disk_runs(true); };
  c.own_run = [this](const QString& dir) {
    if (!own_runs_.contains(dir)) own_runs_ << dir;
  };
  c.show_latest_runs = [this] { show_disk_runs(); };
  c.device = [this] { return device_choice(); };
  c.sample_limit = hooks_.sample_limit;
  experiments_ = new Experiments(std::move(c), this);
}

QWidget* MainWindow::make_editor() {
  editor_ = new GraphEditor(document_);
  connect(editor_, &GraphEditor::message, this,
          [this](const QString& text) { statusBar()->showMessage(text, 5000); });
  return editor_;
}

void MainWindow::fit_graph() {
  editor_->show_graph();
}

QDockWidget* MainWindow::make_palette_dock() {
  palette_ = new PaletteWidget;
  editor_->connect_palette(palette_);
  return add_dock("paletteDock", tr("Layers"), palette_, Qt::LeftDockWidgetArea);
}

QDockWidget* MainWindow::make_inspector_dock() {
  inspector_ = new InspectorWidget(document_);
  connect(editor_, &GraphEditor::selectionChanged, inspector_, &InspectorWidget::set_selection);
  QDockWidget* dock =
      add_dock("inspectorDock", tr("Inspector"), inspector_, Qt::RightDockWidgetArea);
  // A double-click on a node brings its inspector forward (if the dock was closed or hidden).
  connect(editor_, &GraphEditor::nodeActivated, dock, [dock] {
    dock->show();
    dock->raise();
  });
  return dock;
}

void MainWindow::make_training_docks() {
  dashboard_ = new TrainingDashboard(training_);
  QDockWidget* training =
      add_dock("trainingDock", tr("Training"), dashboard_, Qt::BottomDockWidgetArea);
  evaluation_ = new EvaluationWidget;
  evaluation_->attach(training_);
  QDockWidget* evaluation =
      add_dock("evaluationDock", tr("Evaluation"), evaluation_, Qt::BottomDockWidgetArea);
  // Layer health: sampled by the worker, drawn in its dock and on the editor's nodes.
  health_ = new HealthHistory(this);
  connect(training_, &TrainingController::runStarted, health_, &HealthHistory::clear);
  connect(training_, &TrainingController::healthSampled, health_, &HealthHistory::add);
  health_panel_ = new LayerHealthPanel(health_);
  add_dock("layerHealthDock", tr("Layer Health"), health_panel_, Qt::BottomDockWidgetArea);
  editor_->scene()->set_health(health_);
  // A run brings the plots forward, an evaluation its results.
  connect(training_, &TrainingController::runStarted, training, &QDockWidget::raise);
  connect(training_, &TrainingController::evaluationReady, evaluation, &QDockWidget::raise);
}

QDockWidget* MainWindow::make_messages_dock() {
  messages_ = new MessagesPanel;
  connect(messages_, &MessagesPanel::nodeActivated, editor_, &GraphEditor::select_project_node);
  return add_dock("messagesDock", tr("Messages"), messages_, Qt::BottomDockWidgetArea);
}

QDockWidget* MainWindow::add_dock(const QString& name, const QString& title, QWidget* body,
                                  Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(name);  // saveState/restoreState key
  dock->setWidget(body);
  addDockWidget(area, dock);
  return dock;
}

void MainWindow::update_title() {
  setWindowTitle(QStringLiteral("%1[*] — Netwright").arg(document_->display_name()));
  setWindowModified(document_->is_modified() || restored_);
}

void MainWindow::restore_window_state() {
  QSettings settings;
  // A first start gets the screen's available area (up to a limit), centred; a geometry saved
  // on a larger screen, or at another scale, is fitted. Either way the frame stays on screen.
  const bool restored = restoreGeometry(settings.value("window/geometry").toByteArray());
  if (!restored) resize(first_start_size(this));
  restoreState(settings.value("window/state").toByteArray());
  fit_to_screen(this, !restored);
}

void MainWindow::save_window_state() {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
}

void MainWindow::log(const QString& text) {
  messages_->add_log(MessagesPanel::Level::Info, text);
}

void MainWindow::set_theme(Theme theme) {
  apply_theme(theme);
  if (QAction* a = action("theme." + to_string(theme))) a->setChecked(true);
}

QAction* MainWindow::action(const QString& name) const {
  return findChild<QAction*>(name);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirm_discard()) {
    event->ignore();
    return;
  }
  // The controller's destructor waits for the run to stop (one batch at most).
  training_->stop();
  cluster_->stop();  // its destructor waits for the ranks' checkpoint
  if (hooks_.restore_layout) save_window_state();
  if (recovery_mine_) recovery_.remove();
  autosave_timer_->stop();
  event->accept();
}

}  // namespace nw::gui
