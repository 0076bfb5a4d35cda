// MainWindow: actions, menus and toolbars. Every action has an objectName (MainWindow::action).
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

#include "app/layer_reference_dialog.h"
#include "app/main_window.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "experiments/experiments.h"
#include "training/training_controller.h"

namespace nw::gui {

QAction* MainWindow::make_action(const QString& name, const QString& text, const QString& icon,
                                 const QKeySequence& shortcut) {
  auto* a = new QAction(text, this);
  a->setObjectName(name);
  if (!icon.isEmpty()) a->setIcon(QIcon(QStringLiteral(":/icons/%1.svg").arg(icon)));
  if (!shortcut.isEmpty()) a->setShortcut(shortcut);
  return a;
}

void MainWindow::make_file_menu() {
  QMenu* menu = menuBar()->addMenu(tr("&File"));
  QAction* a = make_action("new", tr("&New"), "new", QKeySequence::New);
  connect(a, &QAction::triggered, this, &MainWindow::new_project);
  menu->addAction(a);
  template_menu_ = menu->addMenu(tr("New from &Template"));
  template_menu_->setObjectName("templateMenu");
  rebuild_template_menu();
  a = make_action("open", tr("&Open..."), "open", QKeySequence::Open);
  connect(a, &QAction::triggered, this, &MainWindow::open_with_dialog);
  menu->addAction(a);
  recent_menu_ = menu->addMenu(tr("Open &Recent"));
  recent_menu_->setObjectName("recentMenu");
  connect(recent_menu_, &QMenu::aboutToShow, this, &MainWindow::rebuild_recent_menu);
  rebuild_recent_menu();
  menu->addSeparator();
  a = make_action("save", tr("&Save"), "save", QKeySequence::Save);
  connect(a, &QAction::triggered, this, &MainWindow::save);
  menu->addAction(a);
  a = make_action("saveAs", tr("Save &As..."), {}, QKeySequence::SaveAs);
  connect(a, &QAction::triggered, this, &MainWindow::save_as);
  menu->addAction(a);
  menu->addSeparator();
  // Models and weights in and out (docs/interop.md), each direction in a submenu.
  QMenu* import = menu->addMenu(tr("&Import"));
  import->setObjectName("importMenu");
  a = make_action("importOnnx", tr("&ONNX Model..."));
  a->setStatusTip(tr("A new project from an ONNX model, with its weights, ready to fine-tune"));
  connect(a, &QAction::triggered, this, &MainWindow::import_onnx);
  import->addAction(a);
  a = make_action("importWeights", tr("&Weights..."));
  a->setStatusTip(
      tr("Start the next training run from the matching weights of a checkpoint or a "
         "PyTorch .pt/.pth file"));
  connect(a, &QAction::triggered, this, &MainWindow::import_weights);
  import->addAction(a);
  QMenu* exports = menu->addMenu(tr("&Export"));
  exports->setObjectName("exportMenu");
  a = make_action("exportOnnx", tr("&ONNX..."));
  a->setStatusTip(tr("The network and its weights as ONNX, for onnxruntime, TensorRT or Netron"));
  connect(a, &QAction::triggered, this, [this] { export_model(ModelFormat::Onnx); });
  exports->addAction(a);
  a = make_action("exportPytorch", tr("&PyTorch Code..."));
  a->setStatusTip(tr("One Python file: the network, its data and training loop, in PyTorch"));
  connect(a, &QAction::triggered, this, [this] { export_model(ModelFormat::PyTorch); });
  exports->addAction(a);
  exports->addSeparator();
  a = make_action("exportCheckpoint", tr("&Checkpoint..."));
  connect(a, &QAction::triggered, this, &MainWindow::export_checkpoint);
  exports->addAction(a);
  a = make_action("exportWeights", tr("&Weights..."));
  connect(a, &QAction::triggered, this, &MainWindow::export_weights);
  exports->addAction(a);
  a = make_action("exportPlots", tr("&Plots as PNG/PDF..."));
  connect(a, &QAction::triggered, this, &MainWindow::export_plots);
  exports->addAction(a);
  menu->addSeparator();
  a = make_action("quit", tr("&Quit"), {}, QKeySequence::Quit);
  a->setMenuRole(QAction::QuitRole);
  connect(a, &QAction::triggered, this, &QWidget::close);
  menu->addAction(a);
}

void MainWindow::make_edit_menu() {
  QMenu* menu = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = document_->undo_stack()->createUndoAction(this, tr("&Undo"));
  undo->setObjectName("undo");
  undo->setIcon(QIcon(":/icons/undo.svg"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = document_->undo_stack()->createRedoAction(this, tr("&Redo"));
  redo->setObjectName("redo");
  redo->setIcon(QIcon(":/icons/redo.svg"));
  // The platform's redo keys (Ctrl+Shift+Z on Linux) and Ctrl+Y, redo on Windows and in many
  // Linux tools.
  QList<QKeySequence> redo_keys = QKeySequence::keyBindings(QKeySequence::Redo);
  if (!redo_keys.contains(QKeySequence(Qt::CTRL | Qt::Key_Y)))
    redo_keys << QKeySequence(Qt::CTRL | Qt::Key_Y);
  redo->setShortcuts(redo_keys);
  menu->addActions({undo, redo});
  menu->addSeparator();
  const struct {
    const char* name;
    QString text;
    QKeySequence key;
    void (GraphEditor::*slot)();
  } edits[] = {
      {"cut", tr("Cu&t"), QKeySequence::Cut, &GraphEditor::cut},
      {"copy", tr("&Copy"), QKeySequence::Copy, &GraphEditor::copy},
      {"paste", tr("&Paste"), QKeySequence::Paste, &GraphEditor::paste},
      {"duplicate", tr("&Duplicate"), QKeySequence(Qt::CTRL | Qt::Key_D), &GraphEditor::duplicate},
      {"delete", tr("De&lete"), QKeySequence::Delete, &GraphEditor::delete_selection},
      {"selectAll", tr("Select &All"), QKeySequence::SelectAll, &GraphEditor::select_all},
  };
  for (const auto& e : edits) {
    QAction* a = make_action(e.name, e.text, {}, e.key);
    connect(a, &QAction::triggered, editor_, e.slot);
    menu->addAction(a);
  }
  menu->addSeparator();
  make_block_actions(menu);
  menu->addSeparator();
  QAction* find = make_action("findLayer", tr("&Find Layer..."), {}, QKeySequence::Find);
  connect(find, &QAction::triggered, this, &MainWindow::find_layer);
  menu->addAction(find);
  menu->addSeparator();
  // A double-click on a use opens it too; the breadcrumb bar goes back up any number of levels.
  QAction* open_block = make_action("openBlock", tr("&Open Block"));
  connect(open_block, &QAction::triggered, editor_, &GraphEditor::open_selected_block);
  menu->addAction(open_block);
  QAction* close_block =
      make_action("closeBlock", tr("Cl&ose Block"), {}, QKeySequence(Qt::ALT | Qt::Key_Up));
  connect(close_block, &QAction::triggered, editor_, &GraphEditor::close_block);
  connect(document_, &ProjectDocument::scopeChanged, close_block,
          [this, close_block] { close_block->setEnabled(!document_->scope().isEmpty()); });
  close_block->setEnabled(false);
  menu->addAction(close_block);
}

void MainWindow::make_view_menu() {
  QMenu* menu = menuBar()->addMenu(tr("&View"));
  QAction* a = make_action("zoomIn", tr("Zoom &In"), "zoom-in", QKeySequence::ZoomIn);
  connect(a, &QAction::triggered, editor_, &GraphEditor::zoom_in);
  menu->addAction(a);
  a = make_action("zoomOut", tr("Zoom &Out"), "zoom-out", QKeySequence::ZoomOut);
  connect(a, &QAction::triggered, editor_, &GraphEditor::zoom_out);
  menu->addAction(a);
  a = make_action("fit", tr("&Fit Graph"), "fit", QKeySequence(Qt::CTRL | Qt::Key_0));
  connect(a, &QAction::triggered, editor_, &GraphEditor::fit);
  menu->addAction(a);
  a = make_action("autoLayout", tr("Auto &Layout"), "layout", QKeySequence(Qt::CTRL | Qt::Key_L));
  connect(a, &QAction::triggered, document_, &ProjectDocument::auto_layout);
  menu->addAction(a);
  a = make_action("showShapes", tr("Show &Shapes"), {},
                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));
  a->setCheckable(true);
  a->setChecked(QSettings().value("view/showShapes", true).toBool());
  editor_->set_show_shapes(a->isChecked());
  connect(a, &QAction::toggled, this, [this](bool show) {
    editor_->set_show_shapes(show);
    QSettings().setValue("view/showShapes", show);
  });
  menu->addAction(a);
  menu->addSeparator();

  QMenu* themes = menu->addMenu(tr("&Theme"));
  auto* group = new QActionGroup(this);
  for (Theme theme : {Theme::Light, Theme::Dark}) {
    a = make_action("theme." + to_string(theme), theme == Theme::Dark ? tr("&Dark") : tr("&Light"));
    a->setCheckable(true);
    a->setChecked(theme == saved_theme());
    a->setActionGroup(group);
    connect(a, &QAction::triggered, this, [this, theme] { set_theme(theme); });
    themes->addAction(a);
  }
  panels_menu_ = menu->addMenu(tr("&Panels"));
  for (QDockWidget* dock : findChildren<QDockWidget*>())
    panels_menu_->addAction(dock->toggleViewAction());
}

void MainWindow::make_train_menu() {
  QMenu* menu = menuBar()->addMenu(tr("&Train"));
  QAction* a = make_action("train", tr("&Train"), "train", QKeySequence(Qt::Key_F5));
  connect(a, &QAction::triggered, this, &MainWindow::start_training);
  menu->addAction(a);
  a = make_action("pause", tr("&Pause"), "pause", QKeySequence(Qt::Key_F6));
  connect(a, &QAction::triggered, training_, &TrainingController::pause);
  menu->addAction(a);
  a = make_action("resume", tr("&Resume"), "train", QKeySequence(Qt::SHIFT | Qt::Key_F6));
  connect(a, &QAction::triggered, training_, &TrainingController::resume);
  menu->addAction(a);
  a = make_action("stop", tr("&Stop"), "stop", QKeySequence(Qt::SHIFT | Qt::Key_F5));
  connect(a, &QAction::triggered, this, &MainWindow::stop_run);
  menu->addAction(a);
  // The toolbar's single button: Pause while running, Resume while paused.
  a = make_action("pauseResume", tr("Pause"), "pause");
  connect(a, &QAction::triggered, this, &MainWindow::toggle_pause);
  a = make_action("evaluate", tr("&Evaluate"), "evaluate", QKeySequence(Qt::Key_F7));
  a->setStatusTip(tr("Evaluate the latest run's best weights on the test split"));
  connect(a, &QAction::triggered, this, &MainWindow::evaluate);
  menu->addAction(a);
  a = make_action("evaluateLast", tr("Evaluate &Last Weights"), {},
                  QKeySequence(Qt::SHIFT | Qt::Key_F7));
  a->setStatusTip(tr("Evaluate the latest run's last checkpoint on the test split"));
  connect(a, &QAction::triggered, this, &MainWindow::evaluate_last);
  menu->addAction(a);
  menu->addSeparator();
  a = make_action("resumeFromCheckpoint", tr("Resume from &Checkpoint..."));
  connect(a, &QAction::triggered, this, &MainWindow::resume_from_checkpoint);
  menu->addAction(a);
  a = make_action("evaluateCheckpoint", tr("Evaluate C&heckpoint..."));
  connect(a, &QAction::triggered, this, &MainWindow::evaluate_checkpoint);
  menu->addAction(a);
  a = make_action("runOnCluster", tr("Run on C&luster..."));
  a->setStatusTip(
      tr("An mpirun command line and a Slurm script for this project on several "
         "processes or machines; or a local mpirun run, plotted here"));
  connect(a, &QAction::triggered, this, &MainWindow::show_run_on_cluster);
  menu->addAction(a);
  menu->addAction(experiments_->sweep_action());
  a = make_action("findLearningRate", tr("Find &Learning Rate..."));
  a->setStatusTip(
      tr("Train a copy of the network briefly while the learning rate rises, and suggest one"));
  connect(a, &QAction::triggered, this, &MainWindow::find_learning_rate);
  menu->addAction(a);
  a = make_action("trainingSettings", tr("S&ettings..."));
  connect(a, &QAction::triggered, this, &MainWindow::edit_training_settings);
  menu->addAction(a);
}

void MainWindow::make_help_menu() {
  QMenu* menu = menuBar()->addMenu(tr("&Help"));
  QAction* a =
      make_action("layerReference", tr("&Layer Reference"), {}, QKeySequence::HelpContents);
  connect(a, &QAction::triggered, this, &MainWindow::show_layer_reference);
  menu->addAction(a);
  a = make_action("about", tr("&About Netwright"));
  a->setMenuRole(QAction::AboutRole);
  connect(a, &QAction::triggered, this, &MainWindow::show_about);
  menu->addAction(a);
}

void MainWindow::make_toolbars() {
  QToolBar* file = addToolBar(tr("File"));
  file->setObjectName("fileToolBar");
  file->addActions({action("new"), action("open"), action("save")});
  QToolBar* edit = addToolBar(tr("Edit"));
  edit->setObjectName("editToolBar");
  edit->addActions({action("undo"), action("redo")});
  QToolBar* view = addToolBar(tr("View"));
  view->setObjectName("viewToolBar");
  view->addActions({action("zoomIn"), action("zoomOut"), action("fit"), action("autoLayout")});
  QToolBar* train = addToolBar(tr("Training"));
  train->setObjectName("trainToolBar");
  train->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  train->addActions({action("train"), action("pauseResume"), action("stop"), action("evaluate")});
  train->addSeparator();
  train->addWidget(make_device_selector());
  for (QToolBar* bar : {file, edit, view, train})
    for (QAction* a : bar->actions()) show_shortcut_in_tooltip(a);
  // Wide enough for "Resume" as for "Pause", so the buttons after it never move.
  QAction* toggle = action("pauseResume");
  if (QWidget* button = train->widgetForAction(toggle)) {
    int width = 0;
    for (const QString& text : {tr("Resume"), tr("Pause")}) {
      toggle->setText(text);
      width = std::max(width, button->sizeHint().width());
    }
    button->setFixedWidth(width);
  }
}

void MainWindow::show_shortcut_in_tooltip(QAction* a) {
  // Kept up when the action's text changes (Undo's "Undo add Linear").
  const auto update = [a] {
    if (a->shortcut().isEmpty()) return;
    const QString tip = tr("%1 (%2)").arg(QString(a->text()).remove('&'),
                                          a->shortcut().toString(QKeySequence::NativeText));
    if (a->toolTip() != tip) a->setToolTip(tip);
  };
  update();
  connect(a, &QAction::changed, a, update);
}

void MainWindow::find_layer() {
  QStringList ids;
  for (const auto& node : document_->graph().nodes()) ids << QString::fromStdString(node.id);
  bool ok = false;
  const QString text = QInputDialog::getItem(this, tr("Find layer"), tr("Layer id, label or type:"),
                                             ids, 0, true, &ok);
  if (ok && !text.isEmpty() && !editor_->find_layer(text))
    statusBar()->showMessage(tr("No layer matches '%1'").arg(text), 5000);
}

void MainWindow::show_layer_reference() {
  auto* dialog = new LayerReferenceDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
}

void MainWindow::show_about() {
  QMessageBox::about(
      this, tr("About Netwright"),
      tr("<h3>Netwright %1</h3><p>Build neural networks visually and train them, on Netwright's "
         "own tensor and autograd core (PyTorch's semantics), on the CPU or a CUDA GPU.</p>"
         "<p>Qt %2</p>")
          .arg(QApplication::applicationVersion(), qVersion()));
}

}  // namespace nw::gui
