// Check 4 of issue 4: malformed projects and checkpoints through netwright-cli. Each must exit
// with code 1 and a message naming the place; none may crash. scripts/test.sh runs this test a
// second time in an AddressSanitizer + UndefinedBehaviorSanitizer build.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "corpus_checks.h"
#include "io/checkpoint.h"
#include "support/bad_checkpoints.h"

namespace fs = std::filesystem;

namespace {

// A project like the corpus' base with `inner` in place of the Input node's shape list.
std::string project_with_input_shape(const std::string& inner) {
  return R"({"netwright": 1, "graph": {"nodes": [{"id": "input", "type": "Input", "params": )"
         R"({"shape": )" +
         inner + R"(}}], "edges": []}})";
}

// Inputs too large to commit, written at test time: each must be refused before it is parsed.
std::vector<std::pair<std::string, std::string>> generated_cases() {
  const std::string bytes_2mib(size_t(2) << 20, 'a');
  std::string long_list = "[1";
  for (int i = 0; i < 10'000'000; ++i) long_list += ",1";
  long_list += "]";
  return {
      // Valid JSON: the destructor of the document nlohmann builds recurses once per level, and
      // 100,000 levels overflowed the stack (a segmentation fault before the limit).
      {std::string(100'000, '[') + std::string(100'000, ']'),
       "line 1, column 65: JSON nested deeper than 64 levels"},
      {R"({"netwright": 1, "extra": )" + std::string(100'000, '[') + std::string(100'000, ']') +
           "}",
       "line 1, column 90: JSON nested deeper than 64 levels"},
      {std::string(100'000, '['), "line 1, column 65: JSON nested deeper than 64 levels"},
      {project_with_input_shape(long_list), "a list or object of more than 1000000 items"},
      {R"({"netwright": 1, "name": ")" + bytes_2mib + R"("})", "a string of 2.00 MiB"},
      {R"({"netwright": 1, "name": ")" + std::string(size_t(100) << 20, 'a') + R"("})",
       "the file is 100 MiB; Netwright reads JSON files of at most 64 MiB"},
  };
}

}  // namespace

class TestCliCorpus : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void malformedProjects_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    for (const CorpusCase& c : corpus_cases(NW_SOURCE_DIR "/tests/corpus/projects"))
      QTest::newRow(c.file.c_str())
          << QString::fromStdString(c.file) << QString::fromStdString(c.expected);
  }
  // `train` goes furthest (load, validate, open the data); `validate` must refuse them too,
  // except for problems only opening the data finds.
  void malformedProjects() {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const QString path = src_path("tests/corpus/projects/") + file;
    const CliRun t = run_cli(
        {"train", path, "--epochs", "1", "--limit", "8", "--quiet", "--out", tmp_.path() + "/run"});
    expect_clean_failure(t, "train " + file.toStdString(), expected.toStdString());
    const CliRun v = run_cli({"validate", path});
    QVERIFY2(!v.crashed && v.code != 0 && v.code != 2,
             (file.toStdString() + ": validate\n" + v.all()).c_str());
  }

  // Both `validate` and `train` refuse them with exit code 1 and the limit named.
  void generatedProjects() {
    int index = 0;
    for (const auto& [text, expected] : generated_cases()) {
      const QString path = tmp_.filePath(QString("generated-%1.nwproj").arg(index++));
      {
        std::ofstream f(path.toStdString(), std::ios::binary);
        f << text;
      }
      const CliRun v = run_cli({"validate", path});
      expect_clean_failure(v, "validate " + path.toStdString(), expected);
      const CliRun t =
          run_cli({"train", path, "--epochs", "1", "--quiet", "--out", tmp_.path() + "/run"});
      expect_clean_failure(t, "train " + path.toStdString(), expected);
      QFile::remove(path);
    }
  }

  // validate opens the data (its first sample) and finds what only training found before.
  void validateFindsTheDataShape() {
    const CliRun v =
        run_cli({"validate", src_path("tests/corpus/projects/data-shape-mismatch.nwproj")});
    expect_clean_failure(
        v, "validate data-shape-mismatch",
        "data.train: samples are (1, 28, 28) but node 'input' (Input) expects (784,)");
  }

  // Found by fuzz/fuzz_checkpoint: a global heap object declaring more bytes than its collection
  // holds made libhdf5 copy past its buffer (a segmentation fault in `checkpoint` and `eval`),
  // and a free-space record of size 0 made it loop for ever.
  void fuzzRegressionCheckpoints_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    QTest::newRow("object overruns") << "global-heap-object-overruns-collection.h5"
                                     << "the HDF5 file is damaged (a global heap object at byte";
    QTest::newRow("free space of 0 bytes")
        << "global-heap-free-space-of-0-bytes.h5"
        << "the HDF5 file is damaged (a global heap free-space record at byte";
  }
  void fuzzRegressionCheckpoints() {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const QString path = src_path("fuzz/regressions/checkpoint/") + file;
    QVERIFY(QFile::exists(path));
    expect_clean_failure(run_cli({"checkpoint", path}, 60000), "checkpoint " + file.toStdString(),
                         expected.toStdString());
  }

  void corpusIsLargeEnough() {
    QVERIFY(corpus_cases(NW_SOURCE_DIR "/tests/corpus/projects").size() >= 30);
  }

  void malformedCheckpoints() {
    const QString project = src_path("tests/cli/projects/blobs-mlp.nwproj");
    const fs::path dir = tmp_.path().toStdString() + "/ckpt";
    fs::create_directories(dir);
    // A real checkpoint of the project, with optimizer state, to break in every way.
    CliRun r = run_cli({"train", project, "--epochs", "1", "--limit", "64", "--quiet", "--out",
                        QString::fromStdString((dir / "run").string())});
    QVERIFY2(r.code == 0, r.all().c_str());
    const nw::io::Checkpoint good = nw::io::read_checkpoint(dir / "run" / "epoch_0001.h5");
    const auto cases = nw::test::write_bad_checkpoints(dir, good);
    QVERIFY(cases.size() >= 10);
    for (const auto& c : cases) {
      const QString path = QString::fromStdString((dir / c.file).string());
      r = run_cli({"eval", project, "--checkpoint", path, "--limit", "8"});
      expect_clean_failure(r, "eval " + c.file, c.expected);
      r = run_cli({"train", project, "--resume", path, "--epochs", "2", "--limit", "8", "--quiet",
                   "--out", QString::fromStdString((dir / "resumed").string())});
      expect_clean_failure(r, "train --resume " + c.file, c.expected);
    }
    // The good one loads: the corpus fails for its faults, not for the setup.
    r = run_cli({"eval", project, "--checkpoint",
                 QString::fromStdString((dir / "good.h5").string()), "--limit", "8"});
    QVERIFY2(r.code == 0, r.all().c_str());
  }
};

QTEST_GUILESS_MAIN(TestCliCorpus)
#include "tst_cli_corpus.moc"
