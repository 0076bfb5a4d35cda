// Where the application finds its bundled projects (app/bundled_projects.h): the installed
// folder relative to the executable when it exists (/usr/bin/netwright ->
// /usr/share/netwright/projects), else the source tree's projects/ (a build run in place).
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "app/bundled_projects.h"

using namespace nw::gui;

class TestBundledProjects : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  void theInstalledLayoutIsRelativeToTheExecutable() {
    QCOMPARE(QStringLiteral(NW_INSTALLED_PROJECTS), QStringLiteral("../share/netwright/projects"));
  }

  void anInstalledTreeWins() {
    // A prefix laid out as the packages install it: bin/ and share/netwright/projects/.
    const QString prefix = tmp_.filePath("usr");
    QVERIFY(QDir().mkpath(prefix + "/bin"));
    QVERIFY(QDir().mkpath(prefix + "/share/netwright/projects"));
    QCOMPARE(bundled_projects_dir(prefix + "/bin"), prefix + "/share/netwright/projects");
  }

  void withoutOneTheSourceTreeServes() {
    QVERIFY(QDir().mkpath(tmp_.filePath("bare/bin")));
    QCOMPARE(bundled_projects_dir(tmp_.filePath("bare/bin")), QStringLiteral(NW_PROJECTS_DIR));
    // This test runs from the build tree, which has no share/ beside bin/.
    QCOMPARE(bundled_projects_dir(), QStringLiteral(NW_PROJECTS_DIR));
    QVERIFY(QFileInfo::exists(bundled_projects_dir() + "/fashion-mnist-mlp.nwproj"));
  }
};

QTEST_GUILESS_MAIN(TestBundledProjects)
#include "tst_bundled_projects.moc"
