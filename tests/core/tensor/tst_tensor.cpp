// Tensor handles: creation, views sharing storage, assignment through views, conversions.
#include <QtTest>

#include "cpu/host_allocator.h"
#include "cpu/threads.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

using namespace nw;

class TestTensor : public QObject {
  Q_OBJECT
 private slots:
  // As torch.relu: a NaN must survive, or a diverging run would train on silently.
  void reluKeepsNaN() {
    nw::Tensor x = nw::tensor({-1.0, std::numeric_limits<double>::quiet_NaN(), 2.0});
    nw::Tensor y = x.relu();
    QCOMPARE(y.index({0}).item(), 0.0);
    QVERIFY(std::isnan(y.index({1}).item()));
    QCOMPARE(y.index({2}).item(), 2.0);
  }
  void nestedLiteralInfersDtypeAndShape() {
    Tensor f = tensor({{1., 2.}, {3., 4.}});
    QCOMPARE(f.dtype(), kFloat32);
    QCOMPARE(f.sizes(), (Shape{2, 2}));
    QCOMPARE(tensor({{1, 2}, {3, 4}}).dtype(), kInt64);
    QCOMPARE(tensor({true, false}).dtype(), kBool);
    QCOMPARE(tensor({1, 2.5}).dtype(), kFloat32);
    QCOMPARE(f.to_vector<float>(), (std::vector<float>{1, 2, 3, 4}));
  }

  void raggedLiteralIsRefused() { QVERIFY_THROWS_EXCEPTION(ShapeError, tensor({{1., 2.}, {3.}})); }

  void fromVectorCopiesAndFromBlobShares() {
    std::vector<float> v{1, 2, 3, 4, 5, 6};
    Tensor copy = from_vector(v, {2, 3});
    Tensor shared = from_blob(v.data(), {2, 3}, kFloat32);
    v[0] = 42;
    QCOMPARE(copy.to_vector<float>()[0], 1.0f);
    QCOMPARE(shared.to_vector<float>()[0], 42.0f);
    shared.fill_(7);  // writes go to the caller's buffer too
    QCOMPARE(v[5], 7.0f);
  }

  void fromBlobRunsDeleterWhenLastViewDies() {
    int deleted = 0;
    auto* buf = new double[4]{1, 2, 3, 4};
    {
      Tensor t = from_blob(buf, {4}, kFloat64, [&](void* p) {
        delete[] static_cast<double*>(p);
        ++deleted;
      });
      Tensor view = t.narrow(0, 1, 2);
      t = Tensor();
      QCOMPARE(deleted, 0);
      QCOMPARE(view.to_vector<double>(), (std::vector<double>{2, 3}));
    }
    QCOMPARE(deleted, 1);
  }

  void factoriesFillAsAsked() {
    QCOMPARE(zeros({2, 3}).sum().item<float>(), 0.0f);
    QCOMPARE(ones({2, 3}, kFloat64).sum().item<double>(), 6.0);
    QCOMPARE(full({2}, 2.5).to_vector<float>(), (std::vector<float>{2.5f, 2.5f}));
    QCOMPARE(arange(5).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3, 4}));
    QCOMPARE(arange(1, 2, 0.25, kFloat32).to_vector<float>(),
             (std::vector<float>{1, 1.25f, 1.5f, 1.75f}));
    QCOMPARE(linspace(0, 1, 5).to_vector<float>(), (std::vector<float>{0, .25f, .5f, .75f, 1}));
    QCOMPARE(eye(2, 3).to_vector<float>(), (std::vector<float>{1, 0, 0, 0, 1, 0}));
    Tensor x = randn({3, 4}, kFloat64);
    QCOMPARE(zeros_like(x).dtype(), kFloat64);
    QCOMPARE(ones_like(x).sizes(), (Shape{3, 4}));
    QCOMPARE(full_like(x, 3).sum().item<double>(), 36.0);
  }

  void randomDrawsAreSeededAndReproducible() {
    manual_seed(1234);
    Tensor a = rand({1000});
    Tensor b = randn({1000});
    Tensor c = randint(3, 7, {1000});
    manual_seed(1234);
    QVERIFY(a.equal(rand({1000})));
    QVERIFY(b.equal(randn({1000})));
    QVERIFY(c.equal(randint(3, 7, {1000})));
    QVERIFY(!a.equal(rand({1000})));  // the generator moved on
    // Ranges and rough moments: U[0,1) mean 0.5, N(0,1) mean 0 and std 1 (1000 draws: 5 sigma).
    QVERIFY(a.min().item<float>() >= 0.0f && a.max().item<float>() < 1.0f);
    QVERIFY(std::abs(a.mean().item<float>() - 0.5f) < 5 * 0.2887f / 31.6f);
    QVERIFY(std::abs(b.mean().item<float>()) < 5.0f / 31.6f);
    QVERIFY(std::abs(b.std().item<float>() - 1.0f) < 0.12f);
    QCOMPARE(c.min().item<int64_t>(), int64_t(3));
    QCOMPARE(c.max().item<int64_t>(), int64_t(6));
    Tensor p = randperm(50);
    QVERIFY(one_hot(p, 50).sum(Shape{0}).equal(ones({50}, kInt64)));  // each index exactly once
  }

  void viewsShareStorage() {
    Tensor t = arange(12, kFloat32).reshape({3, 4});
    Tensor row = t[1];
    Tensor col = t.index({Slice(), 0});
    Tensor last = t.index({Ellipsis, -1});
    Tensor stepped = t.index({Slice(), Slice(0, std::nullopt, 2)});
    QCOMPARE(row.to_vector<float>(), (std::vector<float>{4, 5, 6, 7}));
    QCOMPARE(col.to_vector<float>(), (std::vector<float>{0, 4, 8}));
    QCOMPARE(last.to_vector<float>(), (std::vector<float>{3, 7, 11}));
    QCOMPARE(stepped.sizes(), (Shape{3, 2}));
    QCOMPARE(stepped.to_vector<float>(), (std::vector<float>{0, 2, 4, 6, 8, 10}));
    QVERIFY(row.storage() == t.storage());
    QVERIFY(col.storage() == t.storage());
    QVERIFY(!col.is_contiguous());
    QVERIFY(t.t().storage() == t.storage());
    QVERIFY(t.t().contiguous().storage() != t.storage());
    QVERIFY(t.contiguous().is_same(t));  // no copy when already contiguous
    QCOMPARE(t.index({None, Slice(), 1}).sizes(), (Shape{1, 3}));
    QCOMPARE(t.unsqueeze(0).squeeze().sizes(), (Shape{3, 4}));
    QCOMPARE(t.permute({1, 0}).sizes(), (Shape{4, 3}));
    QCOMPARE(t.flatten().sizes(), (Shape{12}));
    QCOMPARE(t.view({2, -1}).sizes(), (Shape{2, 6}));
    QCOMPARE(t[0].expand({2, 4}).stride(0), int64_t(0));
  }

  void assignmentThroughViewsWritesTheBase() {
    Tensor t = ones({3, 3});
    t.index({Slice(), 1}) = 0.0;
    t[2] = tensor({7., 8., 9.});
    t.index_put_({0, 0}, 5.0);
    QCOMPARE(t.to_vector<float>(), (std::vector<float>{5, 0, 1, 1, 0, 1, 7, 8, 9}));
    Tensor handle = t[0];
    handle = zeros({3});  // assigning to a named handle rebinds it, as in PyTorch
    QCOMPARE(t[0].sum().item<float>(), 6.0f);
  }

  void reshapeCopiesOnlyWhenItMust() {
    Tensor t = arange(6, kFloat32).reshape({2, 3});
    QVERIFY(t.reshape({3, 2}).storage() == t.storage());
    Tensor tt = t.t();
    Tensor r = tt.reshape({6});
    QVERIFY(r.storage() != t.storage());
    QCOMPARE(r.to_vector<float>(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
    QVERIFY_THROWS_EXCEPTION(ShapeError, tt.view({6}));
  }

  void dtypeConversionsAndPromotion() {
    Tensor i = tensor({1, 2, 3});
    Tensor f = tensor({0.5, 0.5, 0.5});
    QCOMPARE((i + f).dtype(), kFloat32);
    QCOMPARE((i * 2.0).dtype(), kInt64);
    QCOMPARE((i * 2.5).dtype(), kFloat32);
    QCOMPARE((i / i).dtype(), kFloat32);
    QCOMPARE((f.to(kFloat64) + f).dtype(), kFloat64);
    QCOMPARE(f.to(kInt64).to_vector<int64_t>(), (std::vector<int64_t>{0, 0, 0}));
    QCOMPARE((i > 1).dtype(), kBool);
    QCOMPARE((i > 1).to_vector<bool>(), (std::vector<bool>{false, true, true}));
    QCOMPARE(tensor({1., -2.}).to(kUInt8).dtype(), kUInt8);
  }

  void deviceSpecsParse() {
    QCOMPARE(Device("cpu").str(), std::string("cpu"));
    QCOMPARE(Device("cuda:1").index(), 1);
    QVERIFY(Device("cuda").is_cuda());
    QVERIFY_THROWS_EXCEPTION(DeviceError, Device("gpu0"));
  }

  void equalAndAllclose() {
    Tensor a = tensor({1., 2., 3.});
    QVERIFY(a.equal(tensor({1., 2., 3.})));
    QVERIFY(!a.equal(tensor({1., 2.})));
    QVERIFY(a.allclose(a + 1e-7));
    QVERIFY(!a.allclose(a + 1e-3));
  }

  void resultsDoNotDependOnTheThreadCount() {
    // Above the parallel grain (32768 elements) the kernels split work across threads; the
    // split must not change a value, or a seeded run would not reproduce on another machine.
    manual_seed(7);
    Tensor a = randn({300, 700}), b = randn({700});
    auto run = [&] {
      return std::vector<Tensor>{a + b,       (a * b).sum(Shape{1}), a.sum(Shape{0}),
                                 a.exp(),     a.t().contiguous(),    a.max(1).first,
                                 a.argmax(1), rand({50000}),         a.matmul(b)};
    };
    int saved = get_num_threads();
    set_num_threads(1);
    std::vector<Tensor> one = run();
    set_num_threads(2);
    manual_seed(7);
    a = randn({300, 700}), b = randn({700});
    std::vector<Tensor> two = run();
    set_num_threads(saved);
    for (size_t i = 0; i < one.size(); ++i)
      QVERIFY2(one[i].equal(two[i]), qPrintable(QString("result %1 differs").arg(i)));
  }

  void largeHostBlocksAreReused() {
    HostCacheStats before = host_cache_stats();
    void* first = nullptr;
    {
      Tensor t = empty({1 << 20});  // 4 MiB: cached on release
      first = t.raw_data();
    }
    Tensor again = empty({1 << 20});
    QCOMPARE(again.raw_data(), first);
    QCOMPARE(host_cache_stats().hits, before.hits + 1);
    set_host_cache_limit(0);  // no caching: the block goes back to the system
    again = Tensor();
    QCOMPARE(host_cache_stats().cached_bytes, size_t(0));
    set_host_cache_limit(size_t(1) << 30);
  }

  void inPlaceArithmeticBumpsTheVersion() {
    Tensor a = ones({4});
    uint32_t v = a.version();
    a.add_(tensor({1., 2., 3., 4.}));
    a.mul_(2.0);
    a += 1.0;
    QCOMPARE(a.to_vector<float>(), (std::vector<float>{5, 7, 9, 11}));
    QCOMPARE(a.version(), v + 3);
    QCOMPARE(a[0].version(), a.version());  // views share the counter
  }
};

QTEST_APPLESS_MAIN(TestTensor)
#include "tst_tensor.moc"
