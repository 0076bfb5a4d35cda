// Crash recovery against a real SIGKILL. The test binary starts itself in child mode
// (`--child <project>`): a MainWindow autosaving every 50 ms opens a copy of a bundled project
// and adds a node kill_<n> every 20 ms, and each time it reads back a recovery file holding more
// of them it prints "saved <n>". The parent kills it at a random moment, or as soon as a
// temporary file shows an autosave in progress, then starts a window over the same recovery
// folder (Qt's test locations, as in tst_mainwindow) and checks what it is offered.
#include <QApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <cstdio>
#include <string>

#include "app/main_window.h"
#include "document/project_document.h"
#include "io/project.h"

using namespace nw;
using namespace nw::gui;

namespace {

const char kChildFlag[] = "--child";
constexpr int kAutosaveMs = 50;
constexpr int kEditMs = 20;

// How many kill_<n> nodes the graph holds, or -1 when one of kill_1..kill_<count> is missing:
// the edits are a prefix of the child's, never a subset.
int edits_in(const graph::Graph& g) {
  int count = 0;
  for (const graph::Node& node : g.nodes())
    if (node.id.starts_with("kill_")) ++count;
  for (int i = 1; i <= count; ++i)
    if (!g.find("kill_" + std::to_string(i))) return -1;
  return count;
}

// The temporary files io::write_file_atomic leaves when killed mid-write.
QStringList temporary_files() {
  QStringList found;
  QDirIterator it(QFileInfo(RecoveryFile().path()).absolutePath(), {".recovery.*.tmp"},
                  QDir::Files | QDir::Hidden);
  while (it.hasNext()) found << it.next();
  return found;
}

QString lock_path() {
  return QFileInfo(RecoveryFile().path()).absolutePath() + "/recovery.lock";
}

// The child: edits until it is killed. Any question, error or lost edit ends it early, which
// the parent reports with the child's stderr.
int run_child(QApplication& app, const QString& project) {
  WindowHooks h;
  h.files.open = h.files.save = [](QWidget*, const QString&, const QString&, const QString&) {
    return QString();
  };
  h.questions.unsaved_changes = [](QWidget*, const QString&) { return UnsavedAnswer::Discard; };
  h.questions.restore_recovery = [](QWidget*, const QString&) {
    std::fputs("child: asked to restore a recovery file\n", stderr);
    std::_Exit(2);
    return false;
  };
  h.questions.error = [](QWidget*, const QString&, const QString& text) {
    std::fprintf(stderr, "child: error shown: %s\n", qPrintable(text));
    std::_Exit(2);
  };
  h.restore_layout = false;
  h.autosave_ms = kAutosaveMs;
  MainWindow w(std::move(h));
  if (!w.recovery().owned() || !w.open_project(project)) return 2;

  int edits = 0, reported = 0;
  QTimer edit;
  QObject::connect(&edit, &QTimer::timeout, &w, [&] {
    ++edits;
    w.document()->add_node("ReLU", QPointF(0, 40.0 * edits), {}, QString("kill_%1").arg(edits));
    if (!w.recovery().exists()) return;
    const int saved = edits_in(w.recovery().read().project.graph);
    if (saved < reported) {
      std::fprintf(stderr, "child: the recovery file went back from %d to %d edits\n", reported,
                   saved);
      std::_Exit(2);
    }
    if (saved == reported) return;
    reported = saved;
    std::printf("saved %d\n", saved);
    std::fflush(stdout);
  });
  edit.start(kEditMs);
  // Not killed (the parent failed): end instead of running on as an orphan.
  QTimer::singleShot(30'000, &app, [] { std::_Exit(3); });
  return app.exec();
}

// What the hooks were asked, and what they answer.
struct Script {
  bool restore = true;
  int restore_asked = 0, unsaved_asked = 0, errors = 0;
  QString details;
};

WindowHooks hooks_for(Script& s) {
  WindowHooks h;
  h.files.open = h.files.save = [](QWidget*, const QString&, const QString&, const QString&) {
    return QString();
  };
  h.questions.unsaved_changes = [&s](QWidget*, const QString&) {
    ++s.unsaved_asked;
    return UnsavedAnswer::Discard;
  };
  h.questions.restore_recovery = [&s](QWidget*, const QString& details) {
    ++s.restore_asked;
    s.details = details;
    return s.restore;
  };
  h.questions.error = [&s](QWidget*, const QString&, const QString& text) {
    ++s.errors;
    qWarning("error shown: %s", qPrintable(text));
  };
  h.restore_layout = false;
  return h;
}

}  // namespace

class TestRecoveryKill : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString project_;
  int base_nodes_ = 0;
  int kills_ = 0, kills_mid_write_ = 0;

  // The last "saved <n>" among the lines the child printed.
  static void read_reports(QProcess& child, int& reported) {
    while (child.canReadLine()) {
      const QByteArray line = child.readLine().trimmed();
      if (line.startsWith("saved ")) reported = line.mid(6).toInt();
    }
  }

  // Runs the child until its first report, waits `delay_ms` more, then kills it: at once, or,
  // `while_writing`, when a temporary file shows an autosave in progress. Returns the last
  // edit count the child saw on disk before it died.
  int run_and_kill(int delay_ms, bool while_writing) {
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("OMP_NUM_THREADS", "1");
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {kChildFlag, project_});
    if (!child.waitForStarted(10'000))
      qFatal("cannot start the child: %s", qPrintable(child.errorString()));

    int reported = 0;
    QElapsedTimer clock;
    clock.start();
    while (reported == 0 && child.state() == QProcess::Running && clock.elapsed() < 15'000) {
      child.waitForReadyRead(100);
      read_reports(child, reported);
    }
    clock.restart();
    while (child.state() == QProcess::Running && clock.elapsed() < delay_ms) {
      child.waitForReadyRead(int(delay_ms - clock.elapsed()));
      read_reports(child, reported);
    }
    clock.restart();
    while (while_writing && temporary_files().isEmpty() && clock.elapsed() < 2'000)
      QThread::usleep(100);
    const bool alive = child.state() == QProcess::Running;
    child.kill();  // SIGKILL
    child.waitForFinished(10'000);
    read_reports(child, reported);  // printed before it died
    if (!alive || reported == 0) qWarning("child: %s", child.readAllStandardError().constData());
    return alive ? reported : -1;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    project_ = tmp_.filePath("fashion-mnist-mlp.nwproj");
    QVERIFY(QFile::copy(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj", project_));
    QFile(project_).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    base_nodes_ = int(io::load_project(project_.toStdString()).graph.nodes().size());
    RecoveryFile().remove();
  }
  // A failed round's leftovers would fail the next ones too.
  void cleanup() {
    RecoveryFile().remove();
    for (const QString& file : temporary_files()) QFile::remove(file);
  }
  void cleanupTestCase() {
    qInfo("%d of %d kills landed while an autosave was being written", kills_mid_write_, kills_);
    QSettings().clear();
    RecoveryFile().remove();
  }

  void killedProcessOffersItsLastAutosave_data() {
    QTest::addColumn<bool>("while_writing");
    QTest::addColumn<bool>("restore");
    QTest::newRow("random moment, restored") << false << true;
    QTest::newRow("while writing, restored") << true << true;
    QTest::newRow("random moment again, restored") << false << true;
    QTest::newRow("while writing again, restored") << true << true;
    QTest::newRow("random moment, declined") << false << false;
  }
  void killedProcessOffersItsLastAutosave() {
    QFETCH(bool, while_writing);
    QFETCH(bool, restore);
    const int delay_ms = QRandomGenerator::global()->bounded(0, 400);
    const int reported = run_and_kill(delay_ms, while_writing);
    QVERIFY2(reported > 0, "the child died on its own or never autosaved (its stderr is above)");
    ++kills_;
    if (!temporary_files().isEmpty()) ++kills_mid_write_;

    // The dead child's lock is still there, and its last autosave is whole.
    QVERIFY(QFile::exists(lock_path()));
    QVERIFY(RecoveryFile().exists());
    int on_disk = 0;
    try {
      on_disk = edits_in(io::load_project(RecoveryFile().path().toStdString()).graph);
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString("the recovery file does not parse: %1").arg(e.what())));
    }
    QVERIFY2(on_disk >= reported,
             qPrintable(QString("%1 edits on disk, the child saw %2 (killed %3 ms after its "
                                "first autosave)")
                            .arg(on_disk)
                            .arg(reported)
                            .arg(delay_ms)));

    Script s;
    s.restore = restore;
    {
      MainWindow w(hooks_for(s));
      QVERIFY2(w.recovery().owned(), "the killed process's stale lock was not taken over");
      QVERIFY(temporary_files().isEmpty());
      QCOMPARE(s.restore_asked, 1);
      QVERIFY2(s.details.contains("fashion-mnist-mlp.nwproj"), qPrintable(s.details));
      QCOMPARE(s.errors, 0);
      if (restore) {
        QVERIFY(w.restored());
        QVERIFY(w.isWindowModified());
        QCOMPARE(w.document()->path(), project_);
        QCOMPARE(edits_in(w.document()->graph()), on_disk);
        QCOMPARE(int(w.document()->graph().nodes().size()), base_nodes_ + on_disk);
        // Restored work counts as unsaved: closing asks, and a clean close ends the recovery.
        w.show();
        QVERIFY(w.close());
        QCOMPARE(s.unsaved_asked, 1);
      } else {
        QVERIFY(!w.restored());
        QVERIFY(!w.isWindowModified());
        QCOMPARE(edits_in(w.document()->graph()), 0);
      }
      QVERIFY(!RecoveryFile().exists());
    }
    QVERIFY2(!QFile::exists(lock_path()), "the window did not release the recovery lock");
  }
};

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName("NetwrightTest");
  QCoreApplication::setApplicationName("tst_recovery_kill");
  if (argc == 3 && qstrcmp(argv[1], kChildFlag) == 0)
    return run_child(app, QString::fromLocal8Bit(argv[2]));
  TestRecoveryKill test;
  QTEST_SET_MAIN_SOURCE_PATH
  return QTest::qExec(&test, argc, argv);
}

#include "tst_recovery_kill.moc"
