// Readers: IDX (raw and gzipped), CSV and HDF5, each on small files written here,
// plus truncated and malformed files (a DataError naming the file, never a crash or a partial
// result), and the real Fashion-MNIST when Debian's package is installed.
#include <QtTest>

#include <hdf5.h>

#include <fstream>
#include <functional>
#include <iterator>

#include "data/csv.h"
#include "data/data_error.h"
#include "data/fashion_mnist.h"
#include "data/hdf5_reader.h"
#include "data/idx.h"
#include "data/statistics.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::data;

using Action = std::function<void()>;
Q_DECLARE_METATYPE(Action)

namespace {

using Bytes = std::vector<uint8_t>;

void write_file(const QString& path, const Bytes& bytes) {
  std::ofstream f(path.toStdString(), std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

void write_text(const QString& path, const std::string& text) {
  write_file(path, Bytes(text.begin(), text.end()));
}

Bytes read_file(const QString& path) {
  std::ifstream f(path.toStdString(), std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

// An IDX file: magic, big-endian sizes, then the payload as given.
Bytes idx(uint8_t type, const std::vector<uint32_t>& dims, const Bytes& payload) {
  Bytes b{0, 0, type, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(d >> s));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// gzip -c -n: a real compressor, so the reader meets ordinary deflate streams.
bool gzip(const QString& src, const QString& dst) {
  QProcess p;
  p.setStandardOutputFile(dst);
  p.start("gzip", {"-c", "-n", src});
  return p.waitForFinished() && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

void write_h5(const QString& path, const std::function<void(hid_t)>& fill) {
  hid_t f = H5Fcreate(path.toUtf8().constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  fill(f);
  H5Fclose(f);
}

template <typename T>
void h5_dataset(hid_t loc, const char* name, hid_t type, const std::vector<hsize_t>& dims,
                const std::vector<T>& values) {
  hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  hid_t ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(ds);
  H5Sclose(space);
}

QString message_of(const Action& action) {
  try {
    action();
  } catch (const DataError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return QString("(wrong exception type) ") + e.what();
  }
  return "(no exception)";
}

}  // namespace

class TestReaders : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString at(const QString& name) const { return tmp_.filePath(name); }
  std::string path(const QString& name) const { return at(name).toStdString(); }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    // Three 2x2 images and their labels, raw and gzipped.
    write_file(at("img-idx3-ubyte"),
               idx(0x08, {3, 2, 2}, {0, 51, 102, 255, 1, 2, 3, 4, 9, 8, 7, 6}));
    write_file(at("lbl-idx1-ubyte"), idx(0x08, {3}, {9, 0, 4}));
    QVERIFY(gzip(at("img-idx3-ubyte"), at("img-idx3-ubyte.gz")));
    QVERIFY(gzip(at("lbl-idx1-ubyte"), at("lbl-idx1-ubyte.gz")));
  }

  void idxRawAndGzippedGiveTheSameDataset() {
    for (const char* ext : {"", ".gz"}) {
      TensorDataset ds = read_idx_dataset(path(QString("img-idx3-ubyte") + ext),
                                          path(QString("lbl-idx1-ubyte") + ext));
      QCOMPARE(ds.data().sizes(), (Shape{3, 1, 2, 2}));
      QCOMPARE(ds.data().dtype(), kFloat32);
      QCOMPARE(ds.data()[0].to_vector<float>(),
               (std::vector<float>{0.0f, 51 / 255.0f, 102 / 255.0f, 1.0f}));
      QCOMPARE(ds.targets().dtype(), kInt64);
      QCOMPARE(ds.targets().to_vector<int64_t>(), (std::vector<int64_t>{9, 0, 4}));
    }
    Tensor raw = read_idx(path("img-idx3-ubyte.gz"));
    QCOMPARE(raw.dtype(), kUInt8);
    QCOMPARE(raw.sizes(), (Shape{3, 2, 2}));
  }

  void idxReadsWiderTypesBigEndian() {
    write_file(at("int.idx"), idx(0x0C, {2}, {0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 1, 0}));
    QCOMPARE(read_idx(path("int.idx")).to_vector<int64_t>(), (std::vector<int64_t>{-2, 256}));
    write_file(at("short.idx"), idx(0x0B, {1, 1}, {0x80, 0x00}));
    QCOMPARE(read_idx(path("short.idx")).item<int64_t>(), int64_t(-32768));
    write_file(at("float.idx"), idx(0x0D, {1}, {0x3F, 0xC0, 0, 0}));  // 1.5f
    QCOMPARE(read_idx(path("float.idx")).item<float>(), 1.5f);
    QCOMPARE(read_idx(path("float.idx")).dtype(), kFloat32);
  }

  void malformedIdxFilesNameTheProblem_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");  // empty: the file is prepared by the row below
    QTest::addColumn<QStringList>("fragments");
    auto bytes = [](const Bytes& b) {
      return QByteArray(reinterpret_cast<const char*>(b.data()), qsizetype(b.size()));
    };
    QTest::newRow("bad magic") << "zip.idx" << QByteArray("PK\x03\x04 not idx")
                               << QStringList{"zip.idx", "is not an IDX file", "50 4b 03 04"};
    QTest::newRow("unknown type") << "type.idx" << bytes(idx(0x07, {1}, {1}))
                                  << QStringList{"type.idx", "unknown IDX type code 0x07",
                                                 "offset 2"};
    QTest::newRow("no dimensions")
        << "nodims.idx" << bytes({0, 0, 8, 0}) << QStringList{"nodims.idx", "0 dimensions"};
    QTest::newRow("truncated header")
        << "header.idx" << bytes({0, 0, 8, 3, 0, 0, 0})
        << QStringList{"header.idx", "truncated inside its header", "16 bytes"};
    QTest::newRow("truncated data") << "short.idx" << bytes(idx(0x08, {10, 28, 28}, Bytes(100, 7)))
                                    << QStringList{"short.idx", "is truncated", "(10, 28, 28)",
                                                   "7856 bytes", "holds 116 bytes"};
    QTest::newRow("trailing bytes")
        << "long.idx" << bytes(idx(0x08, {2}, {1, 2, 3}))
        << QStringList{"long.idx", "trailing bytes", "10 bytes in all", "holds 11 bytes"};
    // Found by fuzz/fuzz_data: a zero size let the sizes after it grow past int64 unchecked.
    QTest::newRow("zero then huge sizes")
        << "zero.idx"
        << bytes({0, 0, 8, 4, 0, 0, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 0, 0})
        << QStringList{"zero.idx", "implausible size 1073741824 for dimension 2"};
    QTest::newRow("missing file") << "missing.idx" << QByteArray()
                                  << QStringList{"missing.idx", "cannot open", "No such file"};
  }
  void malformedIdxFilesNameTheProblem() {
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(QStringList, fragments);
    if (!content.isEmpty()) write_file(at(file), Bytes(content.begin(), content.end()));
    const QString msg = message_of([&] { read_idx(path(file)); });
    for (const QString& f : fragments) QVERIFY2(msg.contains(f), qPrintable(msg));
  }

  void damagedGzipIsACleanError() {
    Bytes gz = read_file(at("img-idx3-ubyte.gz"));
    write_file(at("cut.gz"), Bytes(gz.begin(), gz.begin() + ptrdiff_t(gz.size() / 2)));
    QString msg = message_of([&] { read_idx(path("cut.gz")); });
    QVERIFY2(msg.contains("cut.gz") && msg.contains("truncated gzip"), qPrintable(msg));
    Bytes bad = gz;
    for (size_t i = 12; i < bad.size() - 8; ++i) bad[i] ^= 0x5A;
    write_file(at("bad.gz"), bad);
    msg = message_of([&] { read_idx(path("bad.gz")); });
    QVERIFY2(msg.contains("bad.gz") && msg.contains("gzip"), qPrintable(msg));
  }

  void idxDatasetChecksThePair() {
    write_file(at("two-labels"), idx(0x08, {2}, {1, 2}));
    QString msg = message_of([&] { read_idx_dataset(path("img-idx3-ubyte"), path("two-labels")); });
    QVERIFY2(msg.contains("3 images") && msg.contains("2 labels"), qPrintable(msg));
    msg = message_of([&] { read_idx_dataset(path("lbl-idx1-ubyte"), path("lbl-idx1-ubyte")); });
    QVERIFY2(msg.contains("lbl-idx1-ubyte") && msg.contains("(N, H, W)"), qPrintable(msg));
  }

  void csvWithHeaderAndTextLabels() {
    write_text(at("iris.csv"),
               "sepal_length,species,petal_width\n5.1,setosa,0.2\n7.0,versicolor,1.4\n"
               "4.9,setosa,0.2\n6.3,virginica,2.5\n");
    CsvData d = read_csv(path("iris.csv"), CsvOptions().label_column("species"));
    QCOMPARE(d.features.sizes(), (Shape{4, 2}));
    QCOMPARE(d.features[1].to_vector<float>(), (std::vector<float>{7.0f, 1.4f}));
    QCOMPARE(d.feature_names, (std::vector<std::string>{"sepal_length", "petal_width"}));
    QCOMPARE(d.label_name, std::string("species"));
    QCOMPARE(d.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
    QCOMPARE(d.labels.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 0, 2}));
    QCOMPARE(d.dataset().size(), 4);
    // Detected header, label by index (1).
    QCOMPARE(read_csv(path("iris.csv"), CsvOptions().label_column(1)).class_names.size(),
             size_t(3));
  }

  void csvWithoutHeaderUsesTheLastColumn() {
    write_text(at("plain.csv"), "1,2,0\n3,4,1\n-5.5,6e1,1\n\n");
    CsvData d = read_csv(path("plain.csv"));
    QCOMPARE(d.features.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, -5.5f, 60}));
    QCOMPARE(d.labels.dtype(), kInt64);
    QCOMPARE(d.labels.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 1}));
    QCOMPARE(d.feature_names, (std::vector<std::string>{"column 0", "column 1"}));
    // Fractional labels are a regression target.
    CsvData r = read_csv(path("plain.csv"), CsvOptions().label_column(0));
    QCOMPARE(r.labels.dtype(), kFloat32);
    QCOMPARE(r.labels.to_vector<float>(), (std::vector<float>{1, 3, -5.5f}));
    CsvData all = read_csv(path("plain.csv"), CsvOptions().no_labels());
    QCOMPARE(all.features.sizes(), (Shape{3, 3}));
    QVERIFY(!all.labels.defined());
  }

  void csvQuotesCrlfBomAndDelimiter() {
    write_text(at("excel.csv"),
               "\xEF\xBB\xBF\"width; cm\";\"label\"\r\n\"1,5\";\"a \"\"b\"\"\"\r\n 2 ;c\r\n");
    // "1,5" is not a number with ';' as the delimiter: the error names it.
    QString msg = message_of([&] { read_csv(path("excel.csv"), CsvOptions().delimiter(';')); });
    QVERIFY2(msg.contains("line 2") && msg.contains("'width; cm'") && msg.contains("'1,5'"),
             qPrintable(msg));
    write_text(at("excel2.csv"),
               "\xEF\xBB\xBF\"width; cm\";\"label\"\r\n\"1.5\";\"a \"\"b\"\"\"\r\n 2 ;c\r\n");
    CsvData d = read_csv(path("excel2.csv"), CsvOptions().delimiter(';'));
    QCOMPARE(d.feature_names, (std::vector<std::string>{"width; cm"}));
    QCOMPARE(d.features.to_vector<float>(), (std::vector<float>{1.5f, 2.0f}));
    QCOMPARE(d.class_names, (std::vector<std::string>{"a \"b\"", "c"}));
  }

  void csvErrorsNameRowAndColumn_data() {
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("label");
    QTest::addColumn<QStringList>("fragments");
    QTest::newRow("bad value") << "a,b,y\n1,2,0\n3,x7,1\n"
                               << ""
                               << QStringList{"line 3 (data row 2)", "column 'b' (index 1)",
                                              "'x7' is not a number"};
    QTest::newRow("missing value")
        << "1,2,0\n3,,1\n"
        << "" << QStringList{"line 2 (data row 2)", "column index 1", "missing"};
    QTest::newRow("short row") << "a,b,y\n1,2,0\n3,1\n"
                               << "" << QStringList{"line 3", "has 2 fields but the header has 3"};
    QTest::newRow("unknown label name")
        << "a,b,y\n1,2,0\n"
        << "label" << QStringList{"no column named 'label'", "'a', 'b', 'y'"};
    QTest::newRow("missing label")
        << "a,b,y\n1,2,0\n3,4,\n"
        << ""
        << QStringList{"line 3 (data row 2)", "label column 'y' (index 2)", "label is missing"};
    QTest::newRow("empty file") << ""
                                << "" << QStringList{"is empty"};
    QTest::newRow("header only") << "a,b,y\n"
                                 << "" << QStringList{"no data rows"};
  }
  void csvErrorsNameRowAndColumn() {
    QFETCH(QString, content);
    QFETCH(QString, label);
    QFETCH(QStringList, fragments);
    write_text(at("bad.csv"), content.toStdString());
    CsvOptions o = label.isEmpty() ? CsvOptions() : CsvOptions().label_column(label.toStdString());
    const QString msg = message_of([&] { read_csv(path("bad.csv"), o); });
    QVERIFY2(msg.contains("bad.csv"), qPrintable(msg));
    for (const QString& f : fragments) QVERIFY2(msg.contains(f), qPrintable(msg));
    QString idx_msg = message_of([&] { read_csv(path("bad.csv"), CsvOptions().label_column(7)); });
    QVERIFY(idx_msg.contains("bad.csv"));
  }

  void hdf5ReadsFeaturesAndLabels() {
    write_h5(at("data.h5"), [](hid_t f) {
      std::vector<double> x(4 * 2 * 3);
      for (size_t i = 0; i < x.size(); ++i) x[i] = double(i) / 4;
      h5_dataset(f, "features", H5T_NATIVE_DOUBLE, {4, 2, 3}, x);
      h5_dataset(f, "labels", H5T_NATIVE_INT32, {4}, std::vector<int32_t>{3, 1, 4, 1});
      hid_t g = H5Gcreate2(f, "train", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      h5_dataset(g, "y", H5T_NATIVE_FLOAT, {4}, std::vector<float>{0.5f, 1, 2, 3});
      H5Gclose(g);
    });
    TensorDataset ds = read_hdf5(path("data.h5"));
    QCOMPARE(ds.data().sizes(), (Shape{4, 2, 3}));
    QCOMPARE(ds.data().dtype(), kFloat32);
    QCOMPARE(ds.data()[1][1].to_vector<float>(), (std::vector<float>{2.25f, 2.5f, 2.75f}));
    QCOMPARE(ds.targets().dtype(), kInt64);
    QCOMPARE(ds.targets().to_vector<int64_t>(), (std::vector<int64_t>{3, 1, 4, 1}));
    TensorDataset nested = read_hdf5(path("data.h5"), "/features", "/train/y");
    QCOMPARE(nested.targets().dtype(), kFloat32);
    QCOMPARE(read_hdf5_tensor(path("data.h5"), "features", true).dtype(), kFloat64);
    QCOMPARE(hdf5_dataset_names(path("data.h5")),
             (std::vector<std::string>{"/features", "/labels", "/train/y"}));
  }

  // Found by fuzz/fuzz_data: a damaged header declared about 2^58 bytes, and the reader tried
  // to allocate them. The fuzzer's input is the file behind one byte that picks the reader.
  void hdf5DeclaringMoreThanTheFileHoldsIsRefused() {
    std::ifstream in(NW_FIXTURE_DIR "/../../fuzz/regressions/data/hdf5-declares-2-pow-58-bytes",
                     std::ios::binary);
    QVERIFY(in.good());
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    QCOMPARE(bytes.front(), 'H');
    std::ofstream(path("declares-too-much.h5"), std::ios::binary) << bytes.substr(1);
    const QString msg = message_of([&] { read_hdf5(path("declares-too-much.h5")); });
    QVERIFY2(
        msg.contains("declares-too-much.h5") && msg.contains("bytes for it; the file is damaged"),
        qPrintable(msg));
  }

  void hdf5ErrorsNameFileAndDataset() {
    write_h5(at("uneven.h5"), [](hid_t f) {
      h5_dataset(f, "x", H5T_NATIVE_FLOAT, {3, 2}, std::vector<float>(6, 1));
      h5_dataset(f, "y", H5T_NATIVE_INT64, {2}, std::vector<int64_t>{0, 1});
    });
    QString msg = message_of([&] { read_hdf5(path("uneven.h5")); });
    QVERIFY2(msg.contains("uneven.h5") && msg.contains("no dataset 'features'") &&
                 msg.contains("'/x', '/y'"),
             qPrintable(msg));
    msg = message_of([&] { read_hdf5(path("uneven.h5"), "x", "y"); });
    QVERIFY2(msg.contains("(3, 2)") && msg.contains("(2,)"), qPrintable(msg));
    msg = message_of([&] { read_hdf5(path("uneven.h5"), "x", "/nogroup/y"); });
    QVERIFY2(msg.contains("no dataset '/nogroup/y'"), qPrintable(msg));
    write_text(at("text.h5"), "this is not HDF5\n");
    msg = message_of([&] { read_hdf5(path("text.h5")); });
    QVERIFY2(msg.contains("text.h5") && msg.contains("not an HDF5 file"), qPrintable(msg));
    Bytes whole = read_file(at("uneven.h5"));
    write_file(at("cut.h5"), Bytes(whole.begin(), whole.begin() + ptrdiff_t(whole.size() / 2)));
    msg = message_of([&] { read_hdf5(path("cut.h5"), "x", "y"); });
    QVERIFY2(msg.contains("cut.h5") && (msg.contains("truncated") || msg.contains("damaged")),
             qPrintable(msg));
    msg = message_of([&] { read_hdf5(path("nowhere.h5")); });
    QVERIFY2(msg.contains("nowhere.h5") && msg.contains("cannot be opened"), qPrintable(msg));
  }

  void fashionMnistMissingSaysHowToGetIt() {
    QString msg = message_of([&] { fashion_mnist(Split::Train, path("")); });
    QVERIFY2(msg.contains("train-images-idx3-ubyte") && msg.contains(at("")) &&
                 msg.contains("apt-get install dataset-fashion-mnist"),
             qPrintable(msg));
    QVERIFY(!fashion_mnist_available(Split::Test, path("")));
  }

  void realFashionMnist() {
    if (!fashion_mnist_available(Split::Train) || !fashion_mnist_available(Split::Test))
      QSKIP("Fashion-MNIST is not installed; apt-get install dataset-fashion-mnist to run this");
    TensorDataset train = fashion_mnist(Split::Train), test = fashion_mnist(Split::Test);
    QCOMPARE(train.size(), 60000);
    QCOMPARE(test.size(), 10000);
    QCOMPARE(train.data().sizes(), (Shape{60000, 1, 28, 28}));
    QCOMPARE(train.targets().index({0}).item<int64_t>(), int64_t(9));  // an ankle boot
    QCOMPARE(fashion_mnist_classes()[9], std::string("Ankle boot"));
    QVERIFY(train.data().min().item() >= 0 && train.data().max().item() <= 1);
    MeanStd s = channel_mean_std(train);
    QVERIFY2(std::abs(s.mean[0] - 0.2860) < 5e-4, qPrintable(QString::number(s.mean[0])));
    QVERIFY2(std::abs(s.std[0] - 0.3530) < 5e-4, qPrintable(QString::number(s.std[0])));
    std::vector<int64_t> counts(10, 0);
    for (int64_t y : test.targets().to_vector<int64_t>()) ++counts[size_t(y)];
    QCOMPARE(counts, std::vector<int64_t>(10, 1000));
  }
};

QTEST_APPLESS_MAIN(TestReaders)
#include "tst_readers.moc"
