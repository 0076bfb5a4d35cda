// PyTorch weight files without Python (issue 16, checks 5 and 6): state_dicts that PyTorch 2.15
// wrote (fixtures committed by tests/interop/torch_weights/make_pt_fixtures.py) load with the
// tensors of the HDF5 checkpoints they were made from, bit for bit, views, shared storages and
// dtypes included; a pickle naming any global outside a state_dict's is refused by that name;
// every malformed file of tests/corpus/pt is refused with its message, in process.
#include <QtTest>

#include <cstring>
#include <fstream>
#include <limits>

#include "io/checkpoint.h"
#include "io/torch_weights.h"
#include "io/weights_file.h"

namespace fs = std::filesystem;
using nw::io::CheckpointError;

namespace {

const fs::path kFixtures =
    fs::path(NW_FIXTURE_DIR) / ".." / "interop" / "torch_weights" / "fixtures";
const fs::path kCorpus = fs::path(NW_FIXTURE_DIR) / ".." / "corpus" / "pt";

// views-dtypes-p5.pt is views-dtypes.pt written with pickle protocol 5.
fs::path reference_of(const fs::path& pt) {
  std::string stem = pt.stem().string();
  if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, "-p5") == 0) stem.resize(stem.size() - 3);
  return pt.parent_path() / (stem + ".h5");
}

// The same keys in the same order, with the same dtypes, shapes and bytes.
void expect_same(const nw::nn::StateDict& got, const nw::nn::StateDict& want) {
  QCOMPARE(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& [key, t] = got[i];
    const auto& [want_key, w] = want[i];
    QCOMPARE(key, want_key);
    QVERIFY2(t.dtype() == w.dtype(), key.c_str());
    QVERIFY2(t.sizes() == w.sizes(), (key + ": " + nw::shape_str(t.sizes())).c_str());
    const nw::Tensor a = t.contiguous(), b = w.contiguous();
    QVERIFY2(std::memcmp(a.raw_data(), b.raw_data(), a.numel() * a.element_size()) == 0,
             (key + ": the values differ").c_str());
  }
}

std::string pstr(const std::string& s) {
  const uint32_t n = uint32_t(s.size());
  return std::string("X") + char(n & 255) + char(n >> 8 & 255) + char(n >> 16 & 255) +
         char(n >> 24) + s;
}

// {'weight': <value>}, then a legacy file around it: magic, protocol 1001, system info, the
// pickle, then `storages` (the key list and each storage's count and bytes; none by default).
std::string legacy_file(const std::string& value,
                        const std::string& storages = std::string("\x80\x02(l.")) {
  const std::string magic("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15);
  const std::string info =
      std::string("\x80\x02M\xe9\x03.\x80\x02}", 9) + pstr("little_endian") + "\x88s.";
  const std::string state = std::string("\x80\x02}") + pstr("weight") + value + "s.";
  return magic + info + state + storages;
}

std::string int64_le(int64_t v) {
  std::string out;
  for (int b = 0; b < 8; ++b) out += char(uint64_t(v) >> (8 * b) & 255);
  return out;
}

// torch.save's pickle of a float32 tensor of `sizes` and `strides` over storage "0" of 4 elements.
std::string tensor_value(const std::vector<int64_t>& sizes, const std::vector<int64_t>& strides) {
  std::string out = "ctorch._utils\n_rebuild_tensor_v2\n((" + pstr("storage") +
                    "ctorch\nFloatStorage\n" + pstr("0") + pstr("cpu") + "K\x04tQ" +
                    std::string("K\0(", 3);  // storage offset 0
  for (int64_t s : sizes) out += "\x8a\x08" + int64_le(s);
  out += "t(";
  for (int64_t s : strides) out += "\x8a\x08" + int64_le(s);
  return out +
         "t\x89"
         "ccollections\nOrderedDict\n)RtR";
}

// The key list ["0"] and storage "0": four float32 values 1, 2, 3, 4.
std::string storage_0() {
  const float values[] = {1, 2, 3, 4};
  return "\x80\x02(" + pstr("0") + "l." + int64_le(4) +
         std::string(reinterpret_cast<const char*>(values), sizeof values);
}

std::string call(const std::string& module, const std::string& name, const std::string& arg) {
  return "c" + module + "\n" + name + "\n" + pstr(arg) + "\x85R";
}

fs::path write(const QTemporaryDir& dir, const std::string& name, const std::string& bytes) {
  const fs::path p = fs::path(dir.path().toStdString()) / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string error_of(const fs::path& file) {
  try {
    nw::io::read_torch_weights(file);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "(loaded)";
}

}  // namespace

class TestTorchWeights : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void torch2Fixtures_data() {
    QTest::addColumn<QString>("file");
    int rows = 0;
    for (const auto& e : fs::directory_iterator(kFixtures))
      if (e.path().extension() == ".pt") {
        QTest::newRow(e.path().filename().c_str()) << QString::fromStdString(e.path().string());
        ++rows;
      }
    QVERIFY2(rows == 4, "expected the 4 committed PyTorch 2.x fixtures");
  }
  void torch2Fixtures() {
    QFETCH(QString, file);
    const fs::path pt = file.toStdString();
    QVERIFY(nw::io::is_torch_weights_file(pt));
    expect_same(nw::io::read_torch_weights(pt), nw::io::read_checkpoint(reference_of(pt)).model);
  }

  // What each PyTorch dtype becomes, and a few values read back from views and narrow types.
  void viewsAndDtypes() {
    const nw::nn::StateDict s = nw::io::read_torch_weights(kFixtures / "views-dtypes.pt");
    std::map<std::string, nw::Tensor> by_key(s.begin(), s.end());
    QCOMPARE(by_key.at("half").dtype(), nw::kFloat32);
    QCOMPARE(by_key.at("bfloat16").dtype(), nw::kFloat32);
    QCOMPARE(by_key.at("double").dtype(), nw::kFloat64);
    QCOMPARE(by_key.at("int32").to_vector<int64_t>(), (std::vector<int64_t>{-5, 7, 2147483647}));
    QCOMPARE(by_key.at("int8").to_vector<int64_t>(), (std::vector<int64_t>{-128, 0, 127}));
    QCOMPARE(by_key.at("uint8").to_vector<int64_t>(), (std::vector<int64_t>{0, 200, 255}));
    QCOMPARE(by_key.at("flags").dtype(), nw::kBool);
    QCOMPARE(by_key.at("bn.num_batches_tracked").dim(), int64_t(0));
    QCOMPARE(by_key.at("bn.num_batches_tracked").item<int64_t>(), int64_t(12345678901));
    QCOMPARE(by_key.at("empty").sizes(), (nw::Shape{0, 3}));
    // transposed = base.t(), sliced = base[2:5, 1:4]: element (i, j) of each, from shared_a.
    const std::vector<float> base = by_key.at("shared_a").to_vector<float>();
    const std::vector<float> t = by_key.at("transposed").to_vector<float>();
    const std::vector<float> sl = by_key.at("sliced").to_vector<float>();
    QCOMPARE(t[1 * 6 + 4], base[4 * 5 + 1]);
    QCOMPARE(sl[2 * 3 + 1], base[4 * 5 + 2]);
  }

  void refusesGlobals_data() {
    QTest::addColumn<QString>("global");
    QTest::addColumn<QString>("pickle");
    const auto row = [](const char* name, const std::string& value) {
      QTest::newRow(name) << QString(name) << QString::fromLatin1(value.data(), int(value.size()));
    };
    row("os.system", call("os", "system", "touch /tmp/nw-evil"));
    row("posix.system", call("posix", "system", "touch /tmp/nw-evil"));
    row("builtins.eval", call("builtins", "eval", "open('/tmp/nw-evil', 'w')"));
    row("builtins.getattr", call("builtins", "getattr", "x"));
    row("torch.storage._load_from_bytes", call("torch.storage", "_load_from_bytes", "x"));
    row("__main__.Evil", std::string("c__main__\nEvil\n)\x81"));
  }
  // Refused at the GLOBAL opcode, before anything could be called.
  void refusesGlobals() {
    QFETCH(QString, global);
    QFETCH(QString, pickle);
    const QByteArray bytes = pickle.toLatin1();
    const fs::path f = write(tmp_, "evil.pt", legacy_file(std::string(bytes.data(), bytes.size())));
    const std::string error = error_of(f);
    QVERIFY2(error.find("refuses global " + global.toStdString() + ":") != std::string::npos,
             error.c_str());
    QVERIFY2(error.find("pickle 4 (the state_dict), byte ") != std::string::npos, error.c_str());
  }

  // A legacy file made here: strides step through the storage; a dimension of size 1 may carry
  // any stride (it never steps), and one that would step outside is refused.
  void legacyStridesFromHere() {
    const fs::path f =
        write(tmp_, "strided.pt", legacy_file(tensor_value({2, 2}, {1, 2}), storage_0()));
    nw::nn::StateDict s = nw::io::read_torch_weights(f);
    QCOMPARE(s.at(0).second.to_vector<float>(), (std::vector<float>{1, 3, 2, 4}));
    const int64_t huge = std::numeric_limits<int64_t>::max();
    const fs::path g =
        write(tmp_, "size1.pt", legacy_file(tensor_value({1, 4}, {huge, 1}), storage_0()));
    s = nw::io::read_torch_weights(g);
    QCOMPARE(s.at(0).second.to_vector<float>(), (std::vector<float>{1, 2, 3, 4}));
    const fs::path h =
        write(tmp_, "outside.pt", legacy_file(tensor_value({2, 4}, {huge, 1}), storage_0()));
    const std::string error = error_of(h);
    QVERIFY2(error.find("key 'weight': the tensor reaches past element 2^63 (size (2, 4)") !=
                 std::string::npos,
             error.c_str());
  }

  // By content, not by name: a .pt named .bin is one; an HDF5 checkpoint named .pt is not, and
  // read_weights_file reads each as what it is.
  void detectsByContent() {
    const fs::path pt = fs::path(tmp_.path().toStdString()) / "weights.bin";
    const fs::path h5 = fs::path(tmp_.path().toStdString()) / "checkpoint.pt";
    fs::copy_file(kFixtures / "binary-classifier.pt", pt, fs::copy_options::overwrite_existing);
    fs::copy_file(kFixtures / "binary-classifier.h5", h5, fs::copy_options::overwrite_existing);
    QVERIFY(nw::io::is_torch_weights_file(pt));
    QVERIFY(!nw::io::is_torch_weights_file(h5));
    QVERIFY(nw::io::is_torch_weights_file(kCorpus / "legacy-truncated.pt"));
    expect_same(nw::io::read_weights_file(pt).model, nw::io::read_weights_file(h5).model);
    QCOMPARE(nw::io::read_weights_file(pt).model.size(), size_t(4));
  }

  void malformedCorpus_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    std::ifstream f(kCorpus / "EXPECTED.tsv");
    int rows = 0;
    for (std::string line; std::getline(f, line);) {
      const size_t tab = line.find('\t');
      if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
      QTest::newRow(line.substr(0, tab).c_str()) << QString::fromStdString(line.substr(0, tab))
                                                 << QString::fromStdString(line.substr(tab + 1));
      ++rows;
    }
    QVERIFY2(rows >= 10, "tests/corpus/pt/EXPECTED.tsv lists fewer than 10 files");
  }
  void malformedCorpus() {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const std::string error = error_of(kCorpus / file.toStdString());
    QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
    QVERIFY2(error.find((kCorpus / file.toStdString()).string()) == 0, error.c_str());
  }
};

QTEST_APPLESS_MAIN(TestTorchWeights)
#include "tst_torch_weights.moc"
