// The main window, driven headless: titles and the modified mark, the unsaved-changes question,
// autosave and crash recovery, Open Recent, New from Template, themes, and the export dialogs.
// Every dialog is answered through WindowHooks; QSettings and the recovery file live in Qt's
// test locations (QStandardPaths test mode).
#include <QApplication>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "app/recent_files.h"
#include "app/training_status.h"
#include "backend/cuda_plugin.h"
#include "document/project_document.h"
#include "io/checkpoint.h"
#include "training/training_controller.h"

using namespace nw::gui;

namespace {

const QString kProjects = QStringLiteral(NW_SOURCE_DIR "/projects");

// What the hooks were asked, and what they answer.
struct Script {
  UnsavedAnswer unsaved = UnsavedAnswer::Cancel;
  bool restore = true;
  QString save_path;
  QString open_path;  // what the Open dialogs answer
  int unsaved_asked = 0, restore_asked = 0, save_asked = 0, errors = 0;
};

WindowHooks hooks_for(Script& s) {
  WindowHooks h;
  h.files.open = [&s](QWidget*, const QString&, const QString&, const QString&) {
    return s.open_path;
  };
  h.files.save = [&s](QWidget*, const QString&, const QString&, const QString&) {
    ++s.save_asked;
    return s.save_path;
  };
  h.questions.unsaved_changes = [&s](QWidget*, const QString&) {
    ++s.unsaved_asked;
    return s.unsaved;
  };
  h.questions.restore_recovery = [&s](QWidget*, const QString&) {
    ++s.restore_asked;
    return s.restore;
  };
  h.questions.error = [&s](QWidget*, const QString&, const QString& text) {
    ++s.errors;
    qWarning("error shown: %s", qPrintable(text));
  };
  h.restore_layout = false;
  return h;
}

QStringList action_paths(QMenu* menu) {
  QStringList paths;
  for (QAction* a : menu->actions())
    if (a->data().isValid()) paths << a->data().toString();
  return paths;
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  // A copy of a bundled project in the temporary folder, so saving never touches projects/.
  QString copy_project(const QString& name) {
    const QString to = tmp_.filePath(name);
    QFile::remove(to);
    if (!QFile::copy(kProjects + "/" + name, to)) qFatal("cannot copy %s", qPrintable(name));
    QFile(to).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    return to;
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("NetwrightTest");
    QCoreApplication::setApplicationName("tst_mainwindow");
    QSettings().clear();
    QFile::remove(shared_recent_files_path());  // under test mode's ~/.qttest, not the user's
    RecoveryFile().remove();
    QVERIFY(tmp_.isValid());
  }
  void cleanup() {
    QSettings().clear();
    QFile::remove(shared_recent_files_path());
    RecoveryFile().remove();
  }

  void opensProjectAndShowsItsNameInTheTitle() {
    Script s;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(copy_project("fashion-mnist-mlp.nwproj")));
    QCOMPARE(w.windowTitle(), QStringLiteral("Fashion-MNIST MLP[*] — Netwright"));
    QVERIFY(!w.isWindowModified());
  }

  void refusesAnUnreadableProjectAndSaysWhy() {
    Script s;
    MainWindow w(hooks_for(s));
    QString why;
    QVERIFY(!w.open_project(tmp_.filePath("missing.nwproj"), &why));
    QVERIFY2(why.contains("missing.nwproj"), qPrintable(why));
  }

  void modifyingMarksTheTitle() {
    Script s;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(copy_project("fashion-mnist-mlp.nwproj")));
    w.document()->set_name("Renamed");
    QVERIFY(w.isWindowModified());
    QCOMPARE(w.windowTitle(), QStringLiteral("Renamed[*] — Netwright"));
    w.document()->undo_stack()->undo();
    QVERIFY(!w.isWindowModified());
  }

  void closingWithUnsavedChangesAsks() {
    Script s;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(copy_project("fashion-mnist-mlp.nwproj")));
    w.show();
    w.document()->set_name("Changed");
    s.unsaved = UnsavedAnswer::Cancel;
    QVERIFY(!w.close());
    QVERIFY(w.isVisible());
    QCOMPARE(s.unsaved_asked, 1);
    s.unsaved = UnsavedAnswer::Discard;
    QVERIFY(w.close());
    QCOMPARE(s.unsaved_asked, 2);
  }

  void saveAnswerSavesBeforeClosing() {
    Script s;
    MainWindow w(hooks_for(s));
    const QString path = copy_project("binary-classifier.nwproj");
    QVERIFY(w.open_project(path));
    w.show();
    w.document()->set_name("Saved on close");
    s.unsaved = UnsavedAnswer::Save;
    QVERIFY(w.close());
    QCOMPARE(s.save_asked, 0);  // it has a path: no dialog
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("Saved on close"));
  }

  void autosaveWritesARecoveryFileOfferedAtTheNextStart() {
    const QString path = copy_project("fashion-mnist-mlp.nwproj");
    {
      Script s;
      auto w = std::make_unique<MainWindow>(hooks_for(s));
      QVERIFY(w->open_project(path));
      w->autosave();
      QVERIFY(!RecoveryFile().exists());  // nothing unsaved, nothing written
      w->document()->set_name("Unsaved work");
      w->autosave();
      QVERIFY(RecoveryFile().exists());
      // Destroyed without closing, as in a crash: the recovery file stays.
    }
    QVERIFY(RecoveryFile().exists());
    Script s;
    s.restore = true;
    MainWindow w(hooks_for(s));
    QCOMPARE(s.restore_asked, 1);
    QVERIFY(w.restored());
    QCOMPARE(w.document()->project().name, std::string("Unsaved work"));
    QCOMPARE(w.document()->path(), path);
    QVERIFY(w.isWindowModified());
    // Saving ends the recovery.
    QVERIFY(w.save());
    QVERIFY(!RecoveryFile().exists());
    QVERIFY(!w.isWindowModified());
  }

  void decliningTheRecoveryRemovesIt() {
    {
      Script s;
      MainWindow w(hooks_for(s));
      QVERIFY(w.open_project(copy_project("fashion-mnist-mlp.nwproj")));
      w.document()->set_name("Unsaved work");
      w.autosave();
    }
    Script s;
    s.restore = false;
    MainWindow w(hooks_for(s));
    QCOMPARE(s.restore_asked, 1);
    QVERIFY(!w.restored());
    QVERIFY(!RecoveryFile().exists());
  }

  void noRestoreLeavesTheRecoveryFileAlone() {
    {
      Script s;
      MainWindow w(hooks_for(s));
      QVERIFY(w.open_project(copy_project("fashion-mnist-mlp.nwproj")));
      w.document()->set_name("Unsaved work");
      w.autosave();
    }
    Script s;
    WindowHooks h = hooks_for(s);
    h.offer_recovery = false;
    {
      MainWindow w(std::move(h));
      w.autosave();  // unmodified: must not remove a file it did not write
      QCOMPARE(s.restore_asked, 0);
    }
    QVERIFY(RecoveryFile().exists());
  }

  void cleanCloseRemovesTheRecoveryFile() {
    Script s;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(copy_project("fashion-mnist-mlp.nwproj")));
    w.show();
    w.document()->set_name("Unsaved work");
    w.autosave();
    QVERIFY(RecoveryFile().exists());
    s.unsaved = UnsavedAnswer::Discard;
    QVERIFY(w.close());
    QVERIFY(!RecoveryFile().exists());
  }

  void openRecentListsOpenedFiles() {
    Script s;
    MainWindow w(hooks_for(s));
    const QString a = copy_project("fashion-mnist-mlp.nwproj");
    const QString b = copy_project("binary-classifier.nwproj");
    QVERIFY(w.open_project(a));
    QVERIFY(w.open_project(b));
    emit w.recent_menu()->aboutToShow();
    const QStringList listed = action_paths(w.recent_menu());
    QCOMPARE(listed,
             (QStringList{QFileInfo(b).canonicalFilePath(), QFileInfo(a).canonicalFilePath()}));
    // Reopening moves an entry to the front; the list never passes its maximum.
    for (int i = 0; i < kMaxRecentFiles + 3; ++i)
      add_recent_file(tmp_.filePath(QString("p%1.nwproj").arg(i)));
    QCOMPARE(recent_files().size(), kMaxRecentFiles);
  }

  void startsOnTheLastOpenProject() {
    const QString path = copy_project("binary-classifier.nwproj");
    {
      Script s;
      MainWindow w(hooks_for(s));
      QVERIFY(w.open_project(path));
    }
    Script s;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_default_project());
    QCOMPARE(QFileInfo(w.document()->path()).canonicalFilePath(),
             QFileInfo(path).canonicalFilePath());
  }

  void newFromTemplateListsEveryBundledProject() {
    QStringList bundled;
    QDirIterator it(kProjects, {"*.nwproj"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
      const QString p = it.next();
      if (!p.contains("/runs/")) bundled << QFileInfo(p).canonicalFilePath();
    }
    QVERIFY(bundled.size() >= 7);
    Script s;
    MainWindow w(hooks_for(s));
    QStringList listed;
    for (const QString& p : action_paths(w.template_menu()))
      listed << QFileInfo(p).canonicalFilePath();
    bundled.sort();
    listed.sort();
    QCOMPARE(listed, bundled);
    // A template opens untitled: saving must not overwrite the bundled file.
    QVERIFY(w.new_from_template(kProjects + "/fashion-mnist-cnn.nwproj"));
    QCOMPARE(w.document()->path(), QString());
    QVERIFY(w.windowTitle().startsWith("Fashion-MNIST CNN[*]"));
  }

  void darkThemeSwitchesThePalette() {
    Script s;
    MainWindow w(hooks_for(s));
    w.action("theme.dark")->trigger();
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
    QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() > 150);
    QCOMPARE(saved_theme(), Theme::Dark);
    w.action("theme.light")->trigger();
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
  }

  // Issue 6, check 5: without a usable GPU the window says why, in the log and the status bar.
  void saysWhyCudaIsUnavailable() {
    if (nw::cuda_status().available) QSKIP("CUDA is usable here");
    Script s;
    MainWindow w(hooks_for(s));
    auto logged = [&w] {
      for (int i = 0; i < w.messages()->topLevelItemCount(); ++i)
        for (int c = 0; c < w.messages()->columnCount(); ++c)
          if (w.messages()->topLevelItem(i)->text(c).startsWith("CUDA unavailable: ")) return true;
      return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(logged(), 10000);
    auto* label = w.findChild<QLabel*>("deviceLabel");
    QVERIFY(label);
    QVERIFY2(label->toolTip().contains(QString::fromStdString(nw::cuda_status().reason).left(30)),
             qPrintable(label->toolTip()));
  }

  void diagnosticsAreListedAndSelectTheirNode() {
    Script s;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(copy_project("fashion-mnist-mlp.nwproj")));
    QCOMPARE(w.messages()->diagnostic_count(), int(w.document()->analysis().diagnostics.size()));
    // An edge removed: fc2 loses its input, and the panel says so.
    const nw::graph::Graph& g = w.document()->graph();
    const auto edge = g.edges().front();
    w.document()->disconnect_ports(edge);
    QVERIFY(w.messages()->diagnostic_count() > 0);
    QSignalSpy activated(w.messages(), &MessagesPanel::nodeActivated);
    QTreeWidgetItem* item = w.messages()->topLevelItem(0);
    emit w.messages()->itemClicked(item, 0);
    QCOMPARE(activated.count(), 1);
    QVERIFY(!activated.first().first().toString().isEmpty());
  }

  // Check 2 through the toolbar's own actions: Train, Pause, Resume, Stop.
  void toolbarActionsTrainPauseResumeAndStop() {
    Script s;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(copy_project("fashion-mnist-mlp.nwproj")));
    TrainingController* c = w.training();
    QSignalSpy batches(c, &TrainingController::batchesArrived);
    QSignalSpy finished(c, &TrainingController::runFinished);
    w.action("train")->trigger();
    QVERIFY(batches.wait(20000));

    w.action("pause")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(c->state(), TrainingState::Paused, 5000);
    batches.clear();
    QTest::qWait(200);
    QCOMPARE(batches.count(), 0);  // nothing trains while paused
    QVERIFY(w.action("resume")->isEnabled());

    w.action("resume")->trigger();
    QVERIFY(batches.wait(5000));
    w.action("stop")->trigger();
    QVERIFY(finished.wait(10000));
    const auto result = finished.first().first().value<nw::train::RunResult>();
    QCOMPARE(result.state, nw::train::RunState::Stopped);
    QCOMPARE(c->state(), TrainingState::Idle);
  }

  // The status bar and the log in plain words: "1 epoch", and no double space for a project
  // without a name.
  void runTextsReadWellForOneEpochAndForUnnamedProjects() {
    QCOMPARE(run_ended_text("stopped", 1), QString("Stopped after 1 epoch"));
    QCOMPARE(run_ended_text("finished", 5), QString("Finished after 5 epochs"));
    QCOMPARE(run_ended_text("stopped", 0), QString("Stopped after 0 epochs"));
    QCOMPARE(run_started_text("", "CPU"), QString("Training on CPU"));
    QCOMPARE(run_started_text("  ", "CPU"), QString("Training on CPU"));
    QCOMPARE(run_started_text("Binary classifier", "CPU"),
             QString("Training Binary classifier on CPU"));

    Script s;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(copy_project("binary-classifier.nwproj")));
    QString why;
    QVERIFY2(w.train_epochs(1, &why), qPrintable(why));
    QCOMPARE(w.training_status()->progress_text(), QString("Finished after 1 epoch"));
  }

  void exportCheckpointAsksWhereAndWritesIt() {
    Script s;
    s.save_path = tmp_.filePath("exported.h5");
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(copy_project("binary-classifier.nwproj")));
    QVERIFY(!w.action("exportCheckpoint")->isEnabled());  // no run yet: nothing to export
    QString why;
    QVERIFY2(w.train_epochs(1, &why), qPrintable(why));
    QVERIFY(w.action("exportCheckpoint")->isEnabled());
    QSignalSpy written(w.training(), &TrainingController::checkpointWritten);
    w.action("exportCheckpoint")->trigger();
    QCOMPARE(s.save_asked, 1);
    QVERIFY(written.wait(10000));
    QCOMPARE(written.first().first().toString(), s.save_path);
    QVERIFY(QFileInfo::exists(s.save_path));

    // Export Weights: the same network, without the optimizer's state.
    s.save_path = tmp_.filePath("weights.h5");
    QVERIFY(w.action("exportWeights")->isEnabled());
    w.action("exportWeights")->trigger();
    QCOMPARE(s.save_asked, 2);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(s.save_path), 10000);
    const nw::io::Checkpoint weights = nw::io::read_checkpoint(s.save_path.toStdString());
    const nw::io::Checkpoint full =
        nw::io::read_checkpoint(tmp_.filePath("exported.h5").toStdString());
    QCOMPARE(weights.model.size(), full.model.size());
    QVERIFY(!weights.optimizer.has_value());
    QVERIFY(full.optimizer.has_value());
    QVERIFY(!QFileInfo::exists(s.save_path + ".full.tmp"));
  }

  // Train ▸ Evaluate Checkpoint in a window that never trained: the exported network is
  // evaluated as the window that trained it evaluates it, and Evaluate is then enabled.
  void evaluateCheckpointWithoutTraining() {
    Script s;
    s.save_path = tmp_.filePath("to-evaluate.h5");
    const QString project = copy_project("binary-classifier.nwproj");
    std::optional<double> trained_accuracy;
    {
      MainWindow w(hooks_for(s));
      QVERIFY(w.open_project(project));
      QString why;
      QVERIFY2(w.train_epochs(1, &why), qPrintable(why));
      QSignalSpy evaluated(w.training(), &TrainingController::evaluationReady);
      w.action("evaluate")->trigger();
      QVERIFY(evaluated.wait(20000));
      trained_accuracy = evaluated.first().first().value<nw::train::EvalResult>().accuracy;
      QSignalSpy written(w.training(), &TrainingController::checkpointWritten);
      w.action("exportCheckpoint")->trigger();
      QVERIFY(written.wait(10000));
    }
    s.open_path = s.save_path;
    MainWindow w(hooks_for(s));
    QVERIFY(w.open_project(project));
    QVERIFY(!w.action("evaluate")->isEnabled());
    QVERIFY(w.action("evaluateCheckpoint")->isEnabled());
    QSignalSpy evaluated(w.training(), &TrainingController::evaluationReady);
    w.action("evaluateCheckpoint")->trigger();
    QVERIFY(evaluated.wait(20000));
    QVERIFY(trained_accuracy.has_value());
    QVERIFY(evaluated.first().first().value<nw::train::EvalResult>().accuracy == trained_accuracy);
    // Enabled once the worker is back from evaluating (its phase signal follows the result).
    QTRY_VERIFY(w.action("evaluate")->isEnabled());
    QVERIFY(w.action("exportCheckpoint")->isEnabled());
    QCOMPARE(s.errors, 0);
  }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
