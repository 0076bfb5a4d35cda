// MainWindow: Train > Run on Cluster... (RunOnClusterDialog) and the local mpirun run it starts
// (ClusterRun), whose batches the dashboard plots as it plots a run of its own.
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "app/run_on_cluster_dialog.h"
#include "app/training_status.h"
#include "document/project_document.h"
#include "training/cluster_run.h"
#include "training/health_history.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"

namespace nw::gui {

void MainWindow::make_cluster_run() {
  cluster_ = new ClusterRun(this);
  dashboard_->follow(cluster_);
  connect(cluster_, &ClusterRun::stateChanged, this, [this] { update_training_actions(); });
  connect(cluster_, &ClusterRun::message, this, &MainWindow::show_run_message);
  connect(cluster_, &ClusterRun::batchesArrived, this, [this](const QVector<BatchPoint>& points) {
    const BatchPoint& p = points.back();
    training_status_->set_progress(p.epoch, cluster_->total_epochs(), p.batch, p.batches,
                                   p.samples_per_second, run_batch_size_);
  });
  connect(cluster_, &ClusterRun::epochEnded, this, &MainWindow::log_epoch);
  connect(cluster_, &ClusterRun::runStarted, health_, &HealthHistory::clear);
  connect(cluster_, &ClusterRun::healthSampled, health_, &HealthHistory::add);
  connect(cluster_, &ClusterRun::runFinished, this, [this](const train::RunResult& r) {
    const QString state = QString::fromUtf8(train::to_string(r.state));
    training_status_->set_state(run_ended_text(state, r.epochs_done));
    // "Cluster run stopped: mpirun exited with code 0"; a failure carries mpirun's last lines.
    messages_->add_log(
        r.state == train::RunState::Failed ? MessagesPanel::Level::Error
                                           : MessagesPanel::Level::Info,
        tr("Cluster run %1: %2").arg(state.toLower(), QString::fromStdString(r.reason)));
    update_training_actions();  // its checkpoints are on disk now
  });
  connect(document_, &ProjectDocument::modifiedChanged, this, [this] {
    if (cluster_dialog_) cluster_dialog_->set_context(cluster_context());
  });
  connect(document_, &ProjectDocument::pathChanged, this, [this] {
    if (cluster_dialog_) cluster_dialog_->set_context(cluster_context());
  });
}

RunOnClusterDialog::Context MainWindow::cluster_context() {
  RunOnClusterDialog::Context c;
  c.project = document_->project();
  c.project.path = document_->path().toStdString();
  c.modified = document_->is_modified();
  c.limit = hooks_.sample_limit;
  c.ask_script_path = [this](const QString& suggested) {
    return hooks_.files.save(cluster_dialog_, tr("Save Slurm script"), suggested,
                             tr("Slurm batch scripts (*.sbatch *.sh);;All files (*)"));
  };
  c.ask_metrics_path = [this](const QString& folder) {
    return hooks_.files.open(cluster_dialog_, tr("Follow a run's metrics file"), folder,
                             tr("Metrics files (*.jsonl);;All files (*)"));
  };
  return c;
}

void MainWindow::show_run_on_cluster() {
  if (!cluster_dialog_) {
    cluster_dialog_ = new RunOnClusterDialog(cluster_, cluster_context(), this);
    cluster_dialog_->setAttribute(Qt::WA_DeleteOnClose);
    connect(cluster_dialog_, &RunOnClusterDialog::startRequested, this,
            &MainWindow::start_cluster_run);
    connect(cluster_dialog_, &RunOnClusterDialog::stopRequested, cluster_, &ClusterRun::stop);
    connect(cluster_dialog_, &RunOnClusterDialog::followRequested, this,
            &MainWindow::follow_cluster_run);
    connect(cluster_dialog_, &RunOnClusterDialog::saveProjectRequested, this, [this] { save(); });
  } else {
    cluster_dialog_->set_context(cluster_context());
  }
  cluster_dialog_->show();
  cluster_dialog_->raise();
  cluster_dialog_->activateWindow();
}

void MainWindow::start_cluster_run(const dist::LaunchSpec& spec) {
  if (training_->state() != TrainingState::Idle) {
    messages_->add_log(MessagesPanel::Level::Warning,
                       tr("A run is going in this window; stop it before a cluster run"));
    return;
  }
  if (const std::string problem = dist::launch_problem(spec); !problem.empty()) {
    messages_->add_log(MessagesPanel::Level::Error,
                       tr("Cannot start the cluster run: %1").arg(QString::fromStdString(problem)));
    return;
  }
  QStringList argv;
  for (const std::string& a : dist::mpirun_argv(spec)) argv << QString::fromStdString(a);
  const std::filesystem::path dir = dist::run_dir(spec);
  run_batch_size_ = document_->project().training.batch_size;
  training_status_->clear();
  if (!cluster_->start(argv, QString::fromStdString(dist::metrics_file(dir).string()),
                       QString::fromStdString(document_->project().name),
                       document_->project().training.epochs))
    return;
  own_runs_ << QString::fromStdString(dir.string());
  log(tr("Cluster run of %n rank(s) started: %1", nullptr, spec.ranks)
          .arg(QString::fromStdString(dist::mpirun_command(spec))));
}

void MainWindow::follow_cluster_run(const QString& metrics) {
  if (training_->state() != TrainingState::Idle) {
    messages_->add_log(MessagesPanel::Level::Warning,
                       tr("A run is going in this window; stop it before following another"));
    return;
  }
  if (cluster_->active()) return;  // the dialog offers Follow Run... only when idle
  run_batch_size_ = document_->project().training.batch_size;
  training_status_->clear();
  // First: a run that has already ended finishes inside follow().
  log(tr("Following %1").arg(QDir::toNativeSeparators(metrics)));
  cluster_->follow(metrics, QString::fromStdString(document_->project().name),
                   document_->project().training.epochs);
}

void MainWindow::stop_run() {
  if (cluster_->active())
    cluster_->stop();
  else
    training_->stop();
}

}  // namespace nw::gui
