#include "experiments/experiments.h"

#include <QAction>
#include <QCoreApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QMainWindow>
#include <QThread>

#include <algorithm>
#include "app/messages_panel.h"
#include "document/project_document.h"

#include "experiments/project_diff_dialog.h"
#include "experiments/runs_dock.h"
#include "experiments/runs_model.h"
#include "experiments/sweep_dialog.h"
#include "experiments/sweep_job.h"
#include "io/project_diff.h"
#include "plots/run_history.h"
#include "train/run_index.h"
#include "train/run_record.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"

namespace nw::gui {

namespace {

// netwright-cli beside the application: parallel trials are its child processes.
QString cli_path() {
  const QString path = QCoreApplication::applicationDirPath() + QStringLiteral("/netwright-cli");
  return QFileInfo(path).isExecutable() ? path : QString();
}

QString settings_text(const std::map<std::string, nlohmann::json>& settings) {
  QStringList parts;
  for (const auto& [path, value] : settings) {
    const size_t dot = path.rfind('.');
    parts << QString::fromStdString((dot == std::string::npos ? path : path.substr(dot + 1)) + "=" +
                                    train::setting_text(value));
  }
  return parts.join(QStringLiteral(", "));
}

}  // namespace

Experiments::Experiments(Context context, QObject* parent)
    : QObject(parent), c_(std::move(context)) {
  panel_ = new RunsDock;
  dock_ = new QDockWidget(tr("Runs"), c_.window);
  dock_->setObjectName("runsDock");  // saveState/restoreState key
  dock_->setWidget(panel_);
  c_.window->addDockWidget(Qt::BottomDockWidgetArea, dock_);
  if (auto* training = c_.window->findChild<QDockWidget*>("trainingDock")) {
    c_.window->tabifyDockWidget(training, dock_);
    training->raise();
  }

  sweep_action_ = new QAction(tr("S&weep..."), c_.window);
  sweep_action_->setObjectName("sweep");
  sweep_action_->setStatusTip(
      tr("Train several runs over a grid or random draws of settings, stopping the worse early"));
  connect(sweep_action_, &QAction::triggered, this, &Experiments::show_sweep_dialog);

  job_ = new SweepJob(c_.training, this);
  connect_job();
  connect(panel_, &RunsDock::refreshRequested, this, &Experiments::refresh);
  connect(panel_, &RunsDock::overlayRequested, this, &Experiments::overlay);
  connect(panel_, &RunsDock::diffRequested, this, &Experiments::diff);
  connect(panel_, &RunsDock::stopRequested, c_.training, &TrainingController::stop);
  connect(c_.training, &TrainingController::runFinished, this, &Experiments::refresh);
  connect(c_.training, &TrainingController::stateChanged, this, &Experiments::update_action);
  update_action();
}

void Experiments::connect_job() {
  connect(job_, &SweepJob::trialStarted, this,
          [this](const train::TrialResult& t, int rung, qint64 epochs) {
            if (c_.own_run) c_.own_run(QString::fromStdString(t.dir.string()));
            panel_->show_sweep(tr("%1: trial %2 of %3, to epoch %4")
                                   .arg(job_->name())
                                   .arg(t.trial)
                                   .arg(job_->planned())
                                   .arg(epochs),
                               job_->legs_done(), job_->legs());
            if (rung == 0)
              log(tr("Sweep trial %1 of %2: %3")
                      .arg(t.trial)
                      .arg(job_->planned())
                      .arg(settings_text(t.settings)));
          });
  connect(job_, &SweepJob::trialEnded, this, [this](const train::TrialResult& t) {
    panel_->show_sweep(tr("%1: trial %2 ended (%3)")
                           .arg(job_->name())
                           .arg(t.trial)
                           .arg(QString::fromUtf8(train::to_string(t.state))),
                       job_->legs_done(), job_->legs());
    if (t.state == train::RecordState::Failed)
      log(tr("Sweep trial %1 failed: %2").arg(t.trial).arg(QString::fromStdString(t.reason)), true);
    refresh();
  });
  connect(job_, &SweepJob::rungEnded, this,
          [this](int, qint64 epochs, const train::RungChoice& choice) {
            QStringList halted;
            for (int t : choice.halted) halted << QString::number(t);
            if (!halted.isEmpty())
              log(tr("Successive halving after epoch %1: trial(s) %2 halted, %n go on", nullptr,
                     int(choice.promoted.size()))
                      .arg(epochs)
                      .arg(halted.join(QStringLiteral(", "))));
            refresh();  // the halted trials' records say so now
          });
  connect(job_, &SweepJob::message, this, [this](train::MessageLevel level, const QString& text) {
    c_.messages->add_log(level == train::MessageLevel::Error     ? MessagesPanel::Level::Error
                         : level == train::MessageLevel::Warning ? MessagesPanel::Level::Warning
                                                                 : MessagesPanel::Level::Info,
                         text);
  });
  connect(job_, &SweepJob::failed, this,
          [this](const QString& error) { log(tr("The sweep failed: %1").arg(error), true); });
  connect(job_, &SweepJob::finished, this, [this] {
    QString text = tr("%1: stopped").arg(job_->name());
    if (const auto& r = job_->result()) {
      const train::TrialResult* best = r->best_trial();
      text = tr("%1: %2 trials%3")
                 .arg(job_->name())
                 .arg(r->trials.size())
                 .arg(r->stopped ? tr(", stopped") : QString());
      if (best && best->metric())
        text += tr("; best trial %1 (%2 %3)")
                    .arg(best->trial)
                    .arg(QString::fromStdString(r->metric))
                    .arg(*best->metric(), 0, 'g', 4);
    }
    panel_->end_sweep(text);
    log(tr("Sweep %1").arg(text));
    refresh();
    update_action();
    emit sweepFinished();
  });
}

void Experiments::log(const QString& text, bool error) {
  c_.messages->add_log(error ? MessagesPanel::Level::Error : MessagesPanel::Level::Info, text);
}

void Experiments::update_action() {
  sweep_action_->setEnabled(c_.training->state() == TrainingState::Idle);
}

void Experiments::refresh() {
  std::vector<QString> problems;
  panel_->set_rows(read_run_rows(c_.runs(), &problems));
  for (const QString& p : problems) c_.messages->add_log(MessagesPanel::Level::Warning, p);
}

void Experiments::show_sweep_dialog() {
  if (dialog_) {
    dialog_->raise();
    return;
  }
  const int cores = std::max(1, QThread::idealThreadCount());
  dialog_ = new SweepDialog(c_.document->project(), c_.files, cli_path().isEmpty() ? 1 : cores,
                            c_.window);
  dialog_->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog_, &SweepDialog::runRequested, this,
          [this](const train::SweepSpec& spec) { start_sweep(spec); });
  dialog_->open();
}

bool Experiments::start_sweep(const train::SweepSpec& spec, QString* why) {
  train::SweepOptions options;
  options.limit = c_.sample_limit;
  options.device = c_.device ? c_.device().toStdString() : std::string();
  options.cli = cli_path().toStdString();
  QString reason;
  if (!job_->start(c_.document->project(), spec, options, &reason)) {
    log(tr("Cannot start the sweep: %1").arg(reason), true);
    if (why) *why = reason;
    return false;
  }
  log(tr("Sweep %1: %n trial(s)", nullptr, job_->planned()).arg(job_->name()));
  panel_->show_sweep(tr("%1: starting").arg(job_->name()), 0, job_->legs());
  dock_->show();
  dock_->raise();
  update_action();
  return true;
}

void Experiments::overlay(const QStringList& names) {
  // Oldest first, as the dashboard keeps its runs.
  std::vector<std::shared_ptr<RunHistory>> runs;
  const std::vector<train::RunInfo> all = c_.runs();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const QString name = QString::fromStdString(it->name);
    if (!names.contains(name)) continue;
    std::string problem;
    const auto history = train::read_run_history(*it, &problem);
    if (!problem.empty())
      c_.messages->add_log(MessagesPanel::Level::Warning,
                           tr("Run %1: %2").arg(name, QString::fromStdString(problem)));
    if (!history.empty()) runs.push_back(saved_run_history(name, history));
  }
  if (runs.empty() && c_.show_latest_runs)
    c_.show_latest_runs();
  else
    c_.dashboard->compare_runs(std::move(runs));
}

void Experiments::diff(const QString& run_a, const QString& run_b) {
  nlohmann::json projects[2];
  const QString names[2] = {run_a, run_b};
  const std::vector<train::RunInfo> all = c_.runs();
  for (int k = 0; k < 2; ++k) {
    const auto it = std::find_if(all.begin(), all.end(), [&](const train::RunInfo& r) {
      return QString::fromStdString(r.name) == names[k];
    });
    try {
      const auto record = it == all.end() ? std::nullopt : train::read_run_record(it->dir);
      if (!record || record->project.is_null() || record->project.empty()) {
        log(tr("Run %1 has no record of its project (a run from before run.json): nothing to "
               "compare")
                .arg(names[k]),
            true);
        return;
      }
      projects[k] = record->project;
    } catch (const std::exception& e) {
      log(tr("Run %1: %2").arg(names[k], QString::fromStdString(e.what())), true);
      return;
    }
  }
  auto* dialog =
      new ProjectDiffDialog(run_a, run_b, io::project_diff(projects[0], projects[1]), c_.window);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
}

}  // namespace nw::gui
