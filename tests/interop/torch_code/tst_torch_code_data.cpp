// The data half of generated PyTorch code: each data source kind's reader, and the
// deterministic transforms, give the samples and targets Netwright's own readers give, on small
// files written here (IDX gzipped, CSV with a header and word labels, HDF5, a PNG image folder)
// and on the installed Fashion-MNIST test split.
#include <fstream>

#include <hdf5.h>
#include <zlib.h>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

#include "data/fashion_mnist.h"
#include "interop/torch_code.h"
#include "io/catalog.h"
#include "io/checkpoint.h"
#include "io/project.h"
#include "tensor/ops.h"

using namespace nw;
using json = nlohmann::json;

namespace {

void write_gzip(const std::filesystem::path& path, const std::string& bytes) {
  gzFile f = gzopen(path.string().c_str(), "wb");
  QVERIFY(f);
  QCOMPARE(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
  gzclose(f);
}

// An IDX file of unsigned bytes: magic 0x0000080N, big-endian sizes, values i * 37 % 256.
std::string idx_bytes(const std::vector<uint32_t>& dims) {
  std::string b = {0, 0, 8, char(dims.size())};
  size_t n = 1;
  for (uint32_t d : dims) {
    for (int s = 24; s >= 0; s -= 8) b += char((d >> s) & 0xff);
    n *= d;
  }
  for (size_t i = 0; i < n; ++i) b += char(dims.size() == 1 ? i % 3 : i * 37 % 256);
  return b;
}

void write_hdf5(const std::filesystem::path& path) {
  const hid_t file = H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t xdims[2] = {5, 3}, ydims[1] = {5};
  const float x[15] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15.5f};
  const int64_t y[5] = {0, 1, 2, 1, 0};
  const hid_t xs = H5Screate_simple(2, xdims, nullptr), ys = H5Screate_simple(1, ydims, nullptr);
  const hid_t xd =
      H5Dcreate2(file, "inputs", H5T_IEEE_F32LE, xs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t yd =
      H5Dcreate2(file, "classes", H5T_STD_I64LE, ys, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(xd, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, x);
  H5Dwrite(yd, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, y);
  H5Dclose(xd);
  H5Dclose(yd);
  H5Sclose(xs);
  H5Sclose(ys);
  H5Fclose(file);
}

// Two classes of 4x3 RGB and grey-alpha PNGs (the reader turns both into `channels`).
void write_images(const std::filesystem::path& root) {
  for (const char* cls : {"cat", "dog"}) {
    std::filesystem::create_directories(root / cls);
    for (int i = 0; i < 2; ++i) {
      const int channels = i == 0 ? 3 : 2;
      std::vector<unsigned char> px(size_t(4 * 3 * channels));
      for (size_t k = 0; k < px.size(); ++k) px[k] = (unsigned char)(k * 29 + i * 7 + cls[0]);
      const auto file = root / cls / ("img" + std::to_string(i) + ".png");
      QVERIFY(stbi_write_png(file.string().c_str(), 4, 3, channels, px.data(), 4 * channels));
    }
  }
}

}  // namespace

class TestTorchCodeData : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    const std::filesystem::path d = dir_.path().toStdString();
    write_gzip(d / "images-idx3-ubyte.gz", idx_bytes({6, 5, 4}));
    write_gzip(d / "labels-idx1-ubyte.gz", idx_bytes({6}));
    std::ofstream(d / "table.csv") << "a,b,kind,c\n1.5,2,cat,3\n4,5,dog,6.25\n7,8,cat,9\n";
    std::ofstream(d / "numbers.csv") << "1,2,0.5\n3,4,1.5\n";
    write_hdf5(d / "data.h5");
    write_images(d / "images");
  }

  void source_data() {
    QTest::addColumn<QString>("data");
    QTest::newRow("idx, gzipped, scaled") << R"({"train": {"source": "idx",
      "images": "images-idx3-ubyte.gz", "labels": "labels-idx1-ubyte.gz"},
      "transforms": [{"type": "normalize", "mean": 0.5, "std": 0.25}]})";
    QTest::newRow("csv with words, columns by name") << R"({"train": {"source": "csv",
      "path": "table.csv", "label": "kind", "features": ["c", "a"]}})";
    QTest::newRow("csv without header, real targets") << R"({"train": {"source": "csv",
      "path": "numbers.csv"}, "transforms": [{"type": "scale", "max_value": 2.0}]})";
    QTest::newRow("hdf5, classes kept") << R"({"train": {"source": "hdf5", "path": "data.h5",
      "x": "inputs", "y": "classes", "classes": [2, 1]}})";
    QTest::newRow("image folder, grey") << R"({"train": {"source": "image-folder",
      "path": "images", "channels": 1}})";
    QTest::newRow("image folder, RGBA resized") << R"({"train": {"source": "image-folder",
      "path": "images", "channels": 4, "size": [5, 2]}})";
    QTest::newRow("image folder, RGB per-channel normalize") << R"({"train": {"source":
      "image-folder", "path": "images", "channels": 3},
      "transforms": [{"type": "normalize", "mean": [0.1, 0.2, 0.3], "std": [0.5, 1, 2]}]})";
    if (data::fashion_mnist_available(data::Split::Test, ""))
      QTest::newRow("fashion-mnist test split, limit") << R"({"test": {"source": "fashion-mnist",
        "split": "test", "limit": 300}, "train": {"source": "fashion-mnist", "split": "test",
        "classes": [9, 3], "limit": 500}})";
  }

  void source() {
    QFETCH(QString, data);
    const std::filesystem::path d = dir_.path().toStdString();
    const json project_json = {
        {"netwright", 1},
        {"name", "Data"},
        {"graph",
         {{"nodes", {{{"id", "input"}, {"type", "Input"}, {"params", {{"shape", {1}}}}}}},
          {"edges", json::array()}}},
        {"data", json::parse(data.toStdString())}};
    const io::Project project = io::project_from_json(project_json, d);
    const io::Datasets sets = io::open_datasets(project.data, d, 0);
    std::vector<Tensor> xs, ys;
    for (int64_t i = 0; i < sets.train->size(); ++i) {
      const data::Example e = sets.train->get(i);
      xs.push_back(e.data);
      ys.push_back(e.target);
    }
    io::Checkpoint expected;
    expected.model = {{"x", stack(xs)}, {"y", stack(ys)}};
    io::write_checkpoint(d / "expected.h5", expected);

    // The script's reader expression, as its main() writes it.
    const std::string script = interop::torch_code(project);
    const size_t at = script.find("    x_train, y_train = ");
    QVERIFY(at != std::string::npos);
    size_t end = at;  // the statement ends at the next line indented 4, not 8
    do end = script.find('\n', end + 1);
    while (script.compare(end + 1, 8, std::string(8, ' ')) == 0);
    std::string source = script.substr(at + 23, end - at - 23);
    for (size_t nl; (nl = source.find('\n')) != std::string::npos;) source.erase(nl, 9);
    const std::filesystem::path file = d / "data.py";
    std::ofstream(file) << script;
    std::string filter;
    if (project.data.train->spec.contains("classes"))
      filter = "keep_classes(*" + source + ", " + project.data.train->spec["classes"].dump() + ")";
    if (project.data.train->spec.contains("limit")) {
      const std::string n = project.data.train->spec["limit"].dump();
      filter = "(lambda x, y: (x[:" + n + "], y[:" + n + "]))(*" +
               (filter.empty() ? source : filter) + ")";
    }

    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start("/usr/bin/python3", {NW_TORCH_DATA_CHECKER, QString::fromStdString(file.string()),
                                      QString::fromStdString(filter.empty() ? source : filter),
                                      QString::fromStdString((d / "expected.h5").string())});
    QVERIFY2(python.waitForFinished(120000), "check_torch_data.py did not finish in 120 s");
    const QString said = QString::fromUtf8(python.readAll());
    qInfo().noquote() << said.trimmed();
    QVERIFY2(python.exitCode() == 0, qPrintable(said));
  }

 private:
  QTemporaryDir dir_;
};

QTEST_APPLESS_MAIN(TestTorchCodeData)
#include "tst_torch_code_data.moc"
