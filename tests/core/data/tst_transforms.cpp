// Per-sample transforms: their values, their reproducibility from (seed, sample, epoch), the
// Transformed wrapper under a multi-worker loader, and the mean/std helper.
#include <QtTest>

#include <cmath>
#include <set>

#include "data/data_error.h"
#include "data/dataloader.h"
#include "data/statistics.h"
#include "data/tensor_dataset.h"
#include "data/transformed.h"
#include "data/transforms.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::data;

namespace {

// A (1, 4, 5) image whose pixel (y, x) holds 10 * y + x + 1, so every position is recognisable.
Tensor ramp() {
  return (arange(4, kFloat32).view({4, 1}) * 10.0 + arange(5, kFloat32) + 1.0).view({1, 4, 5});
}

template <typename F>
QString data_error(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no DataError)";
}

}  // namespace

class TestTransforms : public QObject {
  Q_OBJECT
 private slots:
  void scaleTo01ConvertsBytes() {
    Tensor x = tensor({0, 51, 255}).to(kUInt8);
    Tensor y = ScaleTo01().apply(x, {});
    QCOMPARE(y.dtype(), kFloat32);
    QCOMPARE(y.to_vector<float>(), (std::vector<float>{0.0f, 0.2f, 1.0f}));
  }

  void normalizeWorksPerChannel() {
    Tensor x = ones({2, 2, 2});
    x[1].fill_(3);
    Tensor y = Normalize({1.0, 2.0}, {0.5, 0.25}).apply(x, {});
    QCOMPARE(y[0].to_vector<float>(), std::vector<float>(4, 0.0f));
    QCOMPARE(y[1].to_vector<float>(), std::vector<float>(4, 4.0f));
    Tensor z = Normalize({0.2860}, {0.3530}).apply(full({1, 2, 2}, 0.2860), {});
    QVERIFY(z.abs().max().item() < 1e-6);
    QString msg = data_error([] { Normalize({0, 0, 0}, {1, 1, 1}).apply(ones({2, 4, 4}), {}); });
    QVERIFY2(msg.contains("3 channel values") && msg.contains("(2, 4, 4)"), qPrintable(msg));
    QVERIFY_THROWS_EXCEPTION(DataError, Normalize({0}, {0}));
  }

  void horizontalFlipMirrorsRows() {
    Tensor x = ramp();
    Tensor always = RandomHorizontalFlip(1.0).apply(x, {});
    QCOMPARE(always[0][0].to_vector<float>(), (std::vector<float>{5, 4, 3, 2, 1}));
    QVERIFY(RandomHorizontalFlip(0.0).apply(x, {}).equal(x));
    QCOMPARE(x[0][0][0].item<float>(), 1.0f);  // the input is left as it was
  }

  void flipDrawsFromSeedSampleAndEpoch() {
    RandomHorizontalFlip flip(0.5);
    Tensor x = ramp();
    auto flipped = [&](uint64_t seed, int64_t index, int64_t epoch) {
      return !flip.apply(x, {seed, index, epoch, 0}).equal(x);
    };
    int count = 0, changed_by_epoch = 0, same_again = 0;
    for (int64_t i = 0; i < 1000; ++i) {
      count += flipped(3, i, 0);
      changed_by_epoch += flipped(3, i, 0) != flipped(3, i, 1);
      same_again += flipped(3, i, 0) == flipped(3, i, 0);
    }
    QCOMPARE(same_again, 1000);
    QVERIFY2(count > 430 && count < 570, qPrintable(QString::number(count)));
    QVERIFY2(changed_by_epoch > 400, qPrintable(QString::number(changed_by_epoch)));
  }

  void randomCropCutsAPaddedWindow() {
    Tensor x = ramp();
    QVERIFY(RandomCrop(4, 5, 0).apply(x, {}).equal(x));  // full size, no padding: identity
    RandomCrop crop(4, 5, 2);
    std::set<std::pair<int64_t, int64_t>> offsets;
    for (int64_t i = 0; i < 200; ++i) {
      Tensor y = crop.apply(x, {9, i, 0, 0});
      QCOMPARE(y.sizes(), (Shape{1, 4, 5}));
      QVERIFY(y.equal(crop.apply(x, {9, i, 0, 0})));
      // Any window onto the padded image: non-zero pixels keep their neighbours' layout.
      const std::vector<float> v = y.to_vector<float>();
      int64_t dy = 0, dx = 0;
      bool found = false;
      for (int64_t p = 0; p < 20 && !found; ++p)
        if (v[size_t(p)] != 0) {
          const int64_t src = int64_t(v[size_t(p)]) - 1;
          dy = src / 10 - p / 5;
          dx = src % 10 - p % 5;
          found = true;
        }
      QVERIFY(found);  // a 4x5 window with padding 2 always overlaps the 4x5 image
      for (int64_t p = 0; p < 20; ++p) {
        const int64_t sy = p / 5 + dy, sx = p % 5 + dx;
        const float want = (sy >= 0 && sy < 4 && sx >= 0 && sx < 5) ? float(10 * sy + sx + 1) : 0;
        QCOMPARE(v[size_t(p)], want);
      }
      offsets.insert({dy, dx});
    }
    QCOMPARE(offsets.size(), size_t(25));  // every shift in [-2, 2] x [-2, 2] occurs
    QString msg = data_error([&] { RandomCrop(10, 0).apply(x, {}); });
    QVERIFY2(msg.contains("10x10") && msg.contains("4x5"), qPrintable(msg));
  }

  void composeGivesEachTransformItsOwnStream() {
    auto two_flips = compose(
        {std::make_shared<RandomHorizontalFlip>(0.5), std::make_shared<RandomHorizontalFlip>(0.5)});
    Tensor x = ramp();
    int flipped = 0;
    for (int64_t i = 0; i < 400; ++i) flipped += !two_flips->apply(x, {1, i, 0, 0}).equal(x);
    // Independent flips cancel half the time; flips drawn alike would always cancel.
    QVERIFY2(flipped > 150 && flipped < 250, qPrintable(QString::number(flipped)));
    QVERIFY(two_flips->repr().find("RandomHorizontalFlip(p=0.5)") != std::string::npos);
  }

  void transformedDatasetIsIdenticalAcrossWorkers() {
    auto base = std::make_shared<TensorDataset>(rand({37, 1, 6, 6}), arange(37));
    auto pipeline =
        compose({std::make_shared<RandomCrop>(6, 1), std::make_shared<RandomHorizontalFlip>(),
                 std::make_shared<Normalize>(std::vector<double>{0.5}, std::vector<double>{0.25})});
    auto ds = std::make_shared<Transformed>(base, pipeline, 77);
    auto run = [&](int workers) {
      DataLoader loader(ds, DataLoaderOptions(5).shuffle().num_workers(workers).seed(3));
      std::vector<std::vector<float>> out;
      for (int epoch = 0; epoch < 3; ++epoch)
        for (const auto& [x, y] : loader) out.push_back(x.to_vector<float>());
      return out;
    };
    const auto reference = run(0);
    QCOMPARE(run(1), reference);
    QCOMPARE(run(3), reference);
    // The same sample looks different in another epoch.
    QVERIFY(!ds->get_for_epoch(4, 0).data.equal(ds->get_for_epoch(4, 1).data) ||
            !ds->get_for_epoch(5, 0).data.equal(ds->get_for_epoch(5, 1).data));
    QVERIFY(ds->get(4).data.equal(ds->get_for_epoch(4, 0).data));
  }

  void meanStdPerChannel() {
    Tensor x = rand({50, 3, 4, 4});
    x.index({Slice(), 1}).mul_(4.0);
    MeanStd s = channel_mean_std(TensorDataset(x, Tensor()), 7);  // uneven batches on purpose
    QCOMPARE(s.mean.size(), size_t(3));
    for (int64_t c = 0; c < 3; ++c) {
      Tensor xc = x.index({Slice(), c}).to(kFloat64);
      QVERIFY(std::abs(s.mean[size_t(c)] - xc.mean().item()) < 1e-9);
      QVERIFY(std::abs(s.std[size_t(c)] - xc.std({}, false).item()) < 1e-9);
    }
    MeanStd tabular = channel_mean_std(TensorDataset(tensor({{1., 10.}, {3., 30.}}), Tensor()));
    QCOMPARE(tabular.mean, (std::vector<double>{2.0, 20.0}));
    QCOMPARE(tabular.std, (std::vector<double>{1.0, 10.0}));
  }
};

QTEST_APPLESS_MAIN(TestTransforms)
#include "tst_transforms.moc"
