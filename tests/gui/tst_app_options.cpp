// The `netwright` command line (app/app_options.h): the PROJECT argument as a shell passes it
// (a path relative to the start folder) and as a desktop entry or file manager may (a file://
// URI, percent-encoded), each becoming the same absolute path; a remote URI is refused with a
// message; the screenshot options' checks.
#include <QDir>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include "app/app_options.h"

using namespace nw::gui;

class TestAppOptions : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  QString start_dir_;

  std::optional<AppOptions> parse(const QStringList& args, QString* error) {
    return parse_app_options(QStringList{"netwright"} + args, error);
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    QVERIFY(QDir().mkpath(tmp_.filePath("my projects")));
    start_dir_ = QDir::currentPath();
    QVERIFY(QDir::setCurrent(tmp_.path()));
  }
  void cleanupTestCase() { QDir::setCurrent(start_dir_); }

  void theProjectArgumentBecomesAnAbsolutePath_data() {
    QTest::addColumn<QString>("argument");
    QTest::addColumn<QString>("expected");  // relative to the temporary start folder
    QTest::newRow("relative") << "my projects/net.nwproj"
                              << "my projects/net.nwproj";
    QTest::newRow("dot-dot") << "my projects/../net.nwproj"
                             << "net.nwproj";
    QTest::newRow("absolute") << "@/my projects/net.nwproj"
                              << "my projects/net.nwproj";
    QTest::newRow("file-uri") << "file://@/my%20projects/net.nwproj"
                              << "my projects/net.nwproj";
    QTest::newRow("file-uri-localhost") << "file://localhost@/my%20projects/n%C3%A9t.nwproj"
                                        << "my projects/nét.nwproj";
  }
  void theProjectArgumentBecomesAnAbsolutePath() {
    QFETCH(QString, argument);
    QFETCH(QString, expected);
    argument.replace("@", tmp_.path());
    QString error;
    const auto o = parse({argument}, &error);
    QVERIFY2(o, qPrintable(error));
    QCOMPARE(o->project, tmp_.filePath(expected));
  }

  void noArgumentLeavesTheChoiceToTheWindow() {
    QString error;
    const auto o = parse({"--no-restore"}, &error);
    QVERIFY2(o, qPrintable(error));
    QVERIFY(o->project.isEmpty());
    QVERIFY(o->no_restore);
  }

  void aRemoteUriIsRefusedWithAReason() {
    QString error;
    QVERIFY(!parse({"sftp://host/home/me/net.nwproj"}, &error));
    QVERIFY2(error.contains("sftp://host/home/me/net.nwproj") && error.contains("local files"),
             qPrintable(error));
    QVERIFY(!parse({"file://server/share/net.nwproj"}, &error));
    QVERIFY2(error.contains("file://server/share/net.nwproj"), qPrintable(error));
  }

  void badScreenshotValuesSayWhatIsExpected() {
    QString error;
    QVERIFY(!parse({"--screenshot", "a.png", "--screenshot-size", "10x10"}, &error));
    QVERIFY2(error.contains("at least 200x150"), qPrintable(error));
    QVERIFY(!parse({"--screenshot-after-epochs", "2"}, &error));
    QVERIFY2(error.contains("need --screenshot"), qPrintable(error));
    QVERIFY(!parse({"a.nwproj", "b.nwproj"}, &error));
    QVERIFY2(error.contains("at most one project"), qPrintable(error));
  }
};

QTEST_GUILESS_MAIN(TestAppOptions)
#include "tst_app_options.moc"
