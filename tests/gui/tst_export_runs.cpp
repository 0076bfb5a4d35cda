// File > Export Checkpoint and Train > Evaluate on a project reopened with runs on disk: Export
// offers every checkpoint of every run (the latest run's best by default, under a name made of
// the project, the run and the checkpoint) and copies the chosen file exactly; it is disabled,
// saying why, for a project without runs. Evaluate uses the latest run's best weights and says
// which; Evaluate Last Weights the latest numbered checkpoint.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <optional>

#include "app/checkpoint_chooser.h"
#include "app/main_window.h"
#include "app/messages_panel.h"
#include "evaluation/evaluation_widget.h"
#include "io/checkpoint.h"
#include "run_fixtures.h"
#include "training/training_controller.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

namespace {

const std::string kOlder = "20260101-120000", kLatest = "20260102-090000";

// What the window asked, and what the hooks answer.
struct Asked {
  QVector<CheckpointChoice> choices;
  int preselected = -2;
  std::optional<int> answer;  // none: the preselected one; -1: cancel
  QString suggested;
  QString save_to;
  int chooser = 0, saves = 0, errors = 0;
};

WindowHooks hooks_for(Asked& a) {
  WindowHooks h;
  h.restore_layout = false;
  h.offer_recovery = false;
  h.choose_checkpoint = [&a](QWidget*, const QVector<CheckpointChoice>& choices, int pre) {
    ++a.chooser;
    a.choices = choices;
    a.preselected = pre;
    return a.answer.value_or(pre);
  };
  h.files.save = [&a](QWidget*, const QString&, const QString& suggested, const QString&) {
    ++a.saves;
    a.suggested = suggested;
    return a.save_to;
  };
  h.questions.error = [&a](QWidget*, const QString&, const QString& text) {
    ++a.errors;
    qWarning("error shown: %s", qPrintable(text));
  };
  return h;
}

QByteArray bytes(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestExportRuns : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString project_;  // blobs.nwproj with two runs on disk
  QString runs_;     // its runs/<name>/ folder

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
    QDir().mkpath(tmp_.filePath("two-runs"));
    project_ = save_blobs_project(tmp_.filePath("two-runs"), "blobs.nwproj", "Blob classes");
    train_run(project_, kOlder, 3);
    train_run(project_, kLatest, 2);
    runs_ = tmp_.filePath("two-runs/runs/Blob-classes/");
    QVERIFY(QFileInfo::exists(runs_ + QString::fromStdString(kLatest) + "/best.h5"));
  }

  void export_offers_the_runs_on_disk_and_copies_the_best() {
    Asked asked;
    asked.save_to = tmp_.filePath("exported-best.h5");
    MainWindow w(hooks_for(asked));
    QVERIFY(w.open_project(project_));
    QAction* exp = w.action("exportCheckpoint");
    QVERIFY(exp->isEnabled());
    exp->trigger();
    QCOMPARE(asked.chooser, 1);
    // Every checkpoint of both runs, newest run first, each best first (keep_last is 3), and
    // nothing in memory: this window has not trained.
    QStringList offered;
    for (const auto& c : asked.choices) offered << c.run + ": " + c.which;
    QCOMPARE(offered, QStringList({"20260102-090000: best", "20260102-090000: epoch 2",
                                   "20260102-090000: epoch 1", "20260101-120000: best",
                                   "20260101-120000: epoch 3", "20260101-120000: epoch 2",
                                   "20260101-120000: epoch 1"}));
    QCOMPARE(asked.preselected, 0);  // the latest run's best
    const QString best = runs_ + QString::fromStdString(kLatest) + "/best.h5";
    QCOMPARE(QFileInfo(asked.choices[0].path).absoluteFilePath(),
             QFileInfo(best).absoluteFilePath());
    // The suggested name: the project file's stem and the checkpoint, never "x.nwproj.h5".
    QCOMPARE(QFileInfo(asked.suggested).fileName(), QStringLiteral("blobs-best.h5"));
    QCOMPARE(QFileInfo(asked.suggested).absolutePath(), tmp_.filePath("two-runs"));
    // Byte for byte the run's best.h5, and it reads back with the same tensors.
    QCOMPARE(bytes(asked.save_to), bytes(best));
    QVERIFY(bytes(best).size() > 1000);
    const io::Checkpoint a = io::read_checkpoint(best.toStdString());
    const io::Checkpoint b = io::read_checkpoint(asked.save_to.toStdString());
    QCOMPARE(b.model.size(), a.model.size());
    for (size_t i = 0; i < a.model.size(); ++i)
      QVERIFY2(b.model[i].second.equal(a.model[i].second), a.model[i].first.c_str());
    QVERIFY(messages_text(w.messages()).contains("Exported best.h5 of run 20260102-090000"));
    QCOMPARE(asked.errors, 0);
  }

  void an_older_run_and_a_numbered_checkpoint_can_be_chosen() {
    Asked asked;
    asked.save_to = tmp_.filePath("exported-older.h5");
    MainWindow w(hooks_for(asked));
    QVERIFY(w.open_project(project_));
    asked.answer = 5;  // 20260101-120000: epoch 2
    w.action("exportCheckpoint")->trigger();
    QCOMPARE(asked.choices[5].which, QStringLiteral("epoch 2"));
    QCOMPARE(QFileInfo(asked.suggested).fileName(),
             QStringLiteral("blobs-20260101-120000-epoch2.h5"));
    QCOMPARE(bytes(asked.save_to),
             bytes(runs_ + QString::fromStdString(kOlder) + "/epoch_0002.h5"));

    // Cancelled in the chooser: no save dialog, no file.
    asked.answer = -1;
    asked.save_to = tmp_.filePath("never.h5");
    w.action("exportCheckpoint")->trigger();
    QCOMPARE(asked.chooser, 2);
    QCOMPARE(asked.saves, 1);
    QVERIFY(!QFileInfo::exists(asked.save_to));
  }

  // The real dialog: the runs in a list, the chosen run's checkpoints in another.
  void the_chooser_dialog_lists_runs_and_their_checkpoints() {
    const QVector<CheckpointChoice> choices = {{"r2", "best", "/r2/best.h5"},
                                               {"r2", "epoch 2", "/r2/epoch_0002.h5"},
                                               {"r1", "best", "/r1/best.h5"},
                                               {"r1", "epoch 3", "/r1/epoch_0003.h5"},
                                               {{}, "weights in memory", {}}};
    CheckpointChooser dialog(choices, 1);
    auto* run = dialog.findChild<QComboBox*>("checkpointRun");
    auto* which = dialog.findChild<QComboBox*>("checkpointWhich");
    QVERIFY(run && which);
    QCOMPARE(run->count(), 3);
    QCOMPARE(run->currentText(), QStringLiteral("r2"));
    QCOMPARE(which->currentText(), QStringLiteral("epoch 2"));
    QCOMPARE(dialog.chosen(), 1);
    run->setCurrentIndex(1);
    QCOMPARE(which->count(), 2);
    QCOMPARE(dialog.chosen(), 2);  // r1's best
    which->setCurrentIndex(1);
    QCOMPARE(dialog.chosen(), 3);
    run->setCurrentIndex(2);
    QCOMPARE(dialog.chosen(), 4);
  }

  void export_is_disabled_without_runs() {
    Asked asked;
    QDir().mkpath(tmp_.filePath("no-runs"));
    const QString empty = save_blobs_project(tmp_.filePath("no-runs"), "fresh.nwproj", "fresh");
    MainWindow w(hooks_for(asked));
    QVERIFY(w.open_project(empty));
    QAction* exp = w.action("exportCheckpoint");
    QVERIFY(!exp->isEnabled());
    QVERIFY2(exp->toolTip().contains("No runs on disk for this project yet; train first"),
             qPrintable(exp->toolTip()));
    QVERIFY(!w.action("evaluate")->isEnabled());
    QVERIFY(!w.action("evaluateLast")->isEnabled());
  }

  void evaluate_uses_the_best_weights_and_says_which() {
    Asked asked;
    MainWindow w(hooks_for(asked));
    QVERIFY(w.open_project(project_));
    QVERIFY(w.action("evaluate")->isEnabled());
    const QString best = runs_ + QString::fromStdString(kLatest) + "/best.h5";
    const train::CheckpointInfo info = train::read_checkpoint_info(best.toStdString());
    QSignalSpy evaluated(w.training(), &TrainingController::evaluationReady);
    w.action("evaluate")->trigger();
    QVERIFY(evaluated.wait(20000));
    const auto got = evaluated.first().first().value<train::EvalResult>();
    const train::EvalResult expected = evaluate_in_core(project_, best.toStdString());
    QCOMPARE(got.samples, expected.samples);
    QCOMPARE(got.accuracy, expected.accuracy);
    QCOMPARE(got.confusion, expected.confusion);
    const QString which = QStringLiteral("best.h5 of run 20260102-090000 (%1)")
                              .arg(QString::fromStdString(info.describe()));
    QVERIFY(info.describe().find("val accuracy") != std::string::npos);
    QCOMPARE(w.evaluation()->weights_text(), "Weights: " + which);
    QVERIFY2(messages_text(w.messages()).contains("Evaluated " + which + " on the test split"),
             qPrintable(messages_text(w.messages())));

    // Evaluate Last Weights: the latest run's newest numbered checkpoint.
    QTRY_COMPARE(w.training()->state(), TrainingState::Idle);
    const QString last = runs_ + QString::fromStdString(kLatest) + "/epoch_0002.h5";
    w.action("evaluateLast")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(evaluated.count() == 2, 20000);
    const auto got_last = evaluated.at(1).first().value<train::EvalResult>();
    const train::EvalResult expected_last = evaluate_in_core(project_, last.toStdString());
    QCOMPARE(got_last.accuracy, expected_last.accuracy);
    QCOMPARE(got_last.confusion, expected_last.confusion);
    QVERIFY2(w.evaluation()->weights_text().startsWith(
                 "Weights: epoch_0002.h5 of run 20260102-090000 (epoch 2, val accuracy "),
             qPrintable(w.evaluation()->weights_text()));

    // The network now in memory exports too, under the project's stem: never "x.nwproj.h5".
    QTRY_COMPARE(w.training()->state(), TrainingState::Idle);
    asked.save_to = tmp_.filePath("weights.h5");
    w.action("exportWeights")->trigger();
    QCOMPARE(QFileInfo(asked.suggested).fileName(), QStringLiteral("blobs-weights.h5"));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(asked.save_to), 10000);
  }
};

QTEST_MAIN(TestExportRuns)
#include "tst_export_runs.moc"
