// Check 5 of issue 16. For every bundled project: a fresh checkpoint (netwright-cli init) becomes
// a state_dict that PyTorch 1.13 writes at test time in the zip and the legacy format
// (make_pt_fixtures.py from-h5), and the project's committed PyTorch 2.x file (fixtures/2x,
// patterned values so it stays small) is unpacked beside an HDF5 checkpoint of the same values
// (unpack-2x). Each .pt loads with its checkpoint's tensors bit for bit, and `netwright-cli
// checkpoint FILE --project P` finds that it fits the network. A project without a 2.x file
// fails. Then
// files whose pickles run code under torch.load (each payload is first shown to run there) are
// refused naming the global, and their marker file is never created.
#include <QtTest>

#include <cstring>
#include <filesystem>

#include "cli/cli_runner.h"
#include "io/checkpoint.h"
#include "io/torch_weights.h"

namespace fs = std::filesystem;

namespace {

const fs::path kHere = fs::path(NW_SOURCE_DIR) / "tests" / "interop" / "torch_weights";

CliRun run_python(const QStringList& args) {
  return run_program(QStringLiteral(NW_PYTHON), args);
}

QString q(const fs::path& p) {
  return QString::fromStdString(p.string());
}

void expect_same(const nw::nn::StateDict& got, const nw::nn::StateDict& want,
                 const std::string& file) {
  QVERIFY2(got.size() == want.size(), (file + ": a different number of tensors").c_str());
  for (size_t i = 0; i < got.size(); ++i) {
    const std::string where = file + ", " + want[i].first;
    QVERIFY2(got[i].first == want[i].first, (where + ": found " + got[i].first).c_str());
    QVERIFY2(got[i].second.dtype() == want[i].second.dtype(), (where + ": dtype").c_str());
    QVERIFY2(got[i].second.sizes() == want[i].second.sizes(), (where + ": shape").c_str());
    const nw::Tensor a = got[i].second.contiguous(), b = want[i].second.contiguous();
    QVERIFY2(std::memcmp(a.raw_data(), b.raw_data(), a.numel() * a.element_size()) == 0,
             (where + ": the values differ").c_str());
  }
}

// `netwright-cli checkpoint PT --project P` reads `tensors` tensors and loads them into P.
void expect_loads(const fs::path& pt, const QString& project, size_t tensors) {
  const CliRun r = run_cli({"checkpoint", q(pt), "--project", project});
  QVERIFY2(r.code == 0 &&
               r.out.find("PyTorch state_dict, " + std::to_string(tensors) + " tensors") !=
                   std::string::npos &&
               r.out.find("it loads into") != std::string::npos,
           (pt.filename().string() + "\n" + r.all()).c_str());
}

// The global each `evil` file of make_pt_fixtures.py names, by the file's name.
std::string global_of(const std::string& file) {
  const std::pair<const char*, const char*> names[] = {
      {"os-system", "os.system"},       {"builtins-eval", "builtins.eval"},
      {"posix-system", "posix.system"}, {"builtins-exec", "builtins.exec"},
      {"main-evil", "__main__.Evil"},   {"subprocess", "subprocess.getoutput"},
      {"torch-saved", "posix.system"}};
  for (const auto& [prefix, global] : names)
    if (file.rfind(prefix, 0) == 0) return global;
  return "?";
}

}  // namespace

class TestTorchWeightsInterop : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  fs::path dir() const { return tmp_.path().toStdString(); }

 private slots:
  // CI has Debian's python3-torch; without it this test fails rather than skips.
  void initTestCase() {
    const CliRun r = run_python({"-c", "import torch, h5py; print(torch.__version__)"});
    QVERIFY2(r.code == 0, ("PyTorch and h5py must import in " NW_PYTHON ":\n" + r.all()).c_str());
  }

  void bundledProjects_data() {
    QTest::addColumn<QString>("project");
    QTest::addColumn<QString>("torch2");
    const fs::path root = fs::path(NW_SOURCE_DIR) / "projects";
    int rows = 0;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.path().extension() == ".nwproj") {
        const fs::path name = fs::relative(e.path(), root);
        fs::path torch2 = kHere / "fixtures" / "2x" / name;
        torch2.replace_extension(".pt.xz");
        QTest::newRow(name.c_str()) << q(e.path()) << q(torch2);
        ++rows;
      }
    QVERIFY(rows >= 7);
  }
  void bundledProjects() {
    QFETCH(QString, project);
    const fs::path h5 = dir() / "weights.h5";
    CliRun r = run_cli({"init", project, "--out", q(h5)});
    QVERIFY2(r.code == 0, r.all().c_str());
    r = run_python({q(kHere / "make_pt_fixtures.py"), "from-h5", q(h5), q(dir())});
    QVERIFY2(r.code == 0, r.all().c_str());
    const nw::nn::StateDict want = nw::io::read_checkpoint(h5).model;
    QVERIFY(!want.empty());
    for (const char* name : {"weights-zip.pt", "weights-legacy.pt"}) {
      const fs::path pt = dir() / name;
      QVERIFY(nw::io::is_torch_weights_file(pt));
      expect_same(nw::io::read_torch_weights(pt), want, name);
      expect_loads(pt, project, want.size());
      fs::remove(pt);
    }

    QFETCH(QString, torch2);
    QVERIFY2(fs::exists(torch2.toStdString()),
             ("no PyTorch 2.x file " + torch2.toStdString() +
              " for this project: make it with make_pt_fixtures.py patterned-2x (see its "
              "docstring) and commit it")
                 .c_str());
    r = run_python({q(kHere / "make_pt_fixtures.py"), "unpack-2x", torch2, q(h5), q(dir())});
    QVERIFY2(r.code == 0, r.all().c_str());
    const fs::path pt = dir() / "weights-2x.pt";
    QVERIFY(nw::io::is_torch_weights_file(pt));
    const nw::nn::StateDict want2 = nw::io::read_checkpoint(dir() / "weights-2x.h5").model;
    QCOMPARE(want2.size(), want.size());
    expect_same(nw::io::read_torch_weights(pt), want2, "weights-2x.pt");
    expect_loads(pt, project, want2.size());
  }

  // `train --init` takes a .pt as it takes a checkpoint: every tensor of the network is loaded.
  void trainInitFromPt() {
    const QString project = QString(NW_SOURCE_DIR "/projects/binary-classifier.nwproj");
    const fs::path h5 = dir() / "base.h5";
    CliRun r = run_cli({"init", project, "--out", q(h5), "--seed", "7"});
    QVERIFY2(r.code == 0, r.all().c_str());
    r = run_python({q(kHere / "make_pt_fixtures.py"), "from-h5", q(h5), q(dir())});
    QVERIFY2(r.code == 0, r.all().c_str());
    r = run_cli({"train", project, "--init", q(dir() / "base-legacy.pt"), "--epochs", "1",
                 "--limit", "16", "--out", q(dir() / "run")});
    QVERIFY2(r.code == 0, r.all().c_str());
    QVERIFY2(r.all().find("loaded 4 tensors") != std::string::npos, r.all().c_str());
  }

  void evilFilesRunNothing() {
    const fs::path evil = dir() / "evil", marker = dir() / "payload-ran";
    CliRun r = run_python({q(kHere / "make_pt_fixtures.py"), "evil", q(evil), q(marker)});
    QVERIFY2(r.code == 0, r.all().c_str());
    // The payloads are real: PyTorch's own unrestricted load runs each of them.
    QStringList files = {q(marker)};
    for (const auto& e : fs::directory_iterator(evil)) files << q(e.path());
    QCOMPARE(files.size() - 1, 14);
    const CliRun loads = run_python(QStringList{q(kHere / "load_unsafely.py")} + files);
    QVERIFY2(loads.code == 0, loads.all().c_str());
    for (const auto& e : fs::directory_iterator(evil)) {
      const std::string name = e.path().filename().string();
      QVERIFY2(("\n" + loads.out).find("\nran " + name + "\n") != std::string::npos,
               (name +
                ": the payload does not run under torch.load, so refusing it proves "
                "nothing\n" +
                loads.all())
                   .c_str());
      QVERIFY(!fs::exists(marker));
      r = run_cli({"checkpoint", q(e.path())});
      QVERIFY2(!r.crashed && r.code == 1, (name + "\n" + r.all()).c_str());
      QVERIFY2(r.err.find("refuses global " + global_of(name) + ":") != std::string::npos,
               (name + "\n" + r.err).c_str());
      QVERIFY2(!fs::exists(marker), (name + ": loading it ran its payload").c_str());
    }
  }
};

QTEST_GUILESS_MAIN(TestTorchWeightsInterop)
#include "tst_torch_weights_interop.moc"
