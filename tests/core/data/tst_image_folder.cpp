// The image-folder reader: PNG/JPEG files written here with stb_image_write, class order, resizing
// and channel conversion, decoding on loader workers, and damaged or inconsistent folders.
#include <QtTest>

#include <fstream>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

#include "data/data_error.h"
#include "data/dataloader.h"
#include "data/image_folder.h"
#include "data/image_io.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::data;

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

// A w x h RGB image whose pixel (y, x) is (r, g + x, b + y).
Bytes pixels(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  Bytes p;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) p.insert(p.end(), {r, uint8_t(g + x), uint8_t(b + y)});
  return p;
}

template <typename F>
QString message_of(F&& action) {
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

class TestImageFolder : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString at(const QString& name) const { return tmp_.filePath(name); }
  std::string path(const QString& name) const { return at(name).toStdString(); }

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  void resizeBilinearMatchesTorch() {
    // torch.nn.functional.interpolate(x, size, mode="bilinear", align_corners=False)
    Tensor up = resize_bilinear(tensor({{{0., 1.}, {2., 3.}}}), 4, 4);
    QVERIFY(up.allclose(tensor({{{0.0, 0.25, 0.75, 1.0},
                                 {0.5, 0.75, 1.25, 1.5},
                                 {1.5, 1.75, 2.25, 2.5},
                                 {2.0, 2.25, 2.75, 3.0}}})));
    Tensor down = resize_bilinear(arange(16, kFloat32).view({1, 4, 4}), 3, 2);
    QVERIFY(down.allclose(tensor({{{1.1666667, 3.1666667}, {6.5, 8.5}, {11.833333, 13.833333}}}),
                          1e-5, 1e-5));
  }

  void imageFolderReadsClassesInSortedOrder() {
    QDir root(at("images"));
    for (const char* d : {"zebra", "cat/nested", "cat/.hidden", ".git"}) QVERIFY(root.mkpath(d));
    const Bytes red = pixels(4, 4, 200, 10, 20);
    QVERIFY(stbi_write_png(path("images/zebra/b.png").c_str(), 4, 4, 3, red.data(), 12));
    QVERIFY(stbi_write_png(path("images/zebra/a.PNG").c_str(), 4, 4, 3, red.data(), 12));
    const Bytes big = pixels(8, 6, 50, 60, 70);
    QVERIFY(stbi_write_jpg(path("images/cat/nested/c.jpg").c_str(), 8, 6, 3, big.data(), 95));
    const Bytes grey(16, 128);
    QVERIFY(stbi_write_png(path("images/cat/d.png").c_str(), 4, 4, 1, grey.data(), 4));
    write_text(at("images/cat/notes.txt"), "not an image");
    QVERIFY(stbi_write_png(path("images/cat/.hidden/e.png").c_str(), 4, 4, 1, grey.data(), 4));

    ImageFolder folder(path("images"), ImageFolderOptions().size(4, 4));
    QCOMPARE(folder.classes(), (std::vector<std::string>{"cat", "zebra"}));
    QCOMPARE(folder.size(), 4);
    QVERIFY(QString::fromStdString(folder.path(0)).endsWith("cat/d.png"));
    QVERIFY(QString::fromStdString(folder.path(1)).endsWith("cat/nested/c.jpg"));
    QVERIFY(QString::fromStdString(folder.path(2)).endsWith("zebra/a.PNG"));

    TensorDataset ds = folder.load();
    QCOMPARE(ds.data().sizes(), (Shape{4, 3, 4, 4}));
    QCOMPARE(ds.targets().to_vector<int64_t>(), (std::vector<int64_t>{0, 0, 1, 1}));
    // PNG is lossless: pixel (y=1, x=2) of a.PNG is (200, 12, 21) / 255, grey repeats in RGB.
    Tensor a = ds.data()[2];
    QCOMPARE(a.index({0, 1, 2}).item<float>(), 200 / 255.0f);
    QCOMPARE(a.index({1, 1, 2}).item<float>(), 12 / 255.0f);
    QCOMPARE(a.index({2, 1, 2}).item<float>(), 21 / 255.0f);
    QCOMPARE(ds.data()[0].index({2, 3, 3}).item<float>(), 128 / 255.0f);

    TensorDataset grey1 =
        read_image_folder(path("images"), ImageFolderOptions().size(3, 5).channels(1));
    QCOMPARE(grey1.data().sizes(), (Shape{4, 1, 3, 5}));

    // Decoding on worker threads gives what load() gives.
    DataLoader loader(std::make_shared<ImageFolder>(folder), DataLoaderOptions(3).num_workers(2));
    std::vector<Tensor> parts;
    for (const auto& [x, y] : loader) parts.push_back(x);
    QVERIFY(cat(parts).equal(ds.data()));
  }

  void imageFolderErrorsNameTheFile() {
    QString msg = message_of([&] { ImageFolder(path("no-such-folder")); });
    QVERIFY2(msg.contains("no-such-folder") && msg.contains("is not a folder"), qPrintable(msg));
    QDir root(at("flat"));
    QVERIFY(root.mkpath("."));
    msg = message_of([&] { ImageFolder(path("flat")); });
    QVERIFY2(msg.contains("has no subfolders"), qPrintable(msg));
    QVERIFY(root.mkpath("empty"));
    msg = message_of([&] { ImageFolder(path("flat")); });
    QVERIFY2(msg.contains("class folder 'empty' holds no images"), qPrintable(msg));

    QDir broken(at("broken"));
    QVERIFY(broken.mkpath("ok"));
    const Bytes red = pixels(4, 4, 200, 10, 20);
    QVERIFY(stbi_write_png(path("broken/ok/good.png").c_str(), 4, 4, 3, red.data(), 12));
    Bytes png = read_file(at("broken/ok/good.png"));
    write_file(at("broken/ok/half.png"),
               Bytes(png.begin(), png.begin() + ptrdiff_t(png.size() / 2)));
    msg = message_of([&] { read_image_folder(path("broken")); });
    QVERIFY2(msg.contains("half.png") && msg.contains("cannot be decoded"), qPrintable(msg));

    QDir mixed(at("mixed"));
    QVERIFY(mixed.mkpath("a"));
    QVERIFY(stbi_write_png(path("mixed/a/1.png").c_str(), 4, 4, 3, red.data(), 12));
    const Bytes wide = pixels(6, 4, 1, 2, 3);
    QVERIFY(stbi_write_png(path("mixed/a/2.png").c_str(), 6, 4, 3, wide.data(), 18));
    msg = message_of([&] { read_image_folder(path("mixed")); });
    QVERIFY2(msg.contains("(3, 4, 6)") && msg.contains("size(h, w)"), qPrintable(msg));
  }
};

QTEST_APPLESS_MAIN(TestImageFolder)
#include "tst_image_folder.moc"
