// Check 6 of issue 16 for PyTorch weight files: each malformed .pt of tests/corpus/pt (written by
// tests/interop/torch_weights/make_pt_fixtures.py) makes `netwright-cli checkpoint` and
// `train --init` exit with code 1 and a message naming the problem, and none crashes.
// scripts/test.sh runs this test a second time in an AddressSanitizer + UndefinedBehaviorSanitizer
// build.
#include <QtTest>

#include <fstream>

#include "corpus_checks.h"

namespace {

std::vector<CorpusCase> cases() {
  return corpus_cases(NW_SOURCE_DIR "/tests/corpus/pt");
}

}  // namespace

class TestCliCorpusPt : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void corpusIsLargeEnough() { QVERIFY(cases().size() >= 10); }

  void malformedWeights_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    for (const CorpusCase& c : cases())
      QTest::newRow(c.file.c_str())
          << QString::fromStdString(c.file) << QString::fromStdString(c.expected);
  }
  void malformedWeights() {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const QString path = src_path("tests/corpus/pt/") + file;
    QVERIFY(QFile::exists(path));
    expect_clean_failure(run_cli({"checkpoint", path}), "checkpoint " + file.toStdString(),
                         expected.toStdString());
    const CliRun t =
        run_cli({"train", src_path("projects/binary-classifier.nwproj"), "--init", path, "--epochs",
                 "1", "--limit", "8", "--quiet", "--out", tmp_.path() + "/run"});
    expect_clean_failure(t, "train --init " + file.toStdString(), expected.toStdString());
  }

  // The corpus fails for its faults, not for the setup: a sound file of the same project loads.
  void soundFileLoads() {
    const CliRun r = run_cli({"checkpoint",
                              src_path("tests/interop/torch_weights/fixtures/binary-classifier.pt"),
                              "--project", src_path("projects/binary-classifier.nwproj")});
    QVERIFY2(r.code == 0 && r.out.find("it loads into") != std::string::npos, r.all().c_str());
  }
};

QTEST_GUILESS_MAIN(TestCliCorpusPt)
#include "tst_cli_corpus_pt.moc"
