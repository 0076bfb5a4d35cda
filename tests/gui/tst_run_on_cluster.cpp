// Train > Run on Cluster... (check 5 of issue 18): from the Train menu, a 2-rank local mpirun
// run of the bundled Fashion-MNIST MLP whose batches arrive in the dashboard's plots, stopped
// from Train > Stop with a checkpoint that loads, mpirun gone with exit code 0 and no rank left.
// Also the text the dialog shows and saves, why Start is refused, and a failing run's output in
// the Messages dock. Registered only when Netwright is built with MPI (tests/gui/CMakeLists.txt).
#include <QAction>
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "../dist_train/rank_processes.h"
#include "app/main_window.h"
#include "app/run_on_cluster_dialog.h"
#include "io/checkpoint.h"
#include "plots/loss_plot.h"
#include "training/cluster_run.h"
#include "training/training_dashboard.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

namespace {

// Guards against a run that never gets going; not measurements.
constexpr int kStartGuardMs = 180000;
constexpr int kStopGuardMs = 120000;
// Each rank reads 8000 samples of Fashion-MNIST's training split (batch 64: 56 batches per rank
// an epoch after the validation share); the run goes on until it is stopped.
constexpr int64_t kSampleLimit = 8000;

// The bundled MLP, with epochs enough never to end by itself, saved in `dir`.
QString copy_mlp(const QString& dir, int epochs = 100000) {
  QFile in(QStringLiteral(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj"));
  if (!in.open(QIODevice::ReadOnly)) qFatal("cannot read the bundled MLP");
  QJsonObject project = QJsonDocument::fromJson(in.readAll()).object();
  QJsonObject training = project["training"].toObject();
  training["epochs"] = epochs;
  project["training"] = training;
  const QString path = dir + "/mlp.nwproj";
  QFile out(path);
  if (!out.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
  out.write(QJsonDocument(project).toJson());
  return path;
}

RunOnClusterDialog* open_dialog(MainWindow& w) {
  QAction* a = w.action("runOnCluster");
  if (!a || !a->isEnabled()) return nullptr;
  a->trigger();
  return w.findChild<RunOnClusterDialog*>("runOnClusterDialog");
}

// Points drawn by the loss plot's graphs (all runs, all layers).
int drawn_points(LossPlot* plot) {
  plot->redraw_now();
  int n = 0;
  for (int i = 0; i < plot->graphCount(); ++i) n += plot->graph(i)->dataCount();
  return n;
}

int batch_lines(const QString& metrics) {
  QFile f(metrics);
  if (!f.open(QIODevice::ReadOnly)) return -1;
  int n = 0;
  for (const QByteArray& line : f.readAll().split('\n')) n += line.contains("\"event\":\"batch\"");
  return n;
}

}  // namespace

class TestRunOnCluster : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
    // The build has MPI (this test is registered only then), so a local run must be possible.
    QCOMPARE(local_run_unavailable_reason(), QString());
  }

  void two_ranks_from_the_train_menu_plot_and_stop() {
    // The ranks carry this mark in their environment (mpirun passes its own on to local ranks),
    // so the test finds them, and finds none left, among the machine's processes.
    const QByteArray job =
        "run-on-cluster-" + QByteArray::number(QCoreApplication::applicationPid());
    qputenv("NW_TEST_JOB", job);
    WindowHooks hooks = strict_hooks();
    hooks.sample_limit = kSampleLimit;
    MainWindow w(hooks);
    QVERIFY(w.open_project(copy_mlp(tmp_.path())));
    RunOnClusterDialog* dialog = open_dialog(w);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    auto* ranks = dialog->findChild<QSpinBox*>("ranks");
    ranks->setValue(3);
    ranks->setValue(2);
    const QString command = dialog->findChild<QLineEdit*>("mpirunCommand")->text();
    QVERIFY2(command.contains(" -np 2 ") && command.contains(" train ") &&
                 command.contains("--limit 8000"),
             qPrintable(command));
    auto* start = dialog->findChild<QPushButton*>("startLocal");
    QVERIFY2(start->isEnabled(), qPrintable(start->toolTip()));
    start->click();

    ClusterRun* run = w.cluster_run();
    QVERIFY(run->active());
    QVERIFY(!w.action("train")->isEnabled());  // one run on the plots at a time
    // Batches of this run in the dashboard's newest run and drawn by the loss plot.
    TrainingDashboard* dash = w.dashboard();
    QTRY_VERIFY_WITH_TIMEOUT(
        (!dash->runs().empty() && dash->runs().back()->loss.size() >= 3) || !run->active(),
        kStartGuardMs);
    QVERIFY2(run->active(), qPrintable(messages_text(w.messages())));
    QCOMPARE(dash->runs().back()->name, QString("Fashion-MNIST MLP"));
    const MetricSeries& loss = dash->runs().back()->loss;
    for (size_t i = 0; i < loss.size(); ++i) {
      QVERIFY(std::isfinite(loss.y(i)) && loss.y(i) > 0.0);
      QVERIFY(loss.x(i) > 0.0);
    }
    QVERIFY(drawn_points(dash->loss_plot()) > 0);
    // The batch accuracy and learning rate too: the same plots a run of this window fills.
    QCOMPARE(dash->runs().back()->accuracy.size(), loss.size());
    QCOMPARE(dash->runs().back()->lr.size(), loss.size());
    QCOMPARE(dash->runs().back()->lr.y(0), 0.001);  // the project's Adam lr, no scheduler
    // Two ranks of netwright-cli under this run's mpirun.
    const QList<nw_test::RankProcess> ranks_running = nw_test::living_rank_processes(job);
    QCOMPARE(ranks_running.size(), 2);
    QVERIFY(ranks_running[0].rank != ranks_running[1].rank);

    QAction* stop = w.action("stop");
    QVERIFY(stop->isEnabled());
    stop->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!run->active(), kStopGuardMs);
    QCOMPARE(run->exit_code(), 0);  // the ranks stopped by themselves, not by mpirun's kill
    QVERIFY(nw_test::living_rank_processes(job).isEmpty());
    const QString log = messages_text(w.messages());
    QVERIFY2(log.contains("Cluster run stopped: mpirun exited with code 0"), qPrintable(log));
    QVERIFY(w.action("train")->isEnabled());

    // Every batch line of the metrics file, and no other point, is on the plot.
    QCOMPARE(int(dash->runs().back()->loss.size()), batch_lines(run->metrics_file()));
    // The stop's checkpoint: the newest numbered one, whole, with the optimizer's state.
    const QDir dir = QFileInfo(run->metrics_file()).dir();
    const QStringList numbered = dir.entryList({"epoch_*.h5"}, QDir::Files, QDir::Name);
    QVERIFY2(!numbered.isEmpty(), qPrintable(dir.path()));
    const io::Checkpoint ck = io::read_checkpoint(dir.filePath(numbered.back()).toStdString());
    QCOMPARE(ck.model.size(), size_t(6));  // fc1, fc2, fc3: weight and bias
    QVERIFY(ck.optimizer.has_value());
    QVERIFY(ck.epoch > 0 || ck.batch > 0);
    qInfo("%d batch points plotted; stopped with %s (epoch %lld, batch %lld)",
          int(dash->runs().back()->loss.size()), qPrintable(numbered.back()),
          static_cast<long long>(ck.epoch), static_cast<long long>(ck.batch));
    qunsetenv("NW_TEST_JOB");
  }

  // Closing the window during a run stops the ranks with a checkpoint and waits for them.
  void closing_the_window_stops_the_run() {
    const QByteArray job =
        "run-on-cluster-close-" + QByteArray::number(QCoreApplication::applicationPid());
    qputenv("NW_TEST_JOB", job);
    QDir dir;
    {
      WindowHooks hooks = strict_hooks();
      hooks.sample_limit = kSampleLimit;
      MainWindow w(hooks);
      QDir().mkpath(tmp_.filePath("close"));
      QVERIFY(w.open_project(copy_mlp(tmp_.filePath("close"))));
      RunOnClusterDialog* dialog = open_dialog(w);
      QVERIFY(dialog);
      dialog->findChild<QPushButton*>("startLocal")->click();
      ClusterRun* run = w.cluster_run();
      QTRY_VERIFY_WITH_TIMEOUT(
          (!w.dashboard()->runs().empty() && !w.dashboard()->runs().back()->loss.empty()) ||
              !run->active(),
          kStartGuardMs);
      QVERIFY2(run->active(), qPrintable(messages_text(w.messages())));
      QCOMPARE(nw_test::living_rank_processes(job).size(), 2);
      dir = QFileInfo(run->metrics_file()).dir();
    }
    QVERIFY(nw_test::living_rank_processes(job).isEmpty());
    const QStringList numbered = dir.entryList({"epoch_*.h5"}, QDir::Files, QDir::Name);
    QVERIFY2(!numbered.isEmpty(), qPrintable(dir.path()));
    QCOMPARE(io::read_checkpoint(dir.filePath(numbered.back()).toStdString()).model.size(),
             size_t(6));
    qunsetenv("NW_TEST_JOB");
  }

  void the_dialog_writes_the_command_and_the_script() {
    WindowHooks hooks = strict_hooks();
    const QString saved = tmp_.filePath("job.sbatch");
    hooks.files.save = [&](QWidget*, const QString&, const QString&, const QString&) {
      return saved;
    };
    MainWindow w(hooks);
    const QString project = copy_mlp(tmp_.path());
    QVERIFY(w.open_project(project));
    RunOnClusterDialog* dialog = open_dialog(w);
    QVERIFY(dialog);
    dialog->findChild<QSpinBox*>("ranks")->setValue(8);
    dialog->findChild<QSpinBox*>("nodes")->setValue(2);
    dialog->findChild<QSpinBox*>("gpusPerNode")->setValue(4);
    dialog->findChild<QSpinBox*>("timeHours")->setValue(2);
    dialog->findChild<QSpinBox*>("timeMinutes")->setValue(30);
    // What the core writes for these fields, shown whole.
    QCOMPARE(dialog->command(),
             QString::fromStdString(dist::mpirun_command(dialog->mpirun_spec())));
    QVERIFY2(dialog->command().startsWith("mpirun -np 8 --npernode 4 --hostfile hostfile "
                                          "netwright-cli train " +
                                          project + " "),
             qPrintable(dialog->command()));
    const QString script = dialog->script();
    for (const QString& line :
         {QString("#SBATCH --nodes=2"), QString("#SBATCH --ntasks-per-node=4"),
          QString("#SBATCH --gpus-per-node=4"), QString("#SBATCH --time=02:30:00")})
      QVERIFY2(script.split('\n').contains(line), qPrintable(script));
    QVERIFY2(script.contains("srun --ntasks-per-node=4 --gpus-per-node=4 netwright-cli train " +
                             project),
             qPrintable(script));
    // Two nodes are a cluster's: no local run.
    auto* start = dialog->findChild<QPushButton*>("startLocal");
    QVERIFY(!start->isEnabled());
    QVERIFY2(start->toolTip().contains("set nodes to 1"), qPrintable(start->toolTip()));
    // Ranks that do not split over the nodes: the reason, and no start.
    dialog->findChild<QSpinBox*>("ranks")->setValue(7);
    auto* problem = dialog->findChild<QLabel*>("problem");
    QVERIFY2(problem->text().startsWith("7 ranks do not split evenly over 2 nodes"),
             qPrintable(problem->text()));
    dialog->findChild<QSpinBox*>("ranks")->setValue(8);
    QVERIFY(problem->text().isEmpty());

    dialog->findChild<QPushButton*>("copyCommand")->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), dialog->command());
    dialog->findChild<QPushButton*>("copyScript")->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), dialog->script());

    dialog->findChild<QPushButton*>("saveScript")->click();
    QFile f(saved);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), dialog->script());
    QVERIFY(f.permissions() & QFileDevice::ExeOwner);
  }

  void an_unsaved_project_is_saved_first() {
    MainWindow w(strict_hooks());
    w.new_project();
    RunOnClusterDialog* dialog = open_dialog(w);
    QVERIFY(dialog);
    QVERIFY(!dialog->findChild<QPushButton*>("startLocal")->isEnabled());
    QVERIFY(dialog->findChild<QPushButton*>("saveProject")->isVisibleTo(dialog));
    QVERIFY2(dialog->findChild<QLabel*>("problem")->text().contains("save it"),
             qPrintable(dialog->findChild<QLabel*>("problem")->text()));
  }

  // A rank that fails (here: the data file is missing) ends the job; the window says the run
  // failed, with mpirun's exit code and the rank's error.
  void a_failing_run_shows_its_output() {
    QFile in(QStringLiteral(NW_SOURCE_DIR "/tests/cli/projects/blobs-mlp.nwproj"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QJsonObject project = QJsonDocument::fromJson(in.readAll()).object();
    QJsonObject data = project["data"].toObject();
    data["train"] = QJsonObject{{"source", "csv"}, {"path", "missing.csv"}, {"label", "y"}};
    project["data"] = data;
    const QString path = tmp_.filePath("missing-data.nwproj");
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(project).toJson());
    out.close();

    MainWindow w(strict_hooks());
    QVERIFY(w.open_project(path));
    RunOnClusterDialog* dialog = open_dialog(w);
    QVERIFY(dialog);
    dialog->findChild<QPushButton*>("startLocal")->click();
    ClusterRun* run = w.cluster_run();
    QTRY_VERIFY_WITH_TIMEOUT(!run->active(), kStopGuardMs);
    QVERIFY(run->exit_code() != 0);
    const QString log = messages_text(w.messages());
    qInfo("%s", qPrintable(log.mid(log.indexOf("Cluster run failed"))));
    QVERIFY2(
        log.contains("Cluster run failed: mpirun exited with code") && log.contains("missing.csv"),
        qPrintable(log));
  }
};

QTEST_MAIN(TestRunOnCluster)
#include "tst_run_on_cluster.moc"
