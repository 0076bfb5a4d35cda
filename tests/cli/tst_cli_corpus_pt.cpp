// Check 6 of issue 16 for PyTorch weight files: each malformed .pt of tests/corpus/pt (written by
// tests/interop/torch_weights/make_pt_fixtures.py) makes `netwright-cli checkpoint` and
// `train --init` exit with code 1 and a message naming the problem, and none crashes.
// scripts/test.sh runs this test a second time in an AddressSanitizer + UndefinedBehaviorSanitizer
// build.
#include <QtTest>

#include <fstream>

#include "cli_runner.h"

namespace {

struct Case {
  std::string file, expected;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  std::ifstream f(NW_SOURCE_DIR "/tests/corpus/pt/EXPECTED.tsv");
  for (std::string line; std::getline(f, line);) {
    const auto tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

// A sanitizer report or a signal is a crash, whatever the exit code says.
void expect_clean_failure(const CliRun& r, const std::string& what, const std::string& expected) {
  const std::string all = r.all();
  QVERIFY2(!r.crashed, (what + ": crashed\n" + all).c_str());
  QVERIFY2(
      all.find("Sanitizer") == std::string::npos && all.find("runtime error") == std::string::npos,
      (what + ": sanitizer report\n" + all).c_str());
  QVERIFY2(r.code == 1,
           (what + ": exit code " + std::to_string(r.code) + ", expected 1\n" + all).c_str());
  QVERIFY2(r.err.find(expected) != std::string::npos,
           (what + ": the message does not name '" + expected + "':\n" + r.err).c_str());
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
    for (const Case& c : cases())
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
