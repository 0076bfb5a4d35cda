// Check 6 of issue 16, ONNX side: malformed ONNX models through `netwright-cli import`. Each must
// exit with code 1, a message naming the problem, and nothing written; none may crash.
// scripts/test.sh runs this test a second time in an AddressSanitizer + UndefinedBehaviorSanitizer
// build. The files come from tests/corpus/onnx/make_onnx_corpus.py; large ones are made here.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "corpus_checks.h"

namespace fs = std::filesystem;

namespace {

std::vector<CorpusCase> cases() {
  return corpus_cases(NW_SOURCE_DIR "/tests/corpus/onnx");
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace

class TestCliCorpusOnnx : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

  // Imports `model` into the temporary folder; expects exit 1 naming `expected`, no sanitizer
  // report, and neither the project nor its checkpoint written.
  void expect_refused(const QString& model, const std::string& expected) {
    const fs::path out = fs::path(tmp_.path().toStdString()) / "out" / "model.nwproj";
    const CliRun r = run_cli({"import", model, "--output", QString::fromStdString(out.string())});
    const std::string what = model.toStdString();
    expect_clean_failure(r, what, expected);
    QVERIFY2(!fs::exists(out) && !fs::exists(fs::path(out).replace_extension(".h5")),
             (what + ": wrote output although the import failed").c_str());
  }

 private slots:
  void corpusIsLargeEnough() { QVERIFY(cases().size() >= 20); }

  void malformedModels_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    for (const CorpusCase& c : cases())
      QTest::newRow(c.file.c_str())
          << QString::fromStdString(c.file) << QString::fromStdString(c.expected);
  }
  void malformedModels() {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const QString path = src_path("tests/corpus/onnx/") + file;
    QVERIFY2(QFile::exists(path), qPrintable(path));
    expect_refused(path, expected.toStdString());
  }

  // A file over protobuf's 2 GiB limit (sparse, so it costs no disk) is refused before reading.
  void oversizedFile() {
    const fs::path p = fs::path(tmp_.path().toStdString()) / "huge.onnx";
    {
      std::ofstream f(p, std::ios::binary);
      f << '\x08';
    }
    fs::resize_file(p, (std::uintmax_t(5) << 29) + 1);  // 2.5 GiB
    expect_refused(QString::fromStdString(p.string()), "is over the 2 GiB limit of an ONNX file");
    fs::remove(p);
  }

  // A real PyTorch export cut at many points: every prefix fails cleanly, naming the file.
  void truncatedExports() {
    const std::string bytes =
        read_file(NW_SOURCE_DIR "/tests/interop/onnx_import/fixtures/cnn.onnx");
    QVERIFY(bytes.size() > 1000);
    for (size_t cut : {size_t(1), size_t(2), size_t(17), size_t(100), bytes.size() / 7,
                       bytes.size() / 3, bytes.size() / 2, bytes.size() - 100, bytes.size() - 1}) {
      const fs::path p =
          fs::path(tmp_.path().toStdString()) / ("cut-" + std::to_string(cut) + ".onnx");
      std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(cut));
      expect_refused(QString::fromStdString(p.string()), p.string() + ": ");
      fs::remove(p);
    }
  }

  // The output must be a project file; a wrong --output is a usage error, nothing written.
  void outputMustBeAProject() {
    const CliRun r = run_cli({"import", src_path("tests/interop/onnx_import/fixtures/gru.onnx"),
                              "--output", tmp_.filePath("model.h5")});
    QVERIFY2(r.code == 2 && r.err.find("ending in .nwproj") != std::string::npos, r.all().c_str());
    QVERIFY(!QFile::exists(tmp_.filePath("model.h5")));
  }
};

QTEST_GUILESS_MAIN(TestCliCorpusOnnx)
#include "tst_cli_corpus_onnx.moc"
