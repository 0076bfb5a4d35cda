// Check 5 of issue 4: killing `netwright-cli train` with SIGKILL at random moments, 20 times,
// never leaves a corrupt or partial checkpoint. Epochs are a few batches long, so checkpoints are
// written every few milliseconds and many kills land in the middle of a write. Each run resumes
// from the newest checkpoint the last one left, so resuming after a kill is exercised as well.
#include <QtTest>

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "cli_runner.h"
#include "io/checkpoint.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> checkpoints(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".h5") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

class TestCliKill : public QObject {
  Q_OBJECT

 private slots:
  void sigkillNeverLeavesAPartialCheckpoint() {
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString() + "/run";
    const QString project = src_path("tests/cli/projects/blobs-mlp.nwproj");
    std::mt19937 rng(20261125);
    std::uniform_int_distribution<int> delay_ms(150, 900);
    int killed_with_checkpoints = 0;
    for (int round = 0; round < 20; ++round) {
      QStringList args = {"train", project, "--out", QString::fromStdString(dir.string()),
                          "--epochs", "100000", "--limit", "96", "--quiet"};
      const auto existing = checkpoints(dir);
      std::vector<fs::path> numbered;
      for (const auto& p : existing)
        if (p.filename() != "best.h5") numbered.push_back(p);
      if (!numbered.empty()) args << "--resume" << QString::fromStdString(numbered.back().string());

      QProcess p;
      p.start(QStringLiteral(NW_CLI), args);
      QVERIFY(p.waitForStarted());
      QTest::qWait(delay_ms(rng));
      QVERIFY2(p.state() == QProcess::Running, p.readAllStandardError().constData());
      ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
      QVERIFY(p.waitForFinished(10000));
      QCOMPARE(p.exitStatus(), QProcess::CrashExit);

      // Every checkpoint on disk, the newest included, is whole and loads.
      const auto after = checkpoints(dir);
      for (const auto& c : after) {
        try {
          const nw::io::Checkpoint ck = nw::io::read_checkpoint(c);
          QCOMPARE(ck.model.size(), size_t(4));
          QVERIFY(ck.optimizer.has_value());
        } catch (const std::exception& e) {
          QFAIL(("round " + std::to_string(round) + ": " + c.string() + ": " + e.what()).c_str());
        }
      }
      killed_with_checkpoints += !after.empty();
    }
    QVERIFY(killed_with_checkpoints >= 15);  // the kills did land while checkpoints were written
  }
};

QTEST_GUILESS_MAIN(TestCliKill)
#include "tst_cli_kill.moc"
