// Where a run goes unless told (train/run_location.h): beside a project the user may write to; in
// $XDG_DATA_HOME/netwright/runs/ for an installed project (under /usr/ or /opt/, read-only), so
// nothing is written into a package's folders. The Runs list (runs_folder) follows the same rule.
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <filesystem>

#include "train/run_index.h"
#include "train/run_location.h"
#include "train/session.h"

using namespace nw;
namespace fs = std::filesystem;

namespace {

io::Project project_at(const fs::path& file) {
  io::Project p;
  p.name = "my net";
  p.path = file;
  return p;
}

}  // namespace

class TestRunLocation : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  fs::path data_home_, home_;

  fs::path dir() const { return tmp_.path().toStdString(); }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    // Never the real user's folders.
    data_home_ = dir() / "data-home";
    home_ = dir() / "home";
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString(data_home_.string()));
    qputenv("HOME", QByteArray::fromStdString(home_.string()));
  }

  void aWritableProjectKeepsItsRunsBesideIt() {
    const io::Project p = project_at(dir() / "work" / "net.nwproj");
    fs::create_directories(dir() / "work");
    const fs::path run = train::default_run_dir(p);
    QCOMPARE(QString::fromStdString(run.parent_path().string()),
             QString::fromStdString((dir() / "work" / "runs" / "my-net").string()));
    QCOMPARE(run.filename().string().size(), size_t(15));  // yyyymmdd-hhmmss
    QCOMPARE(train::runs_folder(p), dir() / "work" / "runs" / "my-net");
  }

  void anInstalledProjectRunsInTheUsersDataFolder_data() {
    QTest::addColumn<QString>("project");
    // Neither file exists: the rule reads the path, it needs no file.
    QTest::newRow("usr") << "/usr/share/netwright/projects/fashion-mnist-mlp.nwproj";
    QTest::newRow("usr-local") << "/usr/local/share/netwright/projects/sub/x.nwproj";
    QTest::newRow("opt") << "/opt/netwright/projects/x.nwproj";
  }
  void anInstalledProjectRunsInTheUsersDataFolder() {
    QFETCH(QString, project);
    const io::Project p = project_at(project.toStdString());
    QCOMPARE(train::default_run_dir(p).parent_path(), data_home_ / "netwright" / "runs" / "my-net");
    QCOMPARE(train::runs_folder(p), data_home_ / "netwright" / "runs" / "my-net");
  }

  void aPathIsJudgedAfterLinksAndDotDot() {
    fs::create_directories(dir() / "links");
    fs::create_directory_symlink("/usr/share", dir() / "links" / "share");
    QVERIFY(train::under_system_prefix(dir() / "links" / "share" / "netwright"));
    QVERIFY(!train::under_system_prefix("/usr/../tmp/x"));
    QVERIFY(!train::under_system_prefix("/usrx/share"));
    QVERIFY(!train::under_system_prefix(dir()));
    QCOMPARE(train::runs_parent(dir() / "links" / "share" / "netwright"), data_home_ / "netwright");
  }

  void aReadOnlyFolderCountsUnlessTheUserMayWriteAnyway() {
    const fs::path locked = dir() / "locked";
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms(0555));
    const fs::path parent = train::runs_parent(locked);
    fs::permissions(locked, fs::perms(0755));
    // root may write to a 0555 folder, so there the project's folder is the right place.
    const bool may_write = ::geteuid() == 0;
    QCOMPARE(parent, may_write ? locked : data_home_ / "netwright");
  }

  void withoutXdgDataHomeTheDefaultIsUnderHome() {
    qputenv("XDG_DATA_HOME", "relative/is/ignored");
    QCOMPARE(train::user_data_dir(), home_ / ".local" / "share" / "netwright");
    qunsetenv("XDG_DATA_HOME");
    QCOMPARE(train::runs_parent("/usr/share/netwright/projects"),
             home_ / ".local" / "share" / "netwright");
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString(data_home_.string()));
  }
};

QTEST_APPLESS_MAIN(TestRunLocation)
#include "tst_run_location.moc"
