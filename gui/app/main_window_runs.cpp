// MainWindow: the open project's runs on disk (train/run_index.h). Opening a project shows its
// latest runs on the dashboard, or an empty one; Evaluate (the best weights by default) and
// Export act on these runs, and the evaluation says which weights it used.
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "document/project_document.h"
#include "evaluation/evaluation_widget.h"
#include "plots/run_history.h"
#include "train/run_index.h"
#include "training/cluster_run.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"

namespace nw::gui {

std::vector<train::RunInfo> MainWindow::disk_runs(bool all) const {
  std::vector<train::RunInfo> runs = train::list_runs(
      document_->project(), all ? train::RunListing::All : train::RunListing::WithCheckpoints);
  if (document_->path().isEmpty())
    std::erase_if(runs, [this](const train::RunInfo& r) {
      return !own_runs_.contains(QString::fromStdString(r.dir.string()));
    });
  return runs;
}

void MainWindow::show_disk_runs() {
  const std::vector<train::RunInfo> runs = disk_runs();
  // The latest run and two earlier ones (the dashboard's default overlays; it trims to its own
  // setting), oldest first: reading every run's history would cost a file read per run.
  std::vector<std::shared_ptr<RunHistory>> shown;
  for (size_t i = std::min<size_t>(runs.size(), 3); i-- > 0;) {
    std::string problem;
    const auto history = train::read_run_history(runs[i], &problem);
    if (!problem.empty())
      messages_->add_log(
          MessagesPanel::Level::Warning,
          tr("Run %1: %2")
              .arg(QString::fromStdString(runs[i].name), QString::fromStdString(problem)));
    if (!history.empty())
      shown.push_back(saved_run_history(QString::fromStdString(runs[i].name), history));
  }
  dashboard_->show_saved_runs(std::move(shown));
  if (!runs.empty())
    log(tr("%n run(s) of this project on disk; the latest: %1", nullptr, int(runs.size()))
            .arg(QDir::toNativeSeparators(QString::fromStdString(runs.front().dir.string()))));
}

void MainWindow::end_run_for_switch() {
  if (cluster_->active()) {
    log(tr("Stopping the cluster run of the previous project: another project is open now"));
    QEventLoop loop;
    connect(cluster_, &ClusterRun::runFinished, &loop, &QEventLoop::quit);
    cluster_->stop();
    if (cluster_->active()) loop.exec();  // the ranks' batch and checkpoint
  }
  if (training_->job_active()) {
    log(tr("Stopping the sweep of the previous project: another project is open now"));
    QEventLoop loop;
    connect(training_, &TrainingController::jobFinished, &loop, &QEventLoop::quit);
    training_->stop();
    if (training_->job_active()) loop.exec();  // the trial's batch and checkpoint
  }
  if (!training_->run_active()) return;
  log(tr("Stopping the run of the previous project: another project is open now"));
  QEventLoop loop;
  connect(training_, &TrainingController::runFinished, &loop, &QEventLoop::quit);
  training_->stop();
  if (training_->run_active()) loop.exec();  // one batch at most
}

void MainWindow::evaluate() {
  evaluate_run(true);
}

void MainWindow::evaluate_last() {
  evaluate_run(false);
}

void MainWindow::evaluate_run(bool best) {
  // A checkpoint loads only between runs; during one, the weights it has reached. Never the
  // network of another project: has_run_ is cleared when a project opens.
  if (training_->state() == TrainingState::Idle)
    if (const auto runs = disk_runs(); !runs.empty()) {
      const train::RunCheckpoint* b = runs.front().best();
      const train::RunCheckpoint* l = runs.front().last();
      const train::RunCheckpoint* pick = best ? (b ? b : l) : (l ? l : b);
      evaluate_file(QString::fromStdString(pick->path.string()));
      return;
    }
  if (has_run_) evaluate_live();
}

void MainWindow::evaluate_live() {
  pending_weights_ = training_->run_active() ? tr("the current weights of the run in progress")
                                             : tr("the weights in memory");
  training_->evaluate("test");
}

void MainWindow::evaluate_checkpoint() {
  const QString path = hooks_.files.open(this, tr("Evaluate checkpoint"),
                                         QFileInfo(document_->path()).absolutePath(),
                                         tr("Checkpoints (*.h5);;All files (*)"));
  if (!path.isEmpty()) evaluate_file(path);
}

void MainWindow::evaluate_file(const QString& path) {
  pending_weights_ = describe_weights(path);
  if (training_->evaluate_checkpoint(document_->project(), path))
    log(tr("Evaluating %1 on the test split").arg(pending_weights_));
}

QString MainWindow::describe_weights(const QString& checkpoint) const {
  const QFileInfo file(checkpoint);
  QString text = file.fileName();
  if (train::parse_run_checkpoint(checkpoint.toStdString()))
    text += tr(" of run %1").arg(file.dir().dirName());
  try {
    const train::CheckpointInfo info = train::read_checkpoint_info(checkpoint.toStdString());
    text += QStringLiteral(" (%1)").arg(QString::fromStdString(info.describe()));
  } catch (const std::exception&) {
    // Named by its file alone: evaluating it reports why it cannot be read.
  }
  return text;
}

QString MainWindow::project_stem() const {
  if (!document_->path().isEmpty()) return QFileInfo(document_->path()).completeBaseName();
  // The run folder's spelling of the name (runs/<name>/): safe in a file name.
  const QString name =
      QString::fromStdString(train::runs_folder(document_->project()).filename().string());
  return name.isEmpty() ? QStringLiteral("untitled") : name;
}

QString MainWindow::export_folder() const {
  return document_->path().isEmpty() ? QDir::homePath()
                                     : QFileInfo(document_->path()).absolutePath();
}

}  // namespace nw::gui
