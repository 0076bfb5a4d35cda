// MainWindow: the training controls (TrainingController), the device selector and the status bar.
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QThreadPool>

#include "app/device_text.h"
#include "app/main_window.h"
#include "app/messages_panel.h"
#include "app/training_settings_dialog.h"
#include "app/training_status.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "evaluation/evaluation_widget.h"
#include "io/config.h"
#include "train/run_index.h"
#include "train/session.h"
#include "training/cluster_run.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"

namespace nw::gui {
namespace {

MessagesPanel::Level panel_level(train::MessageLevel level) {
  switch (level) {
    case train::MessageLevel::Error:
      return MessagesPanel::Level::Error;
    case train::MessageLevel::Warning:
      return MessagesPanel::Level::Warning;
    case train::MessageLevel::Info:
      break;
  }
  return MessagesPanel::Level::Info;
}

QString percent(const std::optional<double>& fraction) {
  return fraction ? QStringLiteral("%1%").arg(*fraction * 100.0, 0, 'f', 1) : QStringLiteral("-");
}

}  // namespace

void MainWindow::make_training_controller() {
  training_ = new TrainingController(this);
  connect(training_, &TrainingController::stateChanged, this,
          [this] { update_training_actions(); });
  // A renamed project has its runs under another runs/<name>/ folder.
  connect(document_, &ProjectDocument::configChanged, this, [this] { update_training_actions(); });
  connect(training_, &TrainingController::runStarted, this, [this](const QString& name) {
    has_run_ = true;
    update_training_actions();
    log(run_started_text(name, device_label_->text()));
  });
  connect(training_, &TrainingController::batchesArrived, this,
          [this](const QVector<BatchPoint>& points) {
            const BatchPoint& p = points.back();
            training_status_->set_progress(p.epoch, training_->total_epochs(), p.batch, p.batches,
                                           p.samples_per_second, run_batch_size_);
          });
  connect(training_, &TrainingController::epochEnded, this, &MainWindow::log_epoch);
  connect(training_, &TrainingController::evaluationReady, this,
          [this](const train::EvalResult& r) {
            has_run_ = true;  // a network is loaded: Evaluate and Export act on it
            update_training_actions();
            if (pending_weights_.isEmpty()) pending_weights_ = tr("the weights in memory");
            evaluation_->set_weights(pending_weights_);
            log(tr("Evaluated %1 on the %2 split (%3 samples): loss %4, accuracy %5")
                    .arg(pending_weights_, QString::fromStdString(r.split))
                    .arg(r.samples)
                    .arg(r.loss, 0, 'f', 4)
                    .arg(percent(r.accuracy)));
          });
  connect(training_, &TrainingController::message, this, &MainWindow::show_run_message);
  connect(training_, &TrainingController::checkpointWritten, this, [this](const QString& path) {
    if (!weights_export_.first.isEmpty() && path == weights_export_.first)
      finish_weights_export();
    else if (!model_export_.checkpoint.isEmpty() && path == model_export_.checkpoint)
      finish_model_export();
    else
      log(tr("Checkpoint written: %1").arg(QDir::toNativeSeparators(path)));
  });
  connect(training_, &TrainingController::runFinished, this, [this](const train::RunResult& r) {
    const QString state = QString::fromUtf8(train::to_string(r.state));
    training_status_->set_state(run_ended_text(state, r.epochs_done));
    const auto level = r.state == train::RunState::Failed ? MessagesPanel::Level::Error
                                                          : MessagesPanel::Level::Info;
    messages_->add_log(
        level, r.reason.empty()
                   ? tr("Training %1").arg(state.toLower())
                   : tr("Training %1: %2").arg(state.toLower(), QString::fromStdString(r.reason)));
    if (r.state == train::RunState::Failed) show_failure_on_node(QString::fromStdString(r.reason));
    update_training_actions();  // the run's checkpoints are on disk now
  });
}

void MainWindow::show_run_message(train::MessageLevel level, const QString& text) {
  messages_->add_log(panel_level(level), text);
}

void MainWindow::log_epoch(const train::EpochStats& e) {
  QString text = tr("Epoch %1: train loss %2, accuracy %3")
                     .arg(e.epoch)
                     .arg(e.train_loss, 0, 'f', 4)
                     .arg(percent(e.train_accuracy));
  if (e.val_loss)
    text += tr("; validation loss %1, accuracy %2")
                .arg(*e.val_loss, 0, 'f', 4)
                .arg(percent(e.val_accuracy));
  log(text + tr(" (%1 s)").arg(e.seconds, 0, 'f', 1));
}

QWidget* MainWindow::make_device_selector() {
  auto* box = new QWidget;
  auto* layout = new QHBoxLayout(box);
  layout->setContentsMargins(4, 0, 4, 0);
  layout->addWidget(new QLabel(tr("Device:")));
  device_combo_ = new QComboBox;
  device_combo_->setObjectName("deviceCombo");
  for (const io::DeviceChoice& d : io::device_choices())
    device_combo_->addItem(QString::fromStdString(d.label), QString::fromStdString(d.name));
  device_combo_->setToolTip(
      tr("Where the next training run goes: Automatic picks CUDA when a GPU is "
         "usable, else the CPU"));
  // A run-time choice: it does not edit the project (Train > Settings... does).
  connect(device_combo_, &QComboBox::currentIndexChanged, this, [this] { update_device_label(); });
  layout->addWidget(device_combo_);
  return box;
}

QString MainWindow::device_choice() const {
  return device_combo_->currentData().toString();
}

void MainWindow::make_status_bar() {
  device_label_ = new QLabel(tr("Looking for CUDA..."));
  device_label_->setObjectName("deviceLabel");
  training_status_ = new TrainingStatus;
  statusBar()->addPermanentWidget(training_status_);
  statusBar()->addPermanentWidget(device_label_);
  // Loading the CUDA plugin (cuBLAS, cuDNN) can take a second on a GPU machine: off the GUI
  // thread, so it never delays the first frame. qApp outlives any window as the context.
  QThreadPool::globalInstance()->start([window = QPointer<MainWindow>(this)] {
    cuda_usable();  // nw::cuda_status() caches its answer for the process
    QMetaObject::invokeMethod(
        qApp,
        [window] {
          if (!window) return;
          window->cuda_known_ = true;
          window->update_device_label();
          if (!cuda_usable())  // once, so that "why not the GPU?" has its answer in the log
            window->log(tr("CUDA unavailable: %1").arg(cuda_unavailable_reason().simplified()));
        },
        Qt::QueuedConnection);
  });
}

void MainWindow::update_device_label() {
  if (!cuda_known_) return;  // make_status_bar's thread calls again once it knows
  auto* model = qobject_cast<QStandardItemModel*>(device_combo_->model());
  const QString reason = cuda_unavailable_reason();
  const int cuda_row = device_combo_->findData(QStringLiteral("cuda"));
  if (QStandardItem* cuda = model && cuda_row >= 0 ? model->item(cuda_row) : nullptr) {
    cuda->setEnabled(reason.isEmpty() || device_choice() == "cuda");
    cuda->setToolTip(reason.isEmpty() ? tr("CUDA is usable") : reason);
  }
  const DeviceText text = describe_device(device_choice());
  device_label_->setText(text.label);
  device_label_->setToolTip(text.tooltip);
}

void MainWindow::update_device_choice() {
  const int index =
      device_combo_->findData(QString::fromStdString(document_->project().training.device));
  device_combo_->setCurrentIndex(index < 0 ? 0 : index);
}

void MainWindow::update_training_actions() {
  const TrainingState s = training_->state();
  // A cluster run (main_window_cluster.cpp) has the plots: no run of this window beside it.
  const TrainingState cs = cluster_ ? cluster_->state() : TrainingState::Idle;
  const bool idle = s == TrainingState::Idle && cs == TrainingState::Idle;
  const bool running = s == TrainingState::Running;
  const bool paused = s == TrainingState::Paused;
  action("train")->setEnabled(idle);
  action("resumeFromCheckpoint")->setEnabled(idle);
  action("evaluateCheckpoint")->setEnabled(idle);
  action("findLearningRate")->setEnabled(idle);
  action("pause")->setEnabled(running);
  action("resume")->setEnabled(paused);
  action("stop")->setEnabled(running || paused || cs == TrainingState::Running ||
                             cs == TrainingState::Stopping);
  // Something to evaluate or export: the network of a run in this window, or runs on disk.
  const bool on_disk = !disk_runs().empty();
  const bool weights = has_run_ || on_disk;
  action("evaluate")->setEnabled(weights && (idle || running || paused));
  action("evaluateLast")->setEnabled(weights && (idle || running || paused));
  QAction* export_ckpt = action("exportCheckpoint");
  export_ckpt->setEnabled(weights && s != TrainingState::Stopping);
  const QString why = weights ? tr("Copy a checkpoint of one of this project's runs: best, last "
                                   "or any numbered one")
                              : tr("No runs on disk for this project yet; train first");
  export_ckpt->setToolTip(why);
  export_ckpt->setStatusTip(why);
  for (const char* name : {"exportOnnx", "exportPytorch"}) {
    QAction* model = action(name);
    model->setEnabled(weights && s != TrainingState::Stopping);
    if (!weights) model->setToolTip(why);
  }
  action("exportPlots")->setEnabled(has_run_ || !dashboard_->runs().empty());
  action("exportWeights")->setEnabled(has_run_ && s != TrainingState::Stopping);
  // The toolbar's one Pause/Resume button.
  QAction* toggle = action("pauseResume");
  toggle->setEnabled(running || paused);
  toggle->setText(paused ? tr("Resume") : tr("Pause"));
  const QAction* twin = action(paused ? "resume" : "pause");
  toggle->setToolTip(
      tr("%1 (%2)").arg(toggle->text(), twin->shortcut().toString(QKeySequence::NativeText)));
  toggle->setIcon(QIcon(paused ? ":/icons/train.svg" : ":/icons/pause.svg"));
  device_combo_->setEnabled(idle);
  if (paused) training_status_->set_state(tr("Paused"));
  if (s == TrainingState::Stopping || cs == TrainingState::Stopping)
    training_status_->set_state(tr("Stopping at the end of the batch..."));
}

bool MainWindow::start_run(const TrainingOptions& options, int epochs) {
  io::Project project = document_->project();
  project.training.device = device_choice().toStdString();
  if (epochs > 0) project.training.epochs = epochs;
  run_batch_size_ = project.training.batch_size;
  training_status_->clear();
  TrainingOptions with_limit = options;
  with_limit.limit = hooks_.sample_limit;
  return training_->start(project, with_limit);
}

void MainWindow::start_training() {
  TrainingOptions options;
  options.init = init_checkpoint_.toStdString();  // else the project's "init" block, if any
  options.out_dir = train::default_run_dir(document_->project());
  if (start_run(options)) own_runs_ << QString::fromStdString(options.out_dir.string());
}

bool MainWindow::train_epochs(int epochs, QString* why) {
  QEventLoop loop;
  train::RunResult result;
  auto done =
      connect(training_, &TrainingController::runFinished, &loop, [&](const train::RunResult& r) {
        result = r;
        loop.quit();
      });
  // No out_dir: a screenshot run leaves no checkpoints behind.
  if (!start_run({}, epochs)) {
    *why = tr("a run is already going");
    return false;
  }
  loop.exec();
  disconnect(done);
  if (result.state == train::RunState::Failed) {
    *why = QString::fromStdString(result.reason);
    return false;
  }
  return true;
}

void MainWindow::toggle_pause() {
  if (training_->state() == TrainingState::Paused)
    training_->resume();
  else
    training_->pause();
}

void MainWindow::resume_from_checkpoint() {
  const QString path = hooks_.files.open(this, tr("Resume from checkpoint"),
                                         QFileInfo(document_->path()).absolutePath(),
                                         tr("Checkpoints (*.h5);;All files (*)"));
  if (path.isEmpty()) return;
  TrainingOptions options;
  options.resume = path.toStdString();
  options.out_dir = QFileInfo(path).absolutePath().toStdString();  // the run goes on where it was
  start_run(options);
}

void MainWindow::show_failure_on_node(const QString& reason) {
  // The node the reason quotes ("node 'fc2' (Linear): ..."), else the first the analysis faults.
  QString id;
  qsizetype first = reason.size();
  for (const auto& node : document_->project().graph.nodes()) {
    const QString quoted = QStringLiteral("'%1'").arg(QString::fromStdString(node.id));
    if (const qsizetype at = reason.indexOf(quoted); at >= 0 && at < first) {
      first = at;
      id = QString::fromStdString(node.id);
    }
  }
  if (id.isEmpty())
    for (const auto& d : document_->project_analysis().diagnostics)
      if (d.severity == graph::Diagnostic::Severity::Error && !d.node.empty()) {
        id = QString::fromStdString(d.node);
        break;
      }
  if (id.isEmpty()) return;
  editor_->select_project_node(id);
  statusBar()->showMessage(tr("Cannot train: %1").arg(reason.simplified()), 15000);
}

void MainWindow::edit_training_settings() {
  TrainingSettingsDialog dialog(document_->project().training, this);
  if (dialog.exec() != QDialog::Accepted) return;
  const io::TrainingConfig config = dialog.config();
  if (io::to_json(config) != io::to_json(document_->project().training)) {
    document_->set_training_config(config);
    update_device_choice();
  }
}

}  // namespace nw::gui
