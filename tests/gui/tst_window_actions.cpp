// Small things of the main window's actions: Ctrl+Y redoes as Ctrl+Shift+Z does, every toolbar
// tooltip names its action's shortcut, the Pause/Resume button keeps one width so the toolbar
// does not shift, and a graph that cannot train has its failing node selected in the editor.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolBar>
#include <QUndoStack>
#include <QtTest>

#include "app/main_window.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "run_fixtures.h"
#include "training/training_controller.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

class TestWindowActions : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
  }

  void ctrl_y_redoes() {
    MainWindow w(quiet_hooks());
    QVERIFY(w.open_project(save_blobs_project(tmp_.path(), "redo.nwproj", "redo")));
    const QList<QKeySequence> keys = w.action("redo")->shortcuts();
    QVERIFY(keys.contains(QKeySequence(Qt::CTRL | Qt::Key_Y)));
    QVERIFY(keys.contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QUndoStack* undo = w.document()->undo_stack();
    io::TrainingConfig config = w.document()->project().training;  // one undo step: epochs + 1
    config.epochs += 1;
    w.document()->set_training_config(config);
    const int done = undo->index();
    undo->undo();
    QCOMPARE(undo->index(), done - 1);
    QCOMPARE(w.document()->project().training.epochs, config.epochs - 1);
    QTest::keyClick(&w, Qt::Key_Y, Qt::ControlModifier);
    QCOMPARE(undo->index(), done);
    QCOMPARE(w.document()->project().training.epochs, config.epochs);
  }

  void toolbar_tooltips_name_their_shortcuts() {
    MainWindow w(quiet_hooks());
    QCOMPARE(w.action("train")->toolTip(), QStringLiteral("Train (F5)"));
    int checked = 0;
    for (QToolBar* bar : w.findChildren<QToolBar*>())
      for (QAction* a : bar->actions())
        if (!a->shortcut().isEmpty()) {
          ++checked;
          const QString key = a->shortcut().toString(QKeySequence::NativeText);
          QVERIFY2(a->toolTip().contains("(" + key + ")"),
                   qPrintable(a->objectName() + ": " + a->toolTip()));
        }
    QVERIFY(checked >= 10);  // new, open, save, undo, redo, zoom x2, fit, layout, train, ...
  }

  void pause_and_resume_take_the_same_room() {
    QTemporaryDir dir;
    MainWindow w(quiet_hooks());
    QVERIFY(w.open_project(save_blobs_project(dir.path(), "long.nwproj", "long", 300000, 5)));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto* bar = w.findChild<QToolBar*>("trainToolBar");
    QWidget* toggle = bar->widgetForAction(w.action("pauseResume"));
    QWidget* stop = bar->widgetForAction(w.action("stop"));
    QVERIFY(toggle && stop);
    QSignalSpy batches(w.training(), &TrainingController::batchesArrived);
    QSignalSpy finished(w.training(), &TrainingController::runFinished);
    w.action("train")->trigger();
    QVERIFY(batches.wait(20000));
    QCOMPARE(w.action("pauseResume")->text(), QStringLiteral("Pause"));
    QCOMPARE(w.action("pauseResume")->toolTip(), QStringLiteral("Pause (F6)"));
    const int width = toggle->width();
    const QPoint stop_at = stop->pos();
    w.action("pauseResume")->trigger();
    QTRY_COMPARE(w.action("pauseResume")->text(), QStringLiteral("Resume"));
    QCoreApplication::processEvents();
    QCOMPARE(w.action("pauseResume")->toolTip(), QStringLiteral("Resume (Shift+F6)"));
    QCOMPARE(toggle->width(), width);
    QCOMPARE(stop->pos(), stop_at);
    w.action("stop")->trigger();
    QVERIFY(wait_finished(finished));
  }

  void a_graph_that_cannot_train_points_at_its_node() {
    QTemporaryDir dir;
    io::Project p = blobs_project(500, 1);
    p.graph.set_param("fc2", "in_features", 7);  // relu gives 32
    const QString path = dir.filePath("broken.nwproj");
    io::save_project(p, path.toStdString());
    MainWindow w(quiet_hooks());
    QVERIFY(w.open_project(path));
    QSignalSpy finished(w.training(), &TrainingController::runFinished);
    w.action("train")->trigger();
    QVERIFY(wait_finished(finished));
    QCOMPARE(finished.first().first().value<train::RunResult>().state, train::RunState::Failed);
    QCOMPARE(w.editor()->selected_nodes(), QStringList({"fc2"}));
    const QString shown = w.statusBar()->currentMessage();
    QVERIFY2(shown.startsWith("Cannot train:") && shown.contains("fc2"), qPrintable(shown));
  }
};

QTEST_MAIN(TestWindowActions)
#include "tst_window_actions.moc"
