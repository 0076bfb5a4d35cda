// Check 5 of issue 4: killing `netwright-cli train` with SIGKILL, 20 times, never leaves a
// corrupt or partial checkpoint. Epochs are a few batches long, so checkpoints are written every
// few milliseconds. Each round trains in its own folder, resuming from the newest checkpoint the
// round before left, so resuming after a kill is exercised as well. Half the rounds are killed
// at a random moment; the other half as soon as a temporary checkpoint file shows a write in
// progress. A temporary file still there after the kill proves that the kill landed mid-write,
// and at least one round must show it: otherwise the test would not test what it claims.
#include <QElapsedTimer>
#include <QThread>
#include <QtTest>

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "cli_runner.h"
#include "io/checkpoint.h"
#include "train/run_record.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> files_with(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == extension) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// io::write_atomic_with's temporary files of checkpoints: ".epoch_0003.h5.<pid>.<n>.tmp" (not
// run.json's, ".run.json.<pid>.<n>.tmp").
bool writing(const fs::path& dir) {
  for (const fs::path& p : files_with(dir, ".tmp"))
    if (p.filename().string().find(".h5.") != std::string::npos) return true;
  return false;
}

// The newest numbered checkpoint (epoch_NNNN.h5), or an empty path.
fs::path newest_checkpoint(const fs::path& dir) {
  fs::path newest;
  for (const auto& p : files_with(dir, ".h5"))
    if (p.filename() != "best.h5") newest = p;
  return newest;
}

}  // namespace

class TestCliKill : public QObject {
  Q_OBJECT

 private slots:
  void sigkillNeverLeavesAPartialCheckpoint() {
    QTemporaryDir tmp;
    const QString project = src_path("tests/cli/projects/blobs-mlp.nwproj");
    std::mt19937 rng(20261125);
    std::uniform_int_distribution<int> delay_ms(150, 900);
    constexpr int kRounds = 12;
    int with_checkpoints = 0, mid_write = 0;
    fs::path resume;
    for (int round = 0; round < kRounds; ++round) {
      const fs::path dir = tmp.path().toStdString() + "/round_" + std::to_string(round);
      QStringList args = {"train",    project,  "--out",   QString::fromStdString(dir.string()),
                          "--epochs", "100000", "--limit", "96",
                          "--quiet"};
      if (!resume.empty()) args << "--resume" << QString::fromStdString(resume.string());

      QProcess p;
      p.start(QStringLiteral(NW_CLI), args);
      QVERIFY(p.waitForStarted());
      QTest::qWait(delay_ms(rng));
      // Odd rounds wait (at most 5 s) for a write in progress; the poll is far shorter than a
      // write, which syncs the file to disk.
      if (round % 2 == 1) {
        QElapsedTimer clock;
        clock.start();
        while (!writing(dir) && p.state() == QProcess::Running && clock.elapsed() < 5000)
          QThread::usleep(50);
      }
      QVERIFY2(p.state() == QProcess::Running, p.readAllStandardError().constData());
      ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
      QVERIFY(p.waitForFinished(10000));
      QCOMPARE(p.exitStatus(), QProcess::CrashExit);
      mid_write += writing(dir);

      // Every checkpoint on disk, the newest included, is whole and loads.
      const auto after = files_with(dir, ".h5");
      for (const auto& c : after) {
        try {
          const nw::io::Checkpoint ck = nw::io::read_checkpoint(c);
          QCOMPARE(ck.model.size(), size_t(4));
          QVERIFY(ck.optimizer.has_value());
        } catch (const std::exception& e) {
          QFAIL(("round " + std::to_string(round) + ": " + c.string() + ": " + e.what()).c_str());
        }
      }
      // The run's record too: the old one or the new one, never a partial file.
      try {
        if (const auto record = nw::train::read_run_record(dir))
          QCOMPARE(record->state, nw::train::RecordState::Running);
      } catch (const std::exception& e) {
        QFAIL(("round " + std::to_string(round) + ": run.json: " + e.what()).c_str());
      }
      with_checkpoints += !after.empty();
      if (const fs::path n = newest_checkpoint(dir); !n.empty()) resume = n;
    }
    qInfo("%d of %d rounds killed with checkpoints on disk, %d of them mid-write", with_checkpoints,
          kRounds, mid_write);
    QVERIFY(with_checkpoints >= kRounds / 2);
    QVERIFY2(mid_write >= 1, "no kill landed while a checkpoint was being written");
  }
};

QTEST_GUILESS_MAIN(TestCliKill)
#include "tst_cli_kill.moc"
