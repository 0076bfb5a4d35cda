#include "app/run_on_cluster_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "train/run_index.h"
#include "train/session.h"
#include "training/cluster_run.h"

namespace nw::gui {

namespace {

QSpinBox* spin_box(const char* name, int low, int high, int value, const QString& tip) {
  auto* box = new QSpinBox;
  box->setObjectName(name);
  box->setRange(low, high);
  box->setValue(value);
  box->setToolTip(tip);
  return box;
}

QString run_name(const io::Project& project) {
  return QString::fromStdString(train::default_run_dir(project).filename().string());
}

}  // namespace

RunOnClusterDialog::RunOnClusterDialog(ClusterRun* run, Context context, QWidget* parent)
    : QDialog(parent), run_(run), context_(std::move(context)) {
  setObjectName("runOnClusterDialog");
  setWindowTitle(tr("Run on Cluster"));
  run_name_ = run_name(context_.project).toStdString();
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(make_fields());
  layout->addWidget(make_texts(), 1);
  layout->addWidget(make_local_run());
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
  layout->addWidget(buttons);
  connect(run_, &ClusterRun::stateChanged, this, &RunOnClusterDialog::update_local);
  update_text();
  resize(760, 680);  // the script's lines whole
}

QWidget* RunOnClusterDialog::make_fields() {
  auto* box = new QGroupBox(tr("Job"));
  auto* form = new QFormLayout(box);
  const dist::LaunchSpec defaults;
  ranks_ = spin_box("ranks", 1, 65536, defaults.ranks,
                    tr("Processes in all, each with the whole network and its own share of each "
                       "batch; one per GPU on GPU nodes"));
  nodes_ =
      spin_box("nodes", 1, 4096, defaults.nodes, tr("Machines; the ranks split evenly over them"));
  gpus_ = spin_box("gpusPerNode", 0, 64, defaults.gpus_per_node,
                   tr("GPUs each node asks for; 0 trains on the CPUs"));
  hours_ =
      spin_box("timeHours", 0, 24 * 30, int(defaults.time_minutes / 60), tr("Slurm's time limit"));
  minutes_ =
      spin_box("timeMinutes", 0, 59, int(defaults.time_minutes % 60), tr("Slurm's time limit"));
  hours_->setSuffix(tr(" h"));
  minutes_->setSuffix(tr(" min"));
  auto* time_box = new QWidget;  // a widget, so that the label's shortcut has a buddy
  auto* time = new QHBoxLayout(time_box);
  time->setContentsMargins(0, 0, 0, 0);
  time->addWidget(hours_);
  time->addWidget(minutes_);
  time->addStretch(1);
  form->addRow(tr("&Ranks:"), ranks_);
  form->addRow(tr("&Nodes:"), nodes_);
  form->addRow(tr("&GPUs per node:"), gpus_);
  form->addRow(tr("&Time limit:"), time_box);
  for (QSpinBox* s : {ranks_, nodes_, gpus_, hours_, minutes_})
    connect(s, &QSpinBox::valueChanged, this, &RunOnClusterDialog::update_text);
  problem_ = new QLabel;
  problem_->setObjectName("problem");
  problem_->setWordWrap(true);
  problem_->setStyleSheet("color: #c62828");
  form->addRow(problem_);
  project_note_ = new QLabel;
  project_note_->setObjectName("projectNote");
  project_note_->setWordWrap(true);
  save_project_ = new QPushButton(tr("Save Project"));
  save_project_->setObjectName("saveProject");
  connect(save_project_, &QPushButton::clicked, this, &RunOnClusterDialog::saveProjectRequested);
  auto* note = new QHBoxLayout;
  note->addWidget(project_note_, 1);
  note->addWidget(save_project_);
  form->addRow(note);
  return box;
}

QWidget* RunOnClusterDialog::make_texts() {
  auto* box = new QGroupBox(tr("Launch"));
  auto* layout = new QVBoxLayout(box);
  const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  command_ = new QLineEdit;
  command_->setObjectName("mpirunCommand");
  command_->setReadOnly(true);
  command_->setFont(mono);
  auto* copy_command = new QPushButton(tr("Copy"));
  copy_command->setObjectName("copyCommand");
  connect(copy_command, &QPushButton::clicked, this,
          [this] { QApplication::clipboard()->setText(command()); });
  auto* row = new QHBoxLayout;
  row->addWidget(command_, 1);
  row->addWidget(copy_command);
  layout->addWidget(
      new QLabel(tr("mpirun, from a shell on this machine or a cluster's login "
                    "node (with a hostfile of the nodes):")));
  layout->addLayout(row);

  script_ = new QPlainTextEdit;
  script_->setObjectName("slurmScript");
  script_->setReadOnly(true);
  script_->setFont(mono);
  script_->setLineWrapMode(QPlainTextEdit::NoWrap);
  layout->addWidget(new QLabel(tr("Slurm batch script, for sbatch:")));
  layout->addWidget(script_, 1);
  auto* copy_script = new QPushButton(tr("Copy Script"));
  copy_script->setObjectName("copyScript");
  connect(copy_script, &QPushButton::clicked, this,
          [this] { QApplication::clipboard()->setText(script()); });
  auto* save = new QPushButton(tr("Save Script..."));
  save->setObjectName("saveScript");
  connect(save, &QPushButton::clicked, this, &RunOnClusterDialog::save_script);
  follow_ = new QPushButton(tr("Follow Run..."));
  follow_->setObjectName("followRun");
  follow_->setToolTip(
      tr("Plot a run started on the cluster from its metrics.jsonl, on a file "
         "system this machine shares with the nodes"));
  connect(follow_, &QPushButton::clicked, this, &RunOnClusterDialog::follow_run);
  script_status_ = new QLabel;
  script_status_->setObjectName("scriptStatus");
  script_status_->setWordWrap(true);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(script_status_, 1);
  buttons->addWidget(copy_script);
  buttons->addWidget(save);
  buttons->addWidget(follow_);
  layout->addLayout(buttons);
  return box;
}

QWidget* RunOnClusterDialog::make_local_run() {
  auto* box = new QGroupBox(tr("On this machine"));
  auto* row = new QHBoxLayout(box);
  local_status_ = new QLabel;
  local_status_->setObjectName("localStatus");
  local_status_->setWordWrap(true);
  start_ = new QPushButton(tr("Start Local Run"));
  start_->setObjectName("startLocal");
  start_->setToolTip(
      tr("Run the mpirun line above here; its batches appear in the training "
         "plots"));
  connect(start_, &QPushButton::clicked, this, [this] {
    run_name_ = run_name(context_.project).toStdString();  // a new run folder for each run
    update_text();
    emit startRequested(mpirun_spec());
  });
  stop_ = new QPushButton(tr("Stop"));
  stop_->setObjectName("stopLocal");
  stop_->setToolTip(tr("The ranks stop at the next batch and write a checkpoint"));
  connect(stop_, &QPushButton::clicked, this, &RunOnClusterDialog::stopRequested);
  row->addWidget(local_status_, 1);
  row->addWidget(start_);
  row->addWidget(stop_);
  return box;
}

void RunOnClusterDialog::set_context(Context context) {
  context_ = std::move(context);
  run_name_ = run_name(context_.project).toStdString();
  update_text();
}

dist::LaunchSpec RunOnClusterDialog::base_spec() const {
  dist::LaunchSpec s;
  s.ranks = ranks_->value();
  s.nodes = nodes_->value();
  s.gpus_per_node = gpus_->value();
  s.time_minutes = int64_t(hours_->value()) * 60 + minutes_->value();
  s.limit = context_.limit;
  s.project = context_.project.path;
  s.runs_dir = train::runs_folder(context_.project);
  s.run_name = run_name_;
  return s;
}

dist::LaunchSpec RunOnClusterDialog::mpirun_spec() const {
  dist::LaunchSpec s = base_spec();
  if (s.nodes == 1) {  // this machine: its own mpirun and netwright-cli, its cores shared out
    const QString mpirun = mpirun_path(), cli = cli_path();
    if (!mpirun.isEmpty()) s.launcher = mpirun.toStdString();
    if (!cli.isEmpty()) s.cli = cli.toStdString();
    const int cores = std::max(1, QThread::idealThreadCount());
    s.oversubscribe = s.ranks > cores;
    s.threads_per_rank = std::max(1, cores / s.ranks);
  }
  return s;
}

dist::LaunchSpec RunOnClusterDialog::slurm_spec() const {
  return base_spec();  // netwright-cli from the nodes' PATH; threads as Slurm gives them
}

QString RunOnClusterDialog::command() const {
  return command_->text();
}

QString RunOnClusterDialog::script() const {
  return script_->toPlainText();
}

void RunOnClusterDialog::update_text() {
  const dist::LaunchSpec s = mpirun_spec();
  const QString problem = QString::fromStdString(dist::launch_problem(s));
  problem_->setText(problem);
  problem_->setVisible(!problem.isEmpty());
  command_->setText(QString::fromStdString(dist::mpirun_command(s)));
  command_->setCursorPosition(0);
  script_->setPlainText(QString::fromStdString(dist::slurm_script(slurm_spec())));
  const QString file = QDir::toNativeSeparators(QString::fromStdString(s.project.string()));
  project_note_->setText(
      s.project.empty() ? tr("The project has no file yet: save it, since every rank reads it.")
      : context_.modified
          ? tr("%1 has unsaved changes; the ranks train the file as saved.").arg(file)
          : tr("The ranks train %1; the runs go to %2.")
                .arg(file, QDir::toNativeSeparators(QString::fromStdString(s.runs_dir.string()))));
  save_project_->setVisible(s.project.empty() || context_.modified);
  update_local();
}

void RunOnClusterDialog::update_local() {
  const QString unavailable = local_run_unavailable_reason();
  const bool active = run_->active();
  QString why = unavailable;
  if (why.isEmpty() && nodes_->value() > 1)
    why = tr("A local run uses this machine alone: set nodes to 1.");
  if (why.isEmpty() && !problem_->text().isEmpty()) why = problem_->text();
  if (why.isEmpty() && context_.modified)
    why = tr("Save the project first: the ranks read its file.");
  start_->setEnabled(!active && why.isEmpty());
  start_->setToolTip(why.isEmpty() ? tr("Run the mpirun line above here; its batches appear in "
                                        "the training plots")
                                   : why);
  follow_->setEnabled(!active);
  stop_->setEnabled(run_->state() == TrainingState::Running ||
                    run_->state() == TrainingState::Stopping);
  if (active)
    local_status_->setText(run_->state() == TrainingState::Stopping
                               ? tr("Stopping: the ranks finish their batch and write a "
                                    "checkpoint...")
                               : tr("Running; its batches are in the training plots."));
  else
    local_status_->setText(
        why.isEmpty() ? tr("Ready to run %n rank(s) here.", nullptr, ranks_->value()) : why);
}

void RunOnClusterDialog::follow_run() {
  const QString folder = QString::fromStdString(train::runs_folder(context_.project).string());
  const QString path = context_.ask_metrics_path ? context_.ask_metrics_path(folder) : QString();
  if (!path.isEmpty()) emit followRequested(path);
}

void RunOnClusterDialog::save_script() {
  const QString suggested =
      QFileInfo(QString::fromStdString(context_.project.path.string()))
          .dir()
          .filePath(
              QString::fromStdString(train::runs_folder(context_.project).filename().string()) +
              ".sbatch");
  const QString path = context_.ask_script_path ? context_.ask_script_path(suggested) : QString();
  if (path.isEmpty()) return;
  // Whole or not at all: a script cut short would still run.
  QSaveFile file(path);
  const QByteArray text = script().toUtf8();
  if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
    script_status_->setText(tr("Cannot write %1: %2; choose another folder.")
                                .arg(QDir::toNativeSeparators(path), file.errorString()));
    return;
  }
  QFile::setPermissions(path, QFile::permissions(path) | QFileDevice::ExeOwner);
  script_status_->setText(
      tr("Saved %1; submit it with sbatch.").arg(QDir::toNativeSeparators(path)));
}

}  // namespace nw::gui
