// Opening another project, or File > New, never leaves the previous project's run on view: the
// dashboard shows the new project's own runs from its runs/ folder (the latest run's curves,
// read from its checkpoints) or nothing, the status bar and the evaluation are cleared, and
// Evaluate is disabled or evaluates the new project's weights. A run still going is stopped.
#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "app/main_window.h"
#include "app/training_status.h"
#include "evaluation/evaluation_widget.h"
#include "plots/run_history.h"
#include "run_fixtures.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"
#include "training/training_header.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

namespace {

// Nothing of any run on view: no curves, no progress, no evaluation, nothing to evaluate.
void verify_empty(MainWindow& w) {
  QVERIFY(w.dashboard()->runs().empty());
  QCOMPARE(w.dashboard()->header()->progress_text(), QStringLiteral("no runs yet"));
  QVERIFY(w.dashboard()->header()->best_text().isEmpty());
  QCOMPARE(w.training_status()->progress_text(), QStringLiteral("Not training"));
  QVERIFY(w.training_status()->speed_text().isEmpty());
  QVERIFY(w.evaluation()->summary_text().startsWith("No evaluation yet"));
  QVERIFY(w.evaluation()->weights_text().isEmpty());
  QVERIFY(!w.action("evaluate")->isEnabled());
  QVERIFY(!w.action("exportCheckpoint")->isEnabled());
}

}  // namespace

class TestProjectSwitch : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString a_, b_;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
    QDir().mkpath(tmp_.filePath("a"));
    QDir().mkpath(tmp_.filePath("b"));
    a_ = save_blobs_project(tmp_.filePath("a"), "a.nwproj", "project-a", 2000, 2);
    b_ = save_blobs_project(tmp_.filePath("b"), "b.nwproj", "project-b", 2000, 2);
  }

  void opening_b_after_training_a_shows_b_and_evaluates_b() {
    MainWindow w(strict_hooks());
    QVERIFY(w.open_project(a_));
    verify_empty(w);  // A has not trained yet
    if (QTest::currentTestFailed()) return;
    QVERIFY(w.action("train")->isEnabled());
    QSignalSpy finished(w.training(), &TrainingController::runFinished);
    w.action("train")->trigger();
    QVERIFY(wait_finished(finished));
    QCOMPARE(finished.first().first().value<train::RunResult>().state, train::RunState::Finished);
    QCOMPARE(w.dashboard()->runs().size(), size_t(1));
    QVERIFY(!w.dashboard()->header()->best_text().isEmpty());
    QVERIFY(w.action("evaluate")->isEnabled());

    // B has no runs: an empty dashboard, nothing to evaluate or export.
    QVERIFY(w.open_project(b_));
    verify_empty(w);
    if (QTest::currentTestFailed()) return;

    // B with a run of its own on disk: its curves (read from its checkpoints), and Evaluate
    // evaluates B's best weights.
    const auto history = train_run(b_, "20260105-100000", 2);
    QVERIFY(w.open_project(b_));
    QCOMPARE(w.dashboard()->runs().size(), size_t(1));
    const RunHistory& shown = *w.dashboard()->runs().back();
    QCOMPARE(shown.name, QStringLiteral("20260105-100000"));
    QCOMPARE(shown.epochs.size(), size_t(2));
    for (size_t i = 0; i < 2; ++i) {
      QCOMPARE(shown.epochs[i].train_loss, history.at("train_loss")[i]);
      QCOMPARE(*shown.epochs[i].val_accuracy, history.at("val_accuracy")[i]);
    }
    QVERIFY2(w.dashboard()->header()->progress_text().contains("20260105-100000"),
             qPrintable(w.dashboard()->header()->progress_text()));
    QVERIFY(w.dashboard()->header()->best_text().contains("val"));
    QVERIFY(w.action("evaluate")->isEnabled());
    QSignalSpy evaluated(w.training(), &TrainingController::evaluationReady);
    w.action("evaluate")->trigger();
    QVERIFY(evaluated.wait(20000));
    QVERIFY2(w.evaluation()->weights_text().contains("best.h5 of run 20260105-100000"),
             qPrintable(w.evaluation()->weights_text()));
    const std::string best =
        tmp_.filePath("b/runs/project-b/20260105-100000/best.h5").toStdString();
    QCOMPARE(evaluated.first().first().value<train::EvalResult>().confusion,
             evaluate_in_core(b_, best).confusion);

    // Back to A: A's own run (the one trained in this window), not B's.
    QTRY_COMPARE(w.training()->state(), TrainingState::Idle);
    QVERIFY(w.open_project(a_));
    QCOMPARE(w.dashboard()->runs().size(), size_t(1));
    const auto a_runs = train::list_runs(io::load_project(a_.toStdString()));
    QCOMPARE(a_runs.size(), size_t(1));
    QCOMPARE(w.dashboard()->runs().back()->name, QString::fromStdString(a_runs[0].name));
    QVERIFY(w.evaluation()->weights_text().isEmpty());

    // File > New: an untitled project has no runs of its own.
    w.action("new")->trigger();
    verify_empty(w);
  }

  void a_run_going_on_is_stopped_when_another_project_opens() {
    QDir().mkpath(tmp_.filePath("long"));
    const QString long_run =
        save_blobs_project(tmp_.filePath("long"), "long.nwproj", "long", 300000, 5);
    QDir().mkpath(tmp_.filePath("c"));
    const QString c = save_blobs_project(tmp_.filePath("c"), "c.nwproj", "project-c", 500, 1);
    train_run(c, "20260106-100000", 1);
    MainWindow w(strict_hooks());
    QVERIFY(w.open_project(long_run));
    QSignalSpy batches(w.training(), &TrainingController::batchesArrived);
    QSignalSpy finished(w.training(), &TrainingController::runFinished);
    w.action("train")->trigger();
    QVERIFY(batches.wait(20000));
    QVERIFY(w.open_project(c));  // returns once the run has stopped
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().value<train::RunResult>().state, train::RunState::Stopped);
    QVERIFY(!w.training()->run_active());
    // C's own run, nothing of the stopped run; no batch of it comes later.
    QCOMPARE(w.dashboard()->runs().size(), size_t(1));
    QCOMPARE(w.dashboard()->runs().back()->name, QStringLiteral("20260106-100000"));
    QVERIFY(w.dashboard()->runs().back()->loss.empty());
    QTest::qWait(50);
    QVERIFY(w.dashboard()->runs().back()->loss.empty());
    QCOMPARE(w.training_status()->progress_text(), QStringLiteral("Not training"));
  }
};

QTEST_MAIN(TestProjectSwitch)
#include "tst_project_switch.moc"
