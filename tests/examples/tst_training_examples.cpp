// Runs the tutorial's training programs on a small slice of Fashion-MNIST (--limit) and checks
// that they train, report progress and test like the tutorial's blocks. The full one-epoch
// accuracy targets are checked by bench/, not here: the unit suite trains on small data.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QtTest>

class TestTrainingExamples : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    if (!QFile::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
      QSKIP("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
  }

  void programsTrainAndTest_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<double>("min_accuracy");
    // 1280 images are enough for each network to beat chance (10%) clearly in one epoch.
    QTest::newRow("simplenet") << "simplenet" << QStringList{"--limit", "1280"} << 55.0;
    QTest::newRow("cnn") << "cnn" << QStringList{"--limit", "1280"} << 30.0;
    QTest::newRow("lstm") << "lstm" << QStringList{"--limit", "1280"} << 20.0;
  }

  void programsTrainAndTest() {
    QFETCH(QString, name);
    QFETCH(QStringList, args);
    QFETCH(double, min_accuracy);
    QString out = run(name, args);
    QVERIFY2(out.contains("[epoch 1, batch  100]") || out.contains("Test Error"), qPrintable(out));
    QRegularExpression acc("Accuracy: ([0-9.]+)%, Avg loss: ([0-9.]+)");
    auto m = acc.match(out);
    QVERIFY2(m.hasMatch(), qPrintable(out));
    QVERIFY2(m.captured(1).toDouble() >= min_accuracy, qPrintable(out));
    QVERIFY(m.captured(2).toDouble() > 0.0);
  }

  void binaryClassifierPredictsANewSample() {
    QString out = run("binary_classifier", {"--epochs", "3"});
    QVERIFY2(out.contains("Epoch 3/3, loss: "), qPrintable(out));
    QRegularExpression pred("P\\(class 1\\) = (0\\.[0-9]+) -> predicted class ([01])");
    auto m = pred.match(out);
    QVERIFY2(m.hasMatch(), qPrintable(out));
    QCOMPARE(m.captured(2).toInt(), m.captured(1).toDouble() > 0.5 ? 1 : 0);
  }

  void sameSeedGivesTheSameRun() {
    QString a = run("simplenet", {"--limit", "640"});
    QString b = run("simplenet", {"--limit", "640"});
    QCOMPARE(a, b);
  }

 private:
  static QString run(const QString& name, const QStringList& args) {
    QProcess p;
    p.start(QDir(NW_EXAMPLE_BIN_DIR).filePath("example_train_" + name), args);
    if (!p.waitForFinished(300000)) return "timed out";
    QString out = QString::fromUtf8(p.readAllStandardOutput());
    if (p.exitCode() != 0)
      return "exit " + QString::number(p.exitCode()) + ": " + p.readAllStandardError();
    return out;
  }
};

QTEST_MAIN(TestTrainingExamples)
#include "tst_training_examples.moc"
