// The mouse wheel over a form scrolls it and changes no setting: every combo box and spin box of
// the Inspector (each node, the project page) and of Train > Settings gets wheel notches both ways
// while unfocused, and the project stays as it was, no file dialog is asked for and no window
// opens. Once a notch over the test data's Source switched Fashion-MNIST to "IDX files" and
// opened a file dialog. A focused editor still takes the wheel.
#include <QtTest>

#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QLineEdit>
#include <QPointer>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QUndoStack>

#include "app/main_window.h"
#include "app/training_settings_dialog.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "inspector/inspector_widget.h"
#include "inspector/project_inspector.h"
#include "inspector/wheel_guard.h"
#include "io/project.h"

using namespace nw;
using namespace nw::gui;

namespace {

// What the hooks and pickers were asked for, and any window that opened unasked.
struct Requests {
  QStringList asked;
};

WindowHooks recording_hooks(Requests* r) {
  WindowHooks h;
  auto file = [r](QWidget*, const QString& caption, const QString&, const QString&) {
    r->asked << "file dialog: " + caption;
    return QString();
  };
  h.files.open = file;
  h.files.save = file;
  h.questions.error = [r](QWidget*, const QString&, const QString& text) {
    r->asked << "error: " + text;
  };
  h.questions.unsaved_changes = [](QWidget*, const QString&) { return UnsavedAnswer::Discard; };
  h.offer_recovery = false;
  h.restore_layout = false;
  return h;
}

// A real notch as the window system delivers it: spontaneous, so QApplication gives focus by
// policy and offers an ignored wheel to the parents, as it does for a user's mouse.
// It goes to the widget under the pointer: a spin box's line edit, which passes it on.
void wheel(QWidget* w, int notches) {
  const QPoint centre = w->rect().center();
  QWidget* under = w->childAt(centre);
  QPointer<QWidget> target = under ? under : w;
  const QPointF at = target->mapFrom(w, centre);
  for (int i = 0; i < std::abs(notches); ++i) {
    if (!target) break;
    QWheelEvent e(at, target->mapToGlobal(at), QPoint(), QPoint(0, notches > 0 ? 120 : -120),
                  Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    // NOTE: sendEvent() would clear the flag; QTest's own key and mouse events go this way too.
    QSpontaneKeyEvent::setSpontaneous(&e);
    qApp->notify(target, &e);
  }
  QCoreApplication::processEvents();
}

QString project_json(const ProjectDocument& doc) {
  return QString::fromStdString(io::to_json(doc.project()).dump());
}

QList<QPointer<QWidget>> wheel_editors(QWidget* root) {
  QList<QPointer<QWidget>> out;
  for (QWidget* w : root->findChildren<QWidget*>())
    if (is_wheel_editor(w) && w->isVisibleTo(root) && w->isEnabled()) out << w;
  return out;
}

// Visible top-level widgets other than `allowed`: a dialog the wheel opened.
QStringList new_windows(const QList<QWidget*>& allowed) {
  QStringList out;
  for (QWidget* w : QApplication::topLevelWidgets())
    if (w->isVisible() && !allowed.contains(w) && !w->inherits("QMenu") &&
        w->windowType() != Qt::ToolTip && w->windowType() != Qt::Popup)
      out << QString::fromLatin1(w->metaObject()->className()) + " '" + w->windowTitle() + "'";
  return out;
}

}  // namespace

class TestWheelGuard : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("NetwrightTest");
    QCoreApplication::setApplicationName("tst_wheel_guard");
    QSettings().clear();
  }

  void inspector_pages_ignore_the_wheel_data() {
    QTest::addColumn<QString>("project");
    QTest::newRow("mlp") << "fashion-mnist-mlp.nwproj";
    QTest::newRow("cnn") << "fashion-mnist-cnn.nwproj";
  }

  void inspector_pages_ignore_the_wheel() {
    QFETCH(QString, project);
    Requests requests;
    MainWindow window(recording_hooks(&requests));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QString why;
    QVERIFY2(window.open_project(QStringLiteral(NW_SOURCE_DIR "/projects/") + project, &why),
             qPrintable(why));
    ProjectDocument* doc = window.document();
    ProjectInspector* project_page = window.inspector()->project_inspector();
    project_page->pick_file = [&](QWidget*, const QString& caption, const QString&,
                                  const QString&) {
      requests.asked << "file picker: " + caption;
      return QString();
    };
    project_page->pick_folder = [&](QWidget*, const QString& caption, const QString&) {
      requests.asked << "folder picker: " + caption;
      return QString();
    };
    const QString before = project_json(*doc);
    const int undo_before = doc->undo_stack()->count();

    QStringList pages = {QString()};  // the project page: data sources, transforms, training
    for (const graph::Node& n : doc->graph().nodes()) pages << QString::fromStdString(n.id);
    int editors_tried = 0;
    for (const QString& id : pages) {
      window.inspector()->set_selection(id.isEmpty() ? QStringList() : QStringList{id});
      QCoreApplication::processEvents();
      auto* area = qobject_cast<QScrollArea*>(window.inspector()->currentWidget());
      QVERIFY(area);
      const QList<QPointer<QWidget>> editors = wheel_editors(area->widget());
      QVERIFY2(!editors.isEmpty() || !id.isEmpty(), "the project page has no editors");
      for (const QPointer<QWidget>& e : editors) {
        if (!e || !e->isVisible()) continue;  // a form rebuilt by an earlier (wrong) change
        const QString name = (id.isEmpty() ? "project" : id) + "/" + e->metaObject()->className() +
                             " '" + e->objectName() + "'";
        window.editor()->setFocus();
        area->ensureWidgetVisible(e);
        QVERIFY2(!e->hasFocus(), qPrintable(name));
        for (int notches : {3, -3, -3, 3}) {
          if (!e) break;
          wheel(e, notches);
          QVERIFY2(project_json(*doc) == before,
                   qPrintable(name + ": the wheel changed the project"));
          QCOMPARE(doc->undo_stack()->count(), undo_before);
          QVERIFY2(requests.asked.isEmpty(), qPrintable(name + ": " + requests.asked.join("; ")));
          const QStringList opened = new_windows({&window});
          QVERIFY2(opened.isEmpty(), qPrintable(name + " opened " + opened.join(", ")));
          QVERIFY2(!e || !e->hasFocus(), qPrintable(name + ": the wheel gave it the focus"));
        }
        ++editors_tried;
      }
    }
    // The data sources, transforms, optimizer and the layers' own fields: dozens of editors.
    QVERIFY2(editors_tried >= 20, qPrintable(QString::number(editors_tried)));
  }

  // The wheel goes on to the form, which scrolls.
  void wheel_over_an_editor_scrolls_the_form() {
    Requests requests;
    MainWindow window(recording_hooks(&requests));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(
        window.open_project(QStringLiteral(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj")));
    window.inspector()->set_selection({});
    QCoreApplication::processEvents();
    auto* area = qobject_cast<QScrollArea*>(window.inspector()->currentWidget());
    QVERIFY(area);
    QScrollBar* bar = area->verticalScrollBar();
    QVERIFY2(bar->maximum() > 0, "the project page fits without scrolling: nothing to test");
    bar->setValue(0);
    QWidget* first = nullptr;
    for (const QPointer<QWidget>& e : wheel_editors(area->widget()))
      if (e->mapTo(area->viewport(), QPoint(0, 0)).y() >= 0) {
        first = e;
        break;
      }
    QVERIFY(first);
    window.editor()->setFocus();
    wheel(first, -2);  // towards the user: down the page
    QVERIFY2(bar->value() > 0, "the form did not scroll");
  }

  // A focused editor is the user's deliberate choice: it takes the wheel.
  void focused_spin_box_takes_the_wheel() {
    QWidget form;
    auto* elsewhere = new QLineEdit(&form);
    auto* spin = new QSpinBox(&form);
    spin->setRange(0, 100);
    spin->setValue(50);
    protect_from_wheel(&form);
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    elsewhere->setFocus();
    QCOMPARE(spin->focusPolicy(), Qt::StrongFocus);
    wheel(spin, 2);
    QCOMPARE(spin->value(), 50);
    spin->setFocus();
    QVERIFY(spin->hasFocus());
    wheel(spin, 2);
    QCOMPARE(spin->value(), 52);
  }

  void settings_dialog_ignores_the_wheel() {
    Requests requests;
    MainWindow window(recording_hooks(&requests));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(
        window.open_project(QStringLiteral(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj")));
    ProjectDocument* doc = window.document();
    const QString before = project_json(*doc);
    QAction* settings = window.findChild<QAction*>("trainingSettings");
    QVERIFY(settings);

    // The dialog is modal: the checks run inside its event loop, then press OK, so that a field
    // the wheel changed would reach the project.
    int tried = 0;
    QStringList failures;
    QTimer::singleShot(0, this, [&] {
      auto* dialog = qobject_cast<TrainingSettingsDialog*>(QApplication::activeModalWidget());
      if (!dialog) {
        failures << "no settings dialog";
        if (QWidget* w = QApplication::activeModalWidget()) w->close();
        return;
      }
      for (const QPointer<QWidget>& e : wheel_editors(dialog)) {
        for (int notches : {3, -3, -3, 3}) {
          if (!e) break;
          wheel(e, notches);
          if (e && e->hasFocus()) failures << QString("%1 took the focus").arg(e->objectName());
        }
        ++tried;
      }
      const QStringList opened = new_windows({&window, dialog});
      if (!opened.isEmpty()) failures << "opened " + opened.join(", ");
      dialog->accept();
    });
    settings->trigger();
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join("; ")));
    QVERIFY2(tried >= 8, qPrintable(QString::number(tried)));
    QVERIFY2(requests.asked.isEmpty(), qPrintable(requests.asked.join("; ")));
    QCOMPARE(project_json(*doc), before);
  }
};

QTEST_MAIN(TestWheelGuard)
#include "tst_wheel_guard.moc"
