// Train > Run on Cluster..., Follow Run...: the metrics file of a run started elsewhere (a Slurm
// job writing to a shared file system), plotted as it grows. Lines are appended here as
// netwright-cli writes them (train/metrics_log.h), a line cut in two included; Train > Stop ends
// the following; a failure line ends it as a failed run. No MPI needed.
#include <QAction>
#include <QFile>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "app/main_window.h"
#include "app/run_on_cluster_dialog.h"
#include "train/metrics_log.h"
#include "training/cluster_run.h"
#include "training/training_dashboard.h"
#include "training_fixtures.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

namespace {

constexpr int kGuardMs = 30000;  // only a guard: the poll reads within a fraction of a second

std::string batch_line(int64_t batch, double loss) {
  train::BatchStats b;
  b.epoch = 1;
  b.batch = batch;
  b.batches = 4;
  b.samples_seen = 64 * batch;
  b.loss = loss;
  b.accuracy = 0.5;
  b.lr = 0.01;
  return train::batch_json(b).dump() + "\n";
}

void append(const QString& file, const std::string& text) {
  QFile f(file);
  if (!f.open(QIODevice::Append)) qFatal("cannot append to %s", qPrintable(file));
  f.write(text.data(), qint64(text.size()));
}

}  // namespace

class TestFollowRun : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  // A window on a saved project whose Follow Run... answers `metrics`, with the dialog open.
  struct Window {
    std::unique_ptr<MainWindow> w;
    RunOnClusterDialog* dialog = nullptr;
  };
  Window open_window(const QString& metrics) {
    WindowHooks hooks = strict_hooks();
    hooks.files.open = [metrics](QWidget*, const QString&, const QString&, const QString&) {
      return metrics;
    };
    Window out{std::make_unique<MainWindow>(hooks)};
    const QString project = tmp_.filePath("blobs.nwproj");
    io::save_project(blobs_project(400, 2), project.toStdString());
    if (!out.w->open_project(project)) qFatal("cannot open %s", qPrintable(project));
    out.w->action("runOnCluster")->trigger();
    out.dialog = out.w->findChild<RunOnClusterDialog*>("runOnClusterDialog");
    return out;
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
  }

  void batches_arrive_as_the_file_grows() {
    const QString metrics = tmp_.filePath("job/metrics.jsonl");
    QVERIFY(QDir().mkpath(tmp_.filePath("job")));
    const std::string third = batch_line(3, 0.7);
    append(metrics, batch_line(1, 0.9) + batch_line(2, 0.8) + third.substr(0, 25));
    Window win = open_window(metrics);
    QVERIFY(win.dialog);
    win.dialog->findChild<QPushButton*>("followRun")->click();
    ClusterRun* run = win.w->cluster_run();
    QVERIFY(run->following());
    TrainingDashboard* dash = win.w->dashboard();
    // The two whole lines; the third waits for its newline.
    QTRY_COMPARE_WITH_TIMEOUT(int(dash->runs().back()->loss.size()), 2, kGuardMs);
    QCOMPARE(dash->runs().back()->loss.y(1), 0.8);
    QCOMPARE(dash->runs().back()->loss.x(1), 0.5);  // batch 2 of 4 in epoch 1

    train::EpochStats e;
    e.epoch = 1;
    e.train_loss = 0.75;
    e.val_loss = 0.7;
    append(metrics, third.substr(25) + batch_line(4, 0.6) + train::epoch_json(e).dump() + "\n");
    QTRY_COMPARE_WITH_TIMEOUT(dash->runs().back()->epochs.size(), size_t(1), kGuardMs);
    QCOMPARE(int(dash->runs().back()->loss.size()), 4);
    QCOMPARE(dash->runs().back()->loss.y(2), 0.7);
    QCOMPARE(dash->runs().back()->epochs[0].val_loss.value_or(-1.0), 0.7);
    QVERIFY(!win.dialog->findChild<QPushButton*>("followRun")->isEnabled());

    // Train > Stop ends the following (the job is not ours to stop).
    QVERIFY(win.w->action("stop")->isEnabled());
    win.w->action("stop")->trigger();
    QVERIFY(!run->active());
    const QString log = messages_text(win.w->messages());
    QVERIFY2(log.contains("Cluster run stopped: stopped following"), qPrintable(log));
    QVERIFY(win.w->action("train")->isEnabled());
  }

  void a_failure_line_ends_it() {
    const QString metrics = tmp_.filePath("failing.jsonl");
    append(metrics, batch_line(1, 0.9));
    Window win = open_window(metrics);
    win.dialog->findChild<QPushButton*>("followRun")->click();
    ClusterRun* run = win.w->cluster_run();
    QTRY_COMPARE_WITH_TIMEOUT(int(win.w->dashboard()->runs().back()->loss.size()), 1, kGuardMs);
    QSignalSpy finished(run, &ClusterRun::runFinished);
    append(metrics, train::failed_json("loss is NaN at epoch 1, batch 2").dump() + "\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kGuardMs);
    const auto r = finished.at(0).at(0).value<train::RunResult>();
    QCOMPARE(int(r.state), int(train::RunState::Failed));
    QVERIFY2(r.reason.find("loss is NaN at epoch 1, batch 2") == 0, r.reason.c_str());
    QVERIFY(!run->active());
  }
};

QTEST_MAIN(TestFollowRun)
#include "tst_follow_run.moc"
