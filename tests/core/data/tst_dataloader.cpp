// DataLoader and the dataset wrappers: batching, drop_last, seeded per-epoch shuffles that do not
// depend on the number of workers, clean shutdown, clear errors, and the cost of a batch.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "data/concat_dataset.h"
#include "data/data_error.h"
#include "data/dataloader.h"
#include "data/subset.h"
#include "data/synthetic.h"
#include "data/tensor_dataset.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::data;

namespace {

// Sample i: data [i, -i] (float32), target i (int64).
std::shared_ptr<TensorDataset> numbered(int64_t n) {
  Tensor t = arange(double(n), kFloat32);
  return std::make_shared<TensorDataset>(stack({t, -t}, 1), arange(double(n)));
}

// A dataset that goes through the per-sample path and takes a while, so that workers finish out
// of order. Throws at `fail_at`.
class SlowDataset : public Dataset {
 public:
  SlowDataset(int64_t n, int64_t fail_at = -1) : n_(n), fail_at_(fail_at) {}
  int64_t size() const override { return n_; }
  Example get(int64_t i) const override {
    ++calls;
    if (i == fail_at_) throw DataError("SlowDataset: sample " + std::to_string(i) + " is bad");
    std::this_thread::sleep_for(std::chrono::microseconds((i * 7919) % 300));
    return {full({3}, double(i)), scalar_tensor(double(i), kInt64)};
  }
  mutable std::atomic<int64_t> calls{0};

 private:
  int64_t n_, fail_at_;
};

std::vector<int64_t> targets_of(DataLoader& loader) {
  std::vector<int64_t> out;
  for (const auto& [x, y] : loader) {
    std::vector<int64_t> v = y.to_vector<int64_t>();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
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

class TestDataLoader : public QObject {
  Q_OBJECT
 private slots:
  void batchesStackSamples() {
    DataLoader loader(numbered(10), DataLoaderOptions(4));
    QCOMPARE(loader.size(), 3);
    std::vector<Shape> shapes;
    for (const Example& b : loader) shapes.push_back(b.data.sizes());
    QCOMPARE(shapes, (std::vector<Shape>{{4, 2}, {4, 2}, {2, 2}}));
    auto it = loader.begin();
    QCOMPARE(it->data.to_vector<float>(), (std::vector<float>{0, -0, 1, -1, 2, -2, 3, -3}));
    QCOMPARE(it->target.dtype(), kInt64);
  }

  void lastPartialBatchHoldsTheRest() {
    DataLoader loader(numbered(10), DataLoaderOptions(4));
    Example last;
    for (const Example& b : loader) last = b;
    QCOMPARE(last.target.to_vector<int64_t>(), (std::vector<int64_t>{8, 9}));
    QCOMPARE(targets_of(loader).size(), size_t(10));
  }

  void dropLastDropsTheShortBatch() {
    DataLoader loader(numbered(10), DataLoaderOptions(4).drop_last(true));
    QCOMPARE(loader.size(), 2);
    QCOMPARE(targets_of(loader), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
    DataLoader exact(numbered(8), DataLoaderOptions(4).drop_last(true));
    QCOMPARE(exact.size(), 2);
    DataLoader none(numbered(3), DataLoaderOptions(4).drop_last(true));
    QCOMPARE(none.size(), 0);
    QVERIFY(none.begin() == none.end());
  }

  void withoutShuffleOrderIsSequential() {
    DataLoader loader(numbered(7), DataLoaderOptions(3));
    for (int epoch = 0; epoch < 2; ++epoch)
      QCOMPARE(targets_of(loader), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  }

  void shuffleDiffersPerEpochAndRepeatsPerSeed() {
    DataLoader a(numbered(100), DataLoaderOptions(16).shuffle(true).seed(42));
    DataLoader b(numbered(100), DataLoaderOptions(16).shuffle(true).seed(42));
    std::vector<int64_t> a0 = targets_of(a), a1 = targets_of(a), b0 = targets_of(b);
    QVERIFY(a0 != a1);
    QCOMPARE(a0, b0);
    QCOMPARE(targets_of(b), a1);
    QCOMPARE(a.sample_order(1), a1);
    std::set<int64_t> seen(a1.begin(), a1.end());
    QCOMPARE(seen.size(), size_t(100));  // a permutation: every sample once
    DataLoader c(numbered(100), DataLoaderOptions(16).shuffle(true).seed(43));
    QVERIFY(targets_of(c) != a0);
    a.set_epoch(1);
    QCOMPARE(targets_of(a), a1);
  }

  void unsetSeedFollowsManualSeed() {
    manual_seed(7);
    DataLoader a(numbered(50), DataLoaderOptions(8).shuffle(true));
    manual_seed(7);
    DataLoader b(numbered(50), DataLoaderOptions(8).shuffle(true));
    QCOMPARE(a.seed(), b.seed());
    QCOMPARE(targets_of(a), targets_of(b));
  }

  void sameBatchesWhateverTheWorkerCount_data() {
    QTest::addColumn<bool>("per_sample");
    QTest::addColumn<bool>("shuffle");
    QTest::addColumn<bool>("drop_last");
    QTest::newRow("tensor dataset, shuffled") << false << true << false;
    QTest::newRow("tensor dataset, in order, drop_last") << false << false << true;
    QTest::newRow("per-sample dataset, shuffled") << true << true << false;
    QTest::newRow("per-sample dataset, shuffled, drop_last") << true << true << true;
  }
  void sameBatchesWhateverTheWorkerCount() {
    QFETCH(bool, per_sample);
    QFETCH(bool, shuffle);
    QFETCH(bool, drop_last);
    std::shared_ptr<const Dataset> ds =
        per_sample ? std::shared_ptr<const Dataset>(std::make_shared<SlowDataset>(45))
                   : numbered(45);
    auto run = [&](int workers) {
      DataLoader loader(
          ds,
          DataLoaderOptions(4).shuffle(shuffle).drop_last(drop_last).num_workers(workers).seed(99));
      std::vector<std::vector<float>> out;
      for (int epoch = 0; epoch < 2; ++epoch)
        for (const auto& [x, y] : loader) {
          out.push_back(x.to_vector<float>());
          out.push_back(y.to_vector<float>());
        }
      return out;
    };
    const auto reference = run(0);
    QCOMPARE(reference.size(),
             size_t(drop_last ? 44 : 48));  // 2 epochs x 11 or 12 batches x (x, y)
    QCOMPARE(run(1), reference);
    QCOMPARE(run(3), reference);
  }

  void workerErrorsReachTheLoop() {
    auto ds = std::make_shared<SlowDataset>(20, 13);
    for (int workers : {0, 2}) {
      DataLoader loader(ds, DataLoaderOptions(4).num_workers(workers));
      QString msg = data_error([&] {
        for (const Example& b : loader) (void)b;
      });
      QVERIFY2(msg.contains("sample 13 is bad"), qPrintable(msg));
    }
  }

  void destructorJoinsWorkersMidEpoch() {
    auto ds = std::make_shared<SlowDataset>(400);
    {
      DataLoader loader(ds, DataLoaderOptions(2).num_workers(3).prefetch_factor(2));
      auto it = loader.begin();
      ++it;
      QCOMPARE(it->target.to_vector<int64_t>(), (std::vector<int64_t>{2, 3}));
    }  // must join without finishing the epoch
    // Prefetching is bounded: at most 3 workers x 2 batches ahead of the two batches taken.
    QVERIFY2(ds->calls.load() <= 2 * (2 + 3 * 2 + 3), qPrintable(QString::number(ds->calls)));
  }

  void newPassEndsThePreviousOne() {
    DataLoader loader(numbered(20), DataLoaderOptions(4).num_workers(2));
    auto first = loader.begin();
    auto second = loader.begin();  // abandons the first pass mid-way
    QCOMPARE(second->target.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3}));
    QString msg = data_error([&] { ++first; });
    QVERIFY2(msg.contains("earlier pass"), qPrintable(msg));
    QCOMPARE(loader.epoch(), 2);
  }

  void errorsForEmptyDatasetAndBadOptions() {
    QString msg = data_error([] {
      DataLoader(std::make_shared<TensorDataset>(zeros({0, 3}), zeros({0})));
    });
    QVERIFY2(msg.contains("dataset is empty (0 samples)"), qPrintable(msg));
    msg = data_error([] { DataLoader(numbered(4), DataLoaderOptions(0)); });
    QVERIFY2(msg.contains("batch_size must be at least 1, got 0"), qPrintable(msg));
    msg = data_error([] { DataLoader(numbered(4), DataLoaderOptions(2).num_workers(-1)); });
    QVERIFY2(msg.contains("num_workers"), qPrintable(msg));
    msg = data_error([] { DataLoader(std::shared_ptr<const Dataset>()); });
    QVERIFY2(msg.contains("null"), qPrintable(msg));
  }

  void tensorDatasetChecksItsInputs() {
    QString msg = data_error([] { TensorDataset(zeros({5, 2}), zeros({4})); });
    QVERIFY2(msg.contains("5 samples") && msg.contains("(4,)"), qPrintable(msg));
    QVERIFY_THROWS_EXCEPTION(IndexError, numbered(3)->get(3));
    TensorDataset unlabelled(zeros({3, 2}), Tensor());
    DataLoader loader(unlabelled, DataLoaderOptions(2));
    QVERIFY(!loader.begin()->target.defined());
  }

  void batchesAreCopies() {
    auto ds = numbered(4);
    DataLoader loader(ds, DataLoaderOptions(2));
    Tensor x = loader.begin()->data;
    x.fill_(100);
    QCOMPARE(ds->data()[0].to_vector<float>(), (std::vector<float>{0, 0}));
  }

  void customCollateSeesSamples() {
    Collate count = [](const std::vector<Example>& s) {
      return Example{full({1}, double(s.size())), Tensor()};
    };
    DataLoader loader(numbered(5), DataLoaderOptions(2).collate(count));
    std::vector<float> sizes;
    for (const Example& b : loader) sizes.push_back(b.data.item<float>());
    QCOMPARE(sizes, (std::vector<float>{2, 2, 1}));
  }

  void collateRefusesMixedShapes() {
    QString msg = data_error([] {
      collate_stack({{zeros({2, 2}), Tensor()}, {zeros({3, 2}), Tensor()}});
    });
    QVERIFY2(msg.contains("sample 1") && msg.contains("(3, 2)") && msg.contains("(2, 2)"),
             qPrintable(msg));
  }

  void subsetMapsIndices() {
    Subset s(numbered(10), {7, 2, 5});
    QCOMPARE(s.size(), 3);
    QCOMPARE(s.get(0).target.item<int64_t>(), int64_t(7));
    QCOMPARE(s.get_batch({2, 1}).target.to_vector<int64_t>(), (std::vector<int64_t>{5, 2}));
    QVERIFY_THROWS_EXCEPTION(IndexError, Subset(numbered(3), {3}));
  }

  void randomSplitIsSeededAndDisjoint() {
    auto base = numbered(10);
    auto parts = random_split(base, {7, 3}, 5);
    QCOMPARE(parts.size(), size_t(2));
    QCOMPARE(parts[0].size(), 7);
    std::set<int64_t> all(parts[0].indices().begin(), parts[0].indices().end());
    all.insert(parts[1].indices().begin(), parts[1].indices().end());
    QCOMPARE(all.size(), size_t(10));
    QCOMPARE(random_split(base, {7, 3}, 5)[0].indices(), parts[0].indices());
    QVERIFY(random_split(base, {7, 3}, 6)[0].indices() != parts[0].indices());

    Generator gen(5);
    QCOMPARE(random_split(base, {7, 3}, gen)[1].indices(), parts[1].indices());
    QCOMPARE(gen.offset(), uint64_t(10));

    auto fr = random_split_fractions(base, {0.55, 0.45}, 1);
    QCOMPARE(fr[0].size() + fr[1].size(), 10);
    QCOMPARE(fr[0].size(), 6);  // floor gives 5 and 4; the remainder goes to the first
    QString msg = data_error([&] { random_split(base, {7, 4}, 1); });
    QVERIFY2(msg.contains("add up to 11") && msg.contains("10 samples"), qPrintable(msg));
  }

  void concatReadsPartsInTurn() {
    ConcatDataset c({numbered(3), numbered(2)});
    QCOMPARE(c.size(), 5);
    std::vector<int64_t> t;
    for (int64_t i = 0; i < c.size(); ++i) t.push_back(c.get(i).target.item<int64_t>());
    QCOMPARE(t, (std::vector<int64_t>{0, 1, 2, 0, 1}));
    QVERIFY_THROWS_EXCEPTION(IndexError, c.get(5));
    DataLoader loader(std::make_shared<ConcatDataset>(c), DataLoaderOptions(5));
    QCOMPARE(loader.begin()->target.to_vector<int64_t>(), t);
  }

  void syntheticDataIsSeeded() {
    TensorDataset a = random_classification(100, 20, 3, 11);
    QCOMPARE(a.data().sizes(), (Shape{100, 20}));
    QCOMPARE(a.targets().dtype(), kInt64);
    QVERIFY(a.targets().min().item<int64_t>() >= 0 && a.targets().max().item<int64_t>() <= 2);
    QVERIFY(a.data().equal(random_classification(100, 20, 3, 11).data()));
    QVERIFY(!a.data().equal(random_classification(100, 20, 3, 12).data()));
    // Matches the global generator after manual_seed, like torch.randn + torch.randint.
    manual_seed(11);
    QVERIFY(a.data().equal(randn({100, 20})));
    QVERIFY(a.targets().equal(randint(0, 3, {100})));

    TensorDataset bin = random_classification(1000, 20, 2, 1, true);
    QCOMPARE(bin.targets().sizes(), (Shape{1000, 1}));
    QCOMPARE(bin.targets().dtype(), kFloat32);
    const double ones = bin.targets().sum().item();
    QVERIFY(ones > 400 && ones < 600);

    TensorDataset blobs = make_blobs(300, 2, 3, 4, 5.0);
    Tensor mean0 = blobs.data().index_select(0, arange(0, 300, 3)).mean(Shape{0});
    Tensor mean1 = blobs.data().index_select(0, arange(1, 300, 3)).mean(Shape{0});
    QVERIFY((mean0 - mean1).abs().max().item() > 1.0);  // classes sit apart
  }

  void tensorDatasetEpochIsFast() {
    // Fashion-MNIST's shape: 60000 x 1 x 28 x 28 float32, batch 64, shuffled.
    auto ds = std::make_shared<TensorDataset>(rand({60000, 1, 28, 28}), randint(0, 10, {60000}));
    for (int workers : {0, 2}) {
      DataLoader loader(ds, DataLoaderOptions(64).shuffle(true).num_workers(workers).seed(1));
      double best = 1e9;
      for (int rep = 0; rep < 3; ++rep) {
        auto t0 = std::chrono::steady_clock::now();
        int64_t n = 0;
        for (const Example& b : loader) n += b.data.size(0);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        QCOMPARE(n, int64_t(60000));
        best = std::min(best, s);
      }
      const double per_batch_us = best / double(DataLoader(ds, DataLoaderOptions(64)).size()) * 1e6;
      qInfo("num_workers=%d: one epoch %.1f ms, %.1f us per batch of 64", workers, best * 1e3,
            per_batch_us);
      QVERIFY2(per_batch_us < 1000, qPrintable(QString::number(per_batch_us)));
    }
  }
};

QTEST_APPLESS_MAIN(TestDataLoader)
#include "tst_dataloader.moc"
