// Where Fashion-MNIST is found without a root (data/fashion_mnist.h): each folder of
// $XDG_DATA_DIRS + /datasets/fashion-mnist in order, the first holding all four files; when none
// does, the message names every folder looked in and the Debian package that installs the data.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "data/data_error.h"
#include "data/fashion_mnist.h"

using namespace nw::data;

class TestFashionMnistDir : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

  // `base`/datasets/fashion-mnist holding the named files (empty: a file's presence is the test).
  QString dataset(const QString& base, const QStringList& files) {
    const QString dir = tmp_.filePath(base + "/datasets/fashion-mnist");
    QDir().mkpath(dir);
    for (const QString& f : files) {
      QFile file(dir + "/" + f);
      if (!file.open(QIODevice::WriteOnly)) qFatal("cannot create %s", qPrintable(file.fileName()));
    }
    return dir;
  }

  void search(const QStringList& bases) {
    QStringList paths;
    for (const QString& b : bases) paths << tmp_.filePath(b);
    qputenv("XDG_DATA_DIRS", paths.join(':').toUtf8());
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    const QStringList all = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte.gz"};
    dataset("full-a", all);
    dataset("full-b", all);
    dataset("train-only", {all[0], all[1]});
    dataset("empty", {});
  }

  void theDefaultFollowsTheXdgSpec() {
    qunsetenv("XDG_DATA_DIRS");
    QCOMPARE(fashion_mnist_search_dirs(),
             (std::vector<std::string>{"/usr/local/share/datasets/fashion-mnist",
                                       "/usr/share/datasets/fashion-mnist"}));
    qputenv("XDG_DATA_DIRS", "");
    QCOMPARE(fashion_mnist_search_dirs().size(), size_t(2));
    qputenv("XDG_DATA_DIRS", "relative:/srv/data:");  // relative and empty entries are ignored
    QCOMPARE(fashion_mnist_search_dirs(),
             std::vector<std::string>{"/srv/data/datasets/fashion-mnist"});
  }

  void theFirstFolderWithAllFourFilesWins() {
    search({"empty", "train-only", "full-b", "full-a"});
    QCOMPARE(QString::fromStdString(fashion_mnist_dir()),
             tmp_.filePath("full-b/datasets/fashion-mnist"));
    QVERIFY(fashion_mnist_available(Split::Test));
    search({"full-a", "full-b"});
    QCOMPARE(QString::fromStdString(fashion_mnist_dir()),
             tmp_.filePath("full-a/datasets/fashion-mnist"));
  }

  void aPartialCopyIsNotUsed() {
    search({"train-only", "empty"});
    QCOMPARE(fashion_mnist_dir(), std::string());
    QVERIFY(!fashion_mnist_available(Split::Train));
  }

  void theMessageNamesEveryFolderLookedIn() {
    search({"empty", "train-only"});
    QString msg;
    try {
      fashion_mnist(Split::Test);
    } catch (const DataError& e) {
      msg = QString::fromUtf8(e.what());
    }
    QVERIFY2(msg.contains("t10k-images-idx3-ubyte") &&
                 msg.contains("'" + tmp_.filePath("empty/datasets/fashion-mnist") + "'") &&
                 msg.contains("'" + tmp_.filePath("train-only/datasets/fashion-mnist") + "'") &&
                 msg.contains("apt-get install dataset-fashion-mnist"),
             qPrintable(msg));
  }
};

QTEST_APPLESS_MAIN(TestFashionMnistDir)
#include "tst_fashion_mnist_dir.moc"
