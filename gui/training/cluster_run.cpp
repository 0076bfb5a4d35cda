#include "training/cluster_run.h"

#include <signal.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include "dist/communicator.h"

namespace nw::gui {

namespace {

// Between two reads of a file the watcher did not report; short enough that a batch shows within
// a frame or so.
constexpr int kPollMs = 200;
// mpirun's output kept for the message of a failed run: its last part says why.
constexpr qsizetype kOutputKept = 64 * 1024;
// How long closing the application waits for a stopped run's checkpoint before it kills.
constexpr int kCloseWaitMs = 30000;

// The processes whose parent is `parent`: the local ranks that mpirun started (Open MPI starts
// each in a process group of its own, so the group does not find them). Linux's /proc; empty
// elsewhere, and then stop() leaves the ending to mpirun.
QList<pid_t> children_of(qint64 parent) {
  QList<pid_t> out;
  if (parent <= 0) return out;  // not started: 0 would name the kernel's own threads
  for (const QString& name : QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    bool number = false;
    const pid_t pid = static_cast<pid_t>(name.toLong(&number));
    if (!number) continue;
    QFile stat("/proc/" + name + "/stat");
    if (!stat.open(QIODevice::ReadOnly)) continue;
    // "pid (comm) state ppid ...": the command name may hold spaces, so count from the last ')'.
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() > 1 && fields[1].toLongLong() == parent) out.push_back(pid);
  }
  return out;
}

QString last_lines(const QByteArray& output, int count) {
  QStringList lines = QString::fromLocal8Bit(output).split('\n', Qt::SkipEmptyParts);
  // Open MPI frames its notices with rows of dashes.
  lines.removeIf([](const QString& l) { return l.trimmed().startsWith("-----"); });
  if (lines.size() > count) lines = lines.mid(lines.size() - count);
  return lines.join('\n').trimmed();
}

}  // namespace

ClusterRun::ClusterRun(QObject* parent) : QObject(parent) {
  process_.setProcessChannelMode(QProcess::MergedChannels);
  connect(&process_, &QProcess::readyRead, this, &ClusterRun::read_output);
  connect(&process_, &QProcess::finished, this, &ClusterRun::on_finished);
  connect(&process_, &QProcess::errorOccurred, this, &ClusterRun::on_error);
  connect(&watcher_, &QFileSystemWatcher::fileChanged, this, &ClusterRun::read_metrics);
  poll_.setInterval(kPollMs);
  connect(&poll_, &QTimer::timeout, this, &ClusterRun::read_metrics);
}

ClusterRun::~ClusterRun() {
  if (process_.state() == QProcess::NotRunning) return;
  // Closing the application: the ranks stop with a checkpoint, as at a Stop; what is left after
  // the wait is killed, never left running.
  process_.disconnect(this);
  const qint64 launcher = process_.processId();
  const QList<pid_t> ranks = children_of(launcher);
  for (pid_t pid : ranks) ::kill(pid, SIGTERM);
  if (ranks.isEmpty()) process_.terminate();
  if (!process_.waitForFinished(kCloseWaitMs)) {
    for (pid_t pid : children_of(launcher)) ::kill(pid, SIGKILL);
    process_.kill();
    process_.waitForFinished();
  }
}

bool ClusterRun::start(const QStringList& argv, const QString& metrics, const QString& name,
                       int64_t total_epochs) {
  if (active()) {
    emit message(train::MessageLevel::Warning,
                 tr("a cluster run is %1; stop it before starting another")
                     .arg(QString::fromUtf8(to_string(state_))));
    return false;
  }
  if (argv.isEmpty()) return false;
  // A file left by an earlier run in the same folder is not this run's.
  QFile::remove(metrics);
  begin(metrics, total_epochs);
  program_ = QFileInfo(argv.front()).fileName();

  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  if (::geteuid() == 0) {  // Open MPI refuses root without both
    env.insert("OMPI_ALLOW_RUN_AS_ROOT", "1");
    env.insert("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
  }
  process_.setProcessEnvironment(env);
  process_.setProgram(argv.front());
  process_.setArguments(argv.mid(1));
  set_state(TrainingState::Running);
  emit runStarted(name);
  poll_.start();
  process_.start();  // a launcher that cannot start ends the run in on_error, maybe at once
  return active();
}

bool ClusterRun::follow(const QString& metrics, const QString& name, int64_t total_epochs) {
  if (active()) {
    emit message(train::MessageLevel::Warning,
                 tr("a cluster run is %1; stop it before following another")
                     .arg(QString::fromUtf8(to_string(state_))));
    return false;
  }
  begin(metrics, total_epochs);
  following_ = true;
  set_state(TrainingState::Running);
  emit runStarted(name);
  poll_.start();
  read_metrics();  // what the run has written so far
  return true;
}

void ClusterRun::begin(const QString& metrics, int64_t total_epochs) {
  metrics_ = metrics;
  tail_ = std::make_unique<train::MetricsTail>(metrics.toStdString());
  output_.clear();
  stop_requested_ = following_ = ended_ = false;
  epochs_done_ = 0;
  last_epoch_.reset();
  failure_.clear();
  exit_code_ = -1;
  total_epochs_ = total_epochs;
}

void ClusterRun::stop() {
  if (following_ && state_ == TrainingState::Running) {
    stop_requested_ = true;
    finish(tr("stopped following %1; the job itself goes on (scancel stops a Slurm job)")
               .arg(QDir::toNativeSeparators(metrics_)),
           false);
    return;
  }
  if (process_.state() == QProcess::NotRunning) return;
  if (state_ == TrainingState::Stopping) {  // asked again: let mpirun end the job
    process_.terminate();
    return;
  }
  stop_requested_ = true;
  set_state(TrainingState::Stopping);
  const QList<pid_t> ranks = children_of(process_.processId());
  for (pid_t pid : ranks) ::kill(pid, SIGTERM);
  if (ranks.isEmpty()) process_.terminate();
  emit message(train::MessageLevel::Info,
               ranks.isEmpty() ? tr("Stopping the cluster run: SIGTERM to %1").arg(program_)
                               : tr("Stopping the cluster run: SIGTERM to its %n rank(s); they "
                                    "stop at the next batch with a checkpoint",
                                    nullptr, int(ranks.size())));
}

void ClusterRun::set_state(TrainingState state) {
  if (state == state_) return;
  state_ = state;
  emit stateChanged(state);
}

void ClusterRun::read_metrics() {
  if (!tail_) return;
  if (watcher_.files().isEmpty() && QFileInfo::exists(metrics_)) watcher_.addPath(metrics_);
  const train::MetricsTail::Read read = tail_->read_new();
  for (const std::string& problem : read.problems)
    emit message(train::MessageLevel::Warning, QString::fromStdString(problem));
  QVector<BatchPoint> points;
  for (const train::MetricsEvent& e : read.events) {
    switch (e.kind) {
      case train::MetricsEvent::Kind::Batch:
        points.push_back(BatchPoint::from(e.batch));
        break;
      case train::MetricsEvent::Kind::Epoch:
        // The epoch's batches first, as the local run delivers them.
        if (!points.isEmpty()) emit batchesArrived(std::exchange(points, {}));
        epochs_done_ = e.epoch.epoch;
        last_epoch_ = e.epoch;
        emit epochEnded(e.epoch);
        break;
      case train::MetricsEvent::Kind::Health:
        emit healthSampled(e.health);
        break;
      case train::MetricsEvent::Kind::Failed:
        failure_ = QString::fromStdString(e.reason);
        ended_ = true;
        break;
      case train::MetricsEvent::Kind::Other:  // the test evaluation: the run's last line
        ended_ = true;
        break;
    }
  }
  if (!points.isEmpty()) emit batchesArrived(points);
  // A process of ours says itself when it ends; a followed file says it in its last line.
  if (following_ && ended_ && !finishing_)
    finish(tr("the run ended (%1)").arg(QDir::toNativeSeparators(metrics_)), false);
}

void ClusterRun::read_output() {
  output_ += process_.readAll();
  if (output_.size() > kOutputKept) output_ = output_.right(kOutputKept);
}

void ClusterRun::on_finished(int code, QProcess::ExitStatus status) {
  read_output();
  exit_code_ = status == QProcess::NormalExit ? code : -1;
  const QString how = status == QProcess::NormalExit
                          ? tr("%1 exited with code %2").arg(program_).arg(code)
                          : tr("%1 crashed").arg(program_);
  // A stop that mpirun ended itself exits 1 (docs/distributed.md): still the stop asked for.
  finish(how, !stop_requested_ && (status != QProcess::NormalExit || code != 0));
}

void ClusterRun::on_error(QProcess::ProcessError error) {
  if (error != QProcess::FailedToStart) return;  // the others end in finished()
  finish(tr("%1 did not start: %2").arg(process_.program(), process_.errorString()), true);
}

void ClusterRun::finish(const QString& how, bool launcher_failed) {
  if (state_ == TrainingState::Idle || finishing_) return;
  finishing_ = true;
  poll_.stop();
  read_metrics();  // the lines written before the end
  if (!watcher_.files().isEmpty()) watcher_.removePaths(watcher_.files());
  tail_.reset();
  train::RunResult r;
  r.epochs_done = epochs_done_;
  r.last = last_epoch_;
  if (!failure_.isEmpty() || launcher_failed) {
    r.state = train::RunState::Failed;
    QString why = failure_.isEmpty() ? how : failure_ + " (" + how + ")";
    if (const QString out = last_lines(output_, 20); !out.isEmpty()) why += ":\n" + out;
    r.reason = why.toStdString();
  } else {
    r.state = stop_requested_ ? train::RunState::Stopped : train::RunState::Finished;
    r.reason = how.toStdString();
  }
  following_ = finishing_ = false;
  set_state(TrainingState::Idle);
  emit runFinished(r);
}

QString mpirun_path() {
  const QString found = QStandardPaths::findExecutable(QStringLiteral("mpirun"));
  if (!found.isEmpty()) return found;
#ifdef NW_MPIEXEC
  if (QFileInfo(QStringLiteral(NW_MPIEXEC)).isExecutable()) return QStringLiteral(NW_MPIEXEC);
#endif
  return {};
}

QString cli_path() {
  const QString beside = QCoreApplication::applicationDirPath() + "/netwright-cli";
  if (QFileInfo(beside).isExecutable()) return beside;
  return QStandardPaths::findExecutable(QStringLiteral("netwright-cli"));
}

QString local_run_unavailable_reason() {
  if (!dist::mpi_built())
    return QCoreApplication::translate(
               "ClusterRun",
               "This build has no MPI (%1): install libopenmpi-dev and openmpi-bin and rebuild "
               "Netwright; the command line and the script above still work on a cluster.")
        .arg(QString::fromStdString(dist::mpi_description()));
  if (mpirun_path().isEmpty())
    return QCoreApplication::translate("ClusterRun",
                                       "No mpirun found on PATH: install openmpi-bin.");
  if (cli_path().isEmpty())
    return QCoreApplication::translate(
        "ClusterRun",
        "netwright-cli is neither beside the application nor on PATH: install it with the "
        "application.");
  return {};
}

}  // namespace nw::gui
