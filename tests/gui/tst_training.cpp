// The training controller and dashboard against real runs of a small synthetic project: signals,
// pause/resume/stop, evaluation, checkpoint export, and no leaked threads or memory over many
// start/stop cycles. (The GUI thread's latency during a run is bench/bench_gui_latency: under load
// it measures the load, so it is a benchmark, not a test.)
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>
#include <algorithm>

#include "io/checkpoint.h"
#include "io/project.h"
#include "tensor/creation.h"
#include "training/epoch_rate.h"
#include "training/frame_rate.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"
#include "training/training_header.h"
#include "training_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

namespace {

int64_t total_points(const QSignalSpy& spy) {
  int64_t n = 0;
  for (const auto& args : spy) n += args.at(0).value<QVector<BatchPoint>>().size();
  return n;
}

int64_t matrix_sum(const train::EvalResult& r) {
  int64_t n = 0;
  for (const auto& row : r.confusion)
    for (int64_t c : row) n += c;
  return n;
}

int thread_count() {
  return int(
      QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

// Threads of this process whose name starts with `prefix` ("netwright-trai": the kernel keeps 15
// characters of "netwright-training", the controller's thread).
int threads_named(const QString& prefix) {
  int n = 0;
  const QDir tasks(QStringLiteral("/proc/self/task"));
  for (const QString& id : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    QFile comm(tasks.filePath(id + "/comm"));
    if (comm.open(QIODevice::ReadOnly) && QString::fromUtf8(comm.readAll()).startsWith(prefix)) ++n;
  }
  return n;
}

const QString kTrainingThread = QStringLiteral("netwright-trai");
// Threads end on their own schedule (an exiting thread, a pool thread that expires after 30 s
// idle): the counts below are waited for, with a deadline that only a leak runs into.
constexpr int kSettleMs = 60000;

double rss_mb() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

}  // namespace

class TestTraining : public QObject {
  Q_OBJECT

 private slots:
  void init() { qRegisterMetaType<QVector<BatchPoint>>(); }

  void runs_to_the_end_with_coalesced_batches() {
    TrainingController controller;
    TrainingDashboard dashboard(&controller);
    QSignalSpy batches(&controller, &TrainingController::batchesArrived);
    QSignalSpy epochs(&controller, &TrainingController::epochEnded);
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    // Every epoch's batches must have arrived before its epochEnded. The next epoch's first
    // points may come before it too: the frame timer collects whatever the worker has pushed, and
    // on a busy machine the worker is into epoch e + 1 before the GUI thread hears epoch e end.
    int64_t batches_per_epoch = 0;
    bool ordered = true;
    connect(&controller, &TrainingController::epochEnded, this, [&](const train::EpochStats& e) {
      ordered = ordered && total_points(batches) >= e.epoch * batches_per_epoch;
    });
    batches_per_epoch = (1800 + 31) / 32;  // 2000 samples, a tenth held out for validation
    QElapsedTimer clock;
    clock.start();
    QVERIFY(controller.start(blobs_project(2000)));
    QCOMPARE(controller.state(), TrainingState::Running);
    QVERIFY(wait_finished(finished));
    const auto result = finished.at(0).at(0).value<train::RunResult>();
    QCOMPARE(result.state, train::RunState::Finished);
    QCOMPARE(result.epochs_done, int64_t(3));
    QCOMPARE(epochs.count(), 3);
    QVERIFY(ordered);
    QCOMPARE(total_points(batches), 3 * batches_per_epoch);
    // At most one delivery per frame, plus one per epoch end and one at the finish.
    QVERIFY2(
        batches.count() <= clock.elapsed() / 16 + 3 + 2,
        qPrintable(QString("%1 deliveries in %2 ms").arg(batches.count()).arg(clock.elapsed())));
    QCOMPARE(controller.state(), TrainingState::Idle);
    const RunHistory& run = *dashboard.runs().back();
    QCOMPARE(int64_t(run.loss.size()), 3 * batches_per_epoch);
    QCOMPARE(run.epochs.size(), size_t(3));
    QVERIFY(run.epochs.back().val_accuracy.has_value());
    QVERIFY(*run.epochs.back().val_accuracy > 0.9);
    QCOMPARE(dashboard.header()->progress_text(), QString("epoch 3/3 · batch 57/57"));
    QVERIFY(dashboard.header()->best_text().startsWith("best val accuracy"));
  }

  void pauses_resumes_evaluates_exports_and_stops() {
    QTemporaryDir tmp;
    TrainingController controller;
    TrainingDashboard dashboard(&controller);
    QSignalSpy batches(&controller, &TrainingController::batchesArrived);
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    QSignalSpy evaluated(&controller, &TrainingController::evaluationReady);
    QSignalSpy predicted(&controller, &TrainingController::predictionsReady);
    QSignalSpy written(&controller, &TrainingController::checkpointWritten);
    QVERIFY(controller.start(blobs_project(300000)));
    QVERIFY(batches.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.runs().back()->loss.size() > 0, 2000);
    const size_t early = dashboard.runs().back()->loss.size();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.runs().back()->loss.size() > early, 5000);  // growing

    controller.pause();
    QTRY_VERIFY_WITH_TIMEOUT(controller.state() == TrainingState::Paused, 5000);
    const int deliveries = batches.count();
    const size_t points = dashboard.runs().back()->loss.size();
    QTest::qWait(200);
    QCOMPARE(batches.count(), deliveries);
    QCOMPARE(dashboard.runs().back()->loss.size(), points);

    // Served on the training thread while it is paused.
    const QString path = tmp.filePath("paused.h5");
    controller.export_checkpoint(path);
    QVERIFY(written.wait(10000));
    QCOMPARE(written.last().at(0).toString(), path);
    const io::Checkpoint ckpt = io::read_checkpoint(path.toStdString());
    QVERIFY(!ckpt.model.empty());
    QCOMPARE(ckpt.model.front().first, std::string("fc1.weight"));
    QCOMPARE(ckpt.epoch * int64_t(8438) + ckpt.batch, int64_t(points));  // 270000 / 32 per epoch

    controller.evaluate("test");
    QVERIFY(evaluated.wait(10000));
    const auto eval = evaluated.at(0).at(0).value<train::EvalResult>();
    QCOMPARE(eval.samples, int64_t(400));
    QCOMPARE(matrix_sum(eval), int64_t(400));
    QCOMPARE(predicted.count(), 1);
    QCOMPARE(predicted.at(0).at(0).value<SplitPredictions>().samples.size(), size_t(400));
    QTRY_VERIFY_WITH_TIMEOUT(controller.state() == TrainingState::Paused, 2000);
    QCOMPARE(batches.count(), deliveries);

    controller.resume();
    QTRY_VERIFY_WITH_TIMEOUT(controller.state() == TrainingState::Running, 2000);
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.runs().back()->loss.size() > points, 5000);

    controller.stop();
    QCOMPARE(controller.state(), TrainingState::Stopping);
    QVERIFY(wait_finished(finished));
    QCOMPARE(finished.at(0).at(0).value<train::RunResult>().state, train::RunState::Stopped);
    QCOMPARE(controller.state(), TrainingState::Idle);
  }

  // Points come at the screen's frame rate (30 Hz at most) while the dashboard can be seen, and
  // twice a second while it is hidden or its window minimised.
  void deliveries_slow_down_while_nobody_looks() {
    TrainingController controller;
    TrainingDashboard dashboard(&controller);
    QVERIFY(frame_interval_ms() >= 1000 / kMaxFrameRate);
    QCOMPARE(controller.frame_interval(), frame_interval_ms());
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    QVERIFY(controller.start(blobs_project(300000)));
    QTRY_COMPARE_WITH_TIMEOUT(controller.frame_interval(), kHiddenIntervalMs, 10000);
    dashboard.show();
    QTRY_COMPARE(controller.frame_interval(), frame_interval_ms(&dashboard));
    dashboard.showMinimized();
    QTRY_COMPARE(controller.frame_interval(), kHiddenIntervalMs);
    dashboard.showNormal();
    QTRY_COMPARE(controller.frame_interval(), frame_interval_ms(&dashboard));
    controller.stop();
    QVERIFY(wait_finished(finished));
  }

  // The header's and status bar's figures: the first request at once, later ones gathered into
  // one, and the latest never lost. A long interval, so nothing here waits on the clock.
  void throttle_applies_the_latest_request_once() {
    int applied = 0;
    Throttle throttle(60'000, [&] { ++applied; });
    throttle.request();
    QCOMPARE(applied, 1);  // nothing ran before: at once
    throttle.request();
    throttle.request();
    QCOMPARE(applied, 1);  // gathered for the end of the interval
    throttle.flush();
    QCOMPARE(applied, 2);
    throttle.flush();
    QCOMPARE(applied, 2);  // nothing was pending
    throttle.request();
    throttle.cancel();
    throttle.flush();
    QCOMPARE(applied, 2);
  }

  // The status bar's samples/s after a pause: the paused time is not training time. Fed a
  // made-up clock, so the figures are exact whatever the machine's load.
  void samples_per_second_leave_out_held_time() {
    EpochRate rate;
    // Epoch 1 of 64-sample batches, one batch every 0.5 s: 128 samples/s.
    QCOMPARE(rate.on_batch(10.0, 1, 64, 100.0), 100.0);  // the first: the trainer's own figure
    QCOMPARE(rate.on_batch(10.5, 1, 128, 0.0), 128.0);
    rate.held(0.0);
    QCOMPARE(rate.on_batch(11.0, 1, 192, 0.0), 128.0);
    rate.held(60.0);  // paused for a minute after the third batch
    QCOMPARE(rate.on_batch(71.5, 1, 256, 0.0), 128.0);
    rate.held(0.25);  // an evaluation between batches
    rate.held(0.25);
    QCOMPARE(rate.on_batch(72.5, 1, 320, 0.0), 128.0);
    // A new epoch starts over: the held time of the last one no longer counts.
    QCOMPARE(rate.on_batch(80.0, 2, 384, 90.0), 90.0);
    QCOMPARE(rate.on_batch(80.25, 2, 448, 0.0), 256.0);
    // A clock too coarse to tell two batches apart keeps the last figure, never divides by 0.
    QCOMPARE(rate.on_batch(90.0, 3, 576, 95.0), 95.0);
    QCOMPARE(rate.on_batch(90.0, 3, 640, 0.0), 95.0);
  }

  void stop_while_paused_ends_the_run() {
    TrainingController controller;
    QSignalSpy batches(&controller, &TrainingController::batchesArrived);
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    QVERIFY(controller.start(blobs_project(300000)));
    QVERIFY(batches.wait(10000));
    controller.pause();
    QTRY_VERIFY_WITH_TIMEOUT(controller.state() == TrainingState::Paused, 5000);
    controller.stop();
    QVERIFY(wait_finished(finished));
    QCOMPARE(finished.at(0).at(0).value<train::RunResult>().state, train::RunState::Stopped);
  }

  void export_when_idle_writes_a_readable_checkpoint() {
    QTemporaryDir tmp;
    TrainingController controller;
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    QSignalSpy written(&controller, &TrainingController::checkpointWritten);
    QVERIFY(controller.start(blobs_project(2000, 1)));
    QVERIFY(wait_finished(finished));
    const QString path = tmp.filePath("final.h5");
    controller.export_checkpoint(path);
    QVERIFY(written.wait(10000));
    const io::Checkpoint ckpt = io::read_checkpoint(path.toStdString());
    QCOMPARE(ckpt.epoch, int64_t(1));
    QCOMPARE(ckpt.history.at("train_loss").size(), size_t(1));
  }

  void bad_projects_fail_with_a_reason() {
    TrainingController controller;
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    io::Project missing = blobs_project(2000);
    missing.data.train->spec = {{"source", "csv"}, {"path", "/nonexistent/x.csv"}, {"label", "y"}};
    QVERIFY(controller.start(missing));
    QVERIFY(wait_finished(finished, 1));
    auto r = finished.at(0).at(0).value<train::RunResult>();
    QCOMPARE(r.state, train::RunState::Failed);
    QVERIFY2(r.reason.find("x.csv") != std::string::npos, r.reason.c_str());

    io::Project broken = blobs_project(2000);
    broken.graph.remove_node("input");
    QVERIFY(controller.start(broken));
    QVERIFY(wait_finished(finished, 2));
    r = finished.at(1).at(0).value<train::RunResult>();
    QCOMPARE(r.state, train::RunState::Failed);
    QVERIFY(!r.reason.empty());
    QCOMPARE(controller.state(), TrainingState::Idle);
  }

  void start_stop_cycles_leak_no_threads_or_memory() {
    const io::Project project = blobs_project(300000);
    TrainingController controller;
    QSignalSpy batches(&controller, &TrainingController::batchesArrived);
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    int threads_after_first = 0;
    double rss_after_10 = 0;
    for (int cycle = 1; cycle <= 50; ++cycle) {
      batches.clear();
      finished.clear();
      QVERIFY(controller.start(project));
      QVERIFY(batches.wait(kRunTimeoutMs));
      controller.stop();
      QVERIFY(wait_finished(finished));
      QCOMPARE(finished.at(0).at(0).value<train::RunResult>().state, train::RunState::Stopped);
      if (cycle == 1) threads_after_first = thread_count();
      if (cycle == 10) rss_after_10 = rss_mb();
    }
    // One training thread, however many runs it served; and no more threads in all than after
    // the first run (a leak of one per run would be 49 more). Fewer is fine: a thread that was
    // still ending after run 1, or an idle pool thread, may have gone since.
    QCOMPARE(threads_named(kTrainingThread), 1);
    QTRY_VERIFY_WITH_TIMEOUT(thread_count() <= threads_after_first, kSettleMs);
    const double rss = rss_mb();
    qInfo("threads after cycle 1: %d, after 50: %d; RSS after 10: %.1f MB, after 50: %.1f MB",
          threads_after_first, thread_count(), rss_after_10, rss);
    QVERIFY2(rss - rss_after_10 < 20.0,
             qPrintable(QString("RSS grew by %1 MB").arg(rss - rss_after_10)));

    // Controllers destroyed in the middle of a run take their threads with them.
    const int before = thread_count();
    for (int i = 0; i < 3; ++i) {
      TrainingController transient;
      QSignalSpy first(&transient, &TrainingController::batchesArrived);
      QVERIFY(transient.start(project));
      QVERIFY(first.wait(kRunTimeoutMs));
      QTRY_COMPARE_WITH_TIMEOUT(threads_named(kTrainingThread), 2, kSettleMs);
    }
    QTRY_COMPARE_WITH_TIMEOUT(threads_named(kTrainingThread), 1, kSettleMs);
    QTRY_VERIFY_WITH_TIMEOUT(thread_count() <= before, kSettleMs);
  }
};

QTEST_MAIN(TestTraining)
#include "tst_training.moc"
